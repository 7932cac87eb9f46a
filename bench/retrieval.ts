/**
 * Retrieval quality at file level; prints numbers, asserts nothing.
 *
 *   node bench/retrieval.ts --dataset F.jsonl [--coarse]   (--coarse: the two-pass vector search at any size)
 *   node bench/retrieval.ts --make-eslint-dataset OUT.jsonl
 *
 * Each dataset row is {"root": DIR, "query": TEXT, "gold_files": [root-relative paths]}; a relative
 * root is taken from the current directory, else from the dataset's folder. Each root is indexed
 * once with the local embedder, then every query is run hybrid, vector-only and keyword-only, and
 * recall@5, recall@10 and MRR over files are printed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalEmbedder } from '../src/index/localEmbedder.ts';
import type { Retriever } from '../src/index/rankFusion.ts';
import { WorkspaceIndex } from '../src/index/workspaceIndex.ts';

interface Row {
  readonly root: string;
  readonly query: string;
  readonly gold_files: readonly string[];
}

const modes: Record<string, readonly Retriever[]> = { hybrid: ['vector', 'keyword'], vector: ['vector'], keyword: ['keyword'] };

async function evaluate(datasetPath: string, coarse: boolean): Promise<void> {
  const rows = readFileSync(datasetPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Row);
  const rootOf = (root: string) => {
    if (isAbsolute(root)) return root;
    const fromCwd = resolve(root);
    return existsSync(fromCwd) ? fromCwd : resolve(dirname(datasetPath), root);
  };
  const storeBase = mkdtempSync(join(tmpdir(), 'gw-retrieval-'));
  const totals: Record<string, { r5: number; r10: number; mrr: number }> = {};
  for (const mode of Object.keys(modes)) totals[mode] = { r5: 0, r10: 0, mrr: 0 };
  try {
    const byRoot = new Map<string, Row[]>();
    for (const row of rows) byRoot.set(rootOf(row.root), [...(byRoot.get(rootOf(row.root)) ?? []), row]);
    let rootNumber = 0;
    for (const [root, group] of byRoot) {
      const index = await WorkspaceIndex.open({ storeDirectory: join(storeBase, String(rootNumber++)), roots: [{ id: 'root', path: root }], embedder: new LocalEmbedder(), ...(coarse ? { vectorSearch: { coarseFrom: 1 } } : {}) });
      const started = performance.now();
      await index.refresh();
      console.log(`${root}: ${index.status().files} files, ${index.status().chunks} chunks indexed in ${((performance.now() - started) / 1000).toFixed(1)} s; ${group.length} queries`);
      for (const row of group) {
        const gold = new Set(row.gold_files);
        for (const [mode, retrievers] of Object.entries(modes)) {
          const files = (await index.searchFiles(row.query, { top: 10, retrievers })).map((hit) => hit.path);
          const found = (k: number) => files.slice(0, k).filter((path) => gold.has(path)).length / gold.size;
          const firstRank = files.findIndex((path) => gold.has(path));
          totals[mode].r5 += found(5);
          totals[mode].r10 += found(10);
          totals[mode].mrr += firstRank < 0 ? 0 : 1 / (firstRank + 1);
        }
      }
      index.dispose();
    }
  } finally {
    rmSync(storeBase, { recursive: true, force: true });
  }
  console.log(`${rows.length} queries from ${datasetPath}`);
  console.log('mode      recall@5  recall@10  MRR@10');
  for (const [mode, total] of Object.entries(totals)) {
    const f = (value: number) => (value / rows.length).toFixed(3).padStart(8);
    console.log(`${mode.padEnd(8)} ${f(total.r5)}  ${f(total.r10)}  ${f(total.mrr)}`);
  }
}

/**
 * A development set from ESLint's own rules (real code no one here wrote), read in place: the
 * query is a rule's `meta.docs.description` without its leading verb, the gold file the rule's
 * source. Every fourth rule by name. The description also sits in the gold file, so this is a
 * known-item set that favours keyword search; use it to compare changes, not as absolute quality.
 */
function makeEslintDataset(out: string): void {
  const rulesDir = 'node_modules/eslint/lib/rules';
  const names = readdirSync(rulesDir).filter((name) => name.endsWith('.js') && name !== 'index.js').sort();
  const rows: Row[] = [];
  names.forEach((name, i) => {
    if (i % 4 !== 0) return;
    const source = readFileSync(join(rulesDir, name), 'utf8');
    // The closing quote must be the opening one: descriptions quote code in backticks inside
    // double quotes ("Require `return` statements…"), which a character class cut short.
    const description = source.match(/description:\s*(["'`])((?:\\.|(?!\1)[^\\])*)\1/)?.[2];
    if (!description) return;
    const query = description.replace(/^(Enforce|Disallow|Require|Report|Suggest|Ensure)\s+/i, '');
    rows.push({ root: 'node_modules/eslint/lib', query, gold_files: [`rules/${name}`] });
  });
  writeFileSync(out, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  console.log(`wrote ${rows.length} rows to ${out}`);
}

const { values } = parseArgs({ options: { dataset: { type: 'string' }, coarse: { type: 'boolean', default: false }, 'make-eslint-dataset': { type: 'string' } } });
if (values['make-eslint-dataset']) makeEslintDataset(values['make-eslint-dataset']);
else if (values.dataset) await evaluate(values.dataset, values.coarse);
else console.error('Usage: node bench/retrieval.ts --dataset F.jsonl | --make-eslint-dataset OUT.jsonl');

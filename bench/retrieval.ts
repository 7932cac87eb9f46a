/**
 * Retrieval quality at file level; prints numbers, asserts nothing.
 *
 *   node bench/retrieval.ts --dataset F.jsonl [--dataset G.jsonl …] [--coarse]   (--coarse: the two-pass vector search at any size)
 *   node bench/retrieval.ts --make-eslint-dataset OUT.jsonl
 *
 * Each dataset row is {"root": DIR, "query": TEXT, "gold_files": [root-relative paths]}; a relative
 * root is taken from the current directory, else from the dataset's folder. A row with
 * "package": "name@version" (bench/releaseDataset.ts) is rooted at that published version instead,
 * fetched with `npm pack` into the cache when missing; with "strip": "comments" too, at a copy
 * of it without comments and doc files, built once beside it (bench/docstringDataset.ts). Each
 * root is indexed once with the local embedder, then every query is run hybrid, vector-only and
 * keyword-only, and recall@5, recall@10 and MRR over files are printed, per "split" too when
 * rows have one.
 *
 * --keep-stores DIR keeps the indexes between runs, for trying search-time changes (fusion, file
 * ranking, query handling) quickly. A change to chunking or tokens needs a fresh DIR: only the
 * embedder's id, not the tokenizer, makes a kept index rebuild.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { releaseRoot, strippedRoot } from './npmRelease.ts';
import { LocalEmbedder } from '../src/index/localEmbedder.ts';
import type { Retriever } from '../src/index/rankFusion.ts';
import { WorkspaceIndex } from '../src/index/workspaceIndex.ts';

interface Row {
  readonly root: string;
  readonly query: string;
  readonly gold_files: readonly string[];
  /** "name@version": the root is that published version, unpacked in the cache. */
  readonly package?: string;
  /** "comments": the package's copy without comments and doc files (bench/docstringDataset.ts). */
  readonly strip?: string;
  /** "dev" or "heldout": tune on the one, check on the other. */
  readonly split?: string;
}

interface Totals {
  r5: number;
  r10: number;
  mrr: number;
  count: number;
}

const modes: Record<string, readonly Retriever[]> = { hybrid: ['vector', 'keyword'], vector: ['vector'], keyword: ['keyword'] };

async function evaluate(datasetPath: string, coarse: boolean, keptStores: string | undefined): Promise<void> {
  const rows = readFileSync(datasetPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Row);
  const rootOf = (row: Row) => {
    if (row.package) return row.strip === 'comments' ? strippedRoot(row.package) : releaseRoot(row.package);
    if (isAbsolute(row.root)) return row.root;
    const fromCwd = resolve(row.root);
    return existsSync(fromCwd) ? fromCwd : resolve(dirname(datasetPath), row.root);
  };
  const storeBase = keptStores ?? mkdtempSync(join(tmpdir(), 'gw-retrieval-'));
  // Totals per mode, for all rows ('all') and per split.
  const totals = new Map<string, Record<string, Totals>>();
  const add = (group: string, mode: string, r5: number, r10: number, mrr: number) => {
    if (!totals.has(group)) totals.set(group, {});
    const entry = (totals.get(group)![mode] ??= { r5: 0, r10: 0, mrr: 0, count: 0 });
    entry.r5 += r5;
    entry.r10 += r10;
    entry.mrr += mrr;
    entry.count++;
  };
  const started = performance.now();
  try {
    const byRoot = new Map<string, Row[]>();
    for (const row of rows) byRoot.set(rootOf(row), [...(byRoot.get(rootOf(row)) ?? []), row]);
    for (const [root, group] of byRoot) {
      const index = await WorkspaceIndex.open({ storeDirectory: join(storeBase, createHash('sha256').update(root).digest('hex').slice(0, 16)), roots: [{ id: 'root', path: root }], embedder: new LocalEmbedder(), ...(coarse ? { vectorSearch: { coarseFrom: 1 } } : {}) });
      await index.refresh();
      for (const row of group) {
        const gold = new Set(row.gold_files);
        for (const [mode, retrievers] of Object.entries(modes)) {
          const files = (await index.searchFiles(row.query, { top: 10, retrievers })).map((hit) => hit.path);
          const found = (k: number) => files.slice(0, k).filter((path) => gold.has(path)).length / gold.size;
          const firstRank = files.findIndex((path) => gold.has(path));
          const scores = [found(5), found(10), firstRank < 0 ? 0 : 1 / (firstRank + 1)] as const;
          add('all', mode, ...scores);
          if (row.split) add(row.split, mode, ...scores);
        }
      }
      index.dispose();
    }
  } finally {
    if (!keptStores) rmSync(storeBase, { recursive: true, force: true });
  }
  console.log(`${rows.length} queries over ${new Set(rows.map(rootOf)).size} roots from ${datasetPath} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log('rows      mode      recall@5  recall@10  MRR@10');
  for (const [group, byMode] of totals) {
    for (const [mode, total] of Object.entries(byMode)) {
      const f = (value: number) => (value / total.count).toFixed(3).padStart(8);
      console.log(`${`${group} (${total.count})`.padEnd(14)}${mode.padEnd(8)} ${f(total.r5)}  ${f(total.r10)}  ${f(total.mrr)}`);
    }
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

const { values } = parseArgs({ options: { dataset: { type: 'string', multiple: true }, coarse: { type: 'boolean', default: false }, 'keep-stores': { type: 'string' }, 'make-eslint-dataset': { type: 'string' } } });
if (values['make-eslint-dataset']) makeEslintDataset(values['make-eslint-dataset']);
else if (values.dataset) {
  for (const dataset of values.dataset) await evaluate(dataset, values.coarse, values['keep-stores']);
}
else console.error('Usage: node bench/retrieval.ts --dataset F.jsonl | --make-eslint-dataset OUT.jsonl');

/**
 * Retrieval quality at file level; prints numbers, asserts nothing.
 *
 *   node bench/retrieval.ts --dataset F.jsonl [--dataset G.jsonl …] [--coarse]   (--coarse: the two-pass vector search at any size)
 *   node bench/retrieval.ts --postgres --dataset F.jsonl   also through the team index on Postgres (pg-* modes):
 *     GROUNDWORK_POSTGRES_URL's server, or PGlite with pgvector in this process
 *   node bench/retrieval.ts --make-eslint-dataset OUT.jsonl
 *
 * Each dataset row is {"root": DIR, "query": TEXT, "gold_files": [root-relative paths]}; a relative
 * root is taken from the current directory, else from the dataset's folder. A row with
 * "package": "name@version" (bench/releaseDataset.ts) is rooted at that published version instead,
 * fetched with `npm pack` into the cache when missing; with "strip": "comments" too, at a copy
 * of it without comments and doc files, built once beside it (bench/docstringDataset.ts). Each
 * root is indexed once with the local embedder, then every query is run hybrid, vector-only and
 * keyword-only, beside the whole-file BM25 baseline (bench/wholeFileBm25.ts), and recall@5,
 * recall@10, hit@10, MRR and prose@10 (the share of the top 10 that is docs, changelogs, templates,
 * fixtures or generated files and not an answer) are printed, per "split" and "repo" too when
 * rows have them.
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
import { CachingEmbedder } from '../src/index/embedder.ts';
import { LocalEmbedder } from '../src/index/localEmbedder.ts';
import { indexCheckout, searchCheckout } from '../src/index/postgres/checkoutIndexing.ts';
import { SharedIndex } from '../src/index/postgres/sharedIndex.ts';
import type { SharedIndexSearch } from '../src/index/postgres/sharedIndexSearch.ts';
import type { Retriever } from '../src/index/rankFusion.ts';
import { WorkspaceIndex } from '../src/index/workspaceIndex.ts';
import { type Scores, scoreRanking } from './retrievalScores.ts';
import { WholeFileBm25 } from './wholeFileBm25.ts';
import { startTestPostgres } from '../test/support/pgliteServer.ts';

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
  /** "owner/name" (bench/issueDataset.ts): numbers are printed per repository too. */
  readonly repo?: string;
}

interface Totals {
  r5: number;
  r10: number;
  hit10: number;
  mrr: number;
  /** Top-10 files that are docs, changelogs, templates, fixtures or generated, and not answers. */
  prose: number;
  listed: number;
  count: number;
}

/** The index's modes; `bm25-file` is the whole-file baseline (bench/wholeFileBm25.ts). */
const modes: Record<string, readonly Retriever[]> = { hybrid: ['vector', 'keyword'], vector: ['vector'], keyword: ['keyword'] };


/** The shared index the pg-* modes search, when --postgres is given. */
interface PostgresModes {
  readonly shared: SharedIndex;
  readonly embedder: CachingEmbedder;
}

async function openPostgres(): Promise<{ modes: PostgresModes; close: () => Promise<void> }> {
  const url = process.env.GROUNDWORK_POSTGRES_URL;
  const server = url ? undefined : await startTestPostgres();
  const embedder = new CachingEmbedder(new LocalEmbedder());
  const shared = await SharedIndex.open(url ?? server!.url, { embedderId: embedder.id, dimensions: embedder.dimensions });
  return {
    modes: { shared, embedder },
    async close() {
      await shared.close();
      await server?.stop();
    },
  };
}

async function evaluate(datasetPath: string, coarse: boolean, keptStores: string | undefined, postgres: PostgresModes | undefined): Promise<void> {
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
  const add = (group: string, mode: string, scores: Scores) => {
    if (!totals.has(group)) totals.set(group, {});
    const entry = (totals.get(group)![mode] ??= { r5: 0, r10: 0, hit10: 0, mrr: 0, prose: 0, listed: 0, count: 0 });
    entry.r5 += scores.r5;
    entry.r10 += scores.r10;
    entry.hit10 += scores.hit10;
    entry.mrr += scores.mrr;
    entry.prose += scores.prose;
    entry.listed += scores.listed;
    entry.count++;
  };
  const started = performance.now();
  try {
    const byRoot = new Map<string, Row[]>();
    for (const row of rows) byRoot.set(rootOf(row), [...(byRoot.get(rootOf(row)) ?? []), row]);
    for (const [root, group] of byRoot) {
      const index = await WorkspaceIndex.open({ storeDirectory: join(storeBase, createHash('sha256').update(root).digest('hex').slice(0, 16)), roots: [{ id: 'root', path: root }], embedder: new LocalEmbedder(), ...(coarse ? { vectorSearch: { coarseFrom: 1 } } : {}) });
      await index.refresh();
      const baseline = await WholeFileBm25.over(root);
      let shared: SharedIndexSearch | undefined;
      if (postgres) {
        const checkout = { root, rootId: 'root', identity: `bench:${root}`, commit: 'bench' };
        await indexCheckout(postgres.shared, postgres.embedder, checkout, {}, new AbortController().signal);
        shared = await searchCheckout(postgres.shared, postgres.embedder, checkout);
      }
      for (const row of group) {
        const rankings: [string, string[]][] = [];
        for (const [mode, retrievers] of Object.entries(modes)) rankings.push([mode, (await index.searchFiles(row.query, { top: 10, retrievers })).map((hit) => hit.path)]);
        if (shared) {
          for (const [mode, retrievers] of Object.entries(modes)) rankings.push([`pg-${mode}`, (await shared.searchFiles(row.query, { top: 10, retrievers }, new AbortController().signal)).map((hit) => hit.path)]);
        }
        rankings.push(['bm25-file', baseline.search(row.query, 10)]);
        for (const [mode, files] of rankings) {
          const scores = scoreRanking(files, row.gold_files);
          add('all', mode, scores);
          if (row.split) add(row.split, mode, scores);
          if (row.repo) add(row.repo, mode, scores);
          if (row.repo && row.split) add(`${row.repo} ${row.split}`, mode, scores);
        }
      }
      index.dispose();
    }
  } finally {
    if (!keptStores) rmSync(storeBase, { recursive: true, force: true });
  }
  console.log(`${rows.length} queries over ${new Set(rows.map(rootOf)).size} roots from ${datasetPath} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const width = Math.max(14, ...[...totals].map(([group, byMode]) => `${group} (${Object.values(byMode)[0]?.count ?? 0})`.length + 2));
  console.log(`${'rows'.padEnd(width)}${'mode'.padEnd(10)}recall@5  recall@10  hit@10    MRR@10    prose@10`);
  for (const [group, byMode] of totals) {
    for (const [mode, total] of Object.entries(byMode)) {
      const f = (value: number) => (value / total.count).toFixed(3).padStart(8);
      const prose = (total.prose / Math.max(1, total.listed)).toFixed(3).padStart(8);
      console.log(`${`${group} (${total.count})`.padEnd(width)}${mode.padEnd(9)} ${f(total.r5)}  ${f(total.r10)}  ${f(total.hit10)}  ${f(total.mrr)}  ${prose}`);
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

const { values } = parseArgs({
  options: { dataset: { type: 'string', multiple: true }, coarse: { type: 'boolean', default: false }, 'keep-stores': { type: 'string' }, 'make-eslint-dataset': { type: 'string' }, postgres: { type: 'boolean', default: false } },
});
if (values['make-eslint-dataset']) makeEslintDataset(values['make-eslint-dataset']);
else if (values.dataset) {
  const postgres = values.postgres ? await openPostgres() : undefined;
  try {
    for (const dataset of values.dataset) await evaluate(dataset, values.coarse, values['keep-stores'], postgres?.modes);
  } finally {
    await postgres?.close();
  }
}
else console.error('Usage: node bench/retrieval.ts --dataset F.jsonl | --make-eslint-dataset OUT.jsonl');

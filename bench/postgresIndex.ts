/**
 * The team index on Postgres, measured: ingest through the real path (discover, chunk, embed with
 * the local embedder, write), hybrid/vector/keyword query latency through the same search the CLI
 * uses, and the HNSW index's recall@10 against exact nearest neighbours. Prints numbers, asserts
 * nothing. Runs on GROUNDWORK_POSTGRES_URL's server, else on PGlite with pgvector in this process
 * (one WebAssembly thread, served over the wire protocol as in the tests).
 *
 *   node bench/index.ts --postgres [chunks…]     default 10000 and 100000, each in its own process
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachingEmbedder } from '../src/index/embedder.ts';
import { LocalEmbedder } from '../src/index/localEmbedder.ts';
import { indexCheckout, searchCheckout } from '../src/index/postgres/checkoutIndexing.ts';
import { SharedIndex } from '../src/index/postgres/sharedIndex.ts';
import { vectorLiteral } from '../src/index/postgres/sharedIndexWriter.ts';
import { startTestPostgres } from '../test/support/pgliteServer.ts';

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const vocabulary = Array.from({ length: 5000 }, (_, i) => `${['get', 'set', 'parse', 'load', 'render', 'handle', 'build', 'update'][i % 8]}${['User', 'Config', 'Token', 'Item', 'Cache', 'Node', 'Query', 'Stream'][(i >> 3) % 8]}${i}`);

/** A checkout of `chunks / 10` TypeScript files of ten functions each (one chunk per function). */
function syntheticCheckout(chunks: number): string {
  const root = mkdtempSync(join(tmpdir(), 'gw-bench-pg-'));
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  // Zipf-like word choice, as in real code: a few names everywhere, most rare.
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)];
  for (let f = 0; f < chunks / 10; f++) {
    const dir = join(root, `pkg${f % 100}`);
    mkdirSync(dir, { recursive: true });
    const functions = Array.from({ length: 10 }, (_, c) => {
      const body = Array.from({ length: 9 }, () => `  const ${word()} = ${word()}(${word()}, ${word()});`).join('\n');
      return `export function ${word()}F${f}x${c}(input: number): number {\n${body}\n  return input;\n}\n`;
    });
    writeFileSync(join(dir, `file${f}.ts`), functions.join('\n'));
  }
  return root;
}

export async function postgresBench(chunks: number): Promise<void> {
  const url = process.env.GROUNDWORK_POSTGRES_URL;
  const server = url ? undefined : await startTestPostgres();
  const embedder = new CachingEmbedder(new LocalEmbedder());
  const shared = await SharedIndex.open(url ?? server!.url, { embedderId: embedder.id, dimensions: embedder.dimensions });
  const root = syntheticCheckout(chunks);
  const signal = new AbortController().signal;
  try {
    const checkout = { root, rootId: 'bench', identity: `bench:${chunks}:${Date.now()}`, commit: 'c1' };
    const started = performance.now();
    const result = await indexCheckout(shared, embedder, checkout, {}, signal);
    const seconds = (performance.now() - started) / 1000;
    const where = url ? 'Postgres at GROUNDWORK_POSTGRES_URL' : 'PGlite + pgvector over pglite-socket';
    console.log(`postgres, ${where}: ${result.files} files, ${result.documents} chunks ingested in ${seconds.toFixed(1)} s, ${(result.documents / seconds).toFixed(0)} chunks/s (discover, chunk, embed, write)`);

    const search = (await searchCheckout(shared, embedder, checkout))!;
    const times = { hybrid: [] as number[], vector: [] as number[], keyword: [] as number[] };
    for (let q = 0; q < 40; q++) {
      const query = `${vocabulary[(q * 37) % 5000]} ${vocabulary[(q * 101) % 500]} handler`;
      for (const kind of ['hybrid', 'vector', 'keyword'] as const) {
        const t0 = performance.now();
        await search.search(query, { top: 10, ...(kind === 'hybrid' ? {} : { retrievers: [kind] }) }, signal);
        times[kind].push(performance.now() - t0);
      }
    }
    const line = (kind: keyof typeof times) => `${kind} p50 ${ms(percentile(times[kind], 50))} p99 ${ms(percentile(times[kind], 99))}`;
    console.log(`  queries (top 10): ${line('hybrid')}; ${line('vector')}; ${line('keyword')}`);

    // Recall of the HNSW index: its top 10 against the exact top 10 (index scans off), over all
    // chunks. Synthetic code repeats itself, so many chunks tie at one distance: "within ties"
    // counts a returned chunk as right when it is no farther than the exact tenth.
    const dimensions = embedder.dimensions;
    const sql = `SELECT hash, embedding::vector(${dimensions}) <=> $1::vector(${dimensions}) AS distance FROM gw_chunks WHERE embedder = $2 AND dimensions = ${dimensions} ORDER BY embedding::vector(${dimensions}) <=> $1::vector(${dimensions}) LIMIT 10`;
    for (const efSearch of [40, 200, 1000]) {
      let strict = 0;
      let withinTies = 0;
      let asked = 0;
      const hnswTimes: number[] = [];
      let usesIndex = false;
      for (let q = 0; q < 50; q++) {
        const vector = vectorLiteral(await embedder.embedQuery(`${vocabulary[(q * 53) % 5000]} ${vocabulary[(q * 17) % 800]}`, signal));
        const [approximate, exact] = await shared.withClient(async (client) => {
          await client.query('BEGIN');
          await client.query(`SET LOCAL hnsw.ef_search = ${efSearch}`);
          if (q === 0) usesIndex = JSON.stringify((await client.query(`EXPLAIN ${sql}`, [vector, embedder.id])).rows).includes('gw_chunks_hnsw');
          const t0 = performance.now();
          const hnsw = (await client.query<{ hash: string; distance: number }>(sql, [vector, embedder.id])).rows;
          hnswTimes.push(performance.now() - t0);
          await client.query('SET LOCAL enable_indexscan = off');
          await client.query('SET LOCAL enable_bitmapscan = off');
          const all = (await client.query<{ hash: string; distance: number }>(sql, [vector, embedder.id])).rows;
          await client.query('COMMIT');
          return [hnsw, all];
        });
        const truth = new Set(exact.map((row) => row.hash));
        const tenth = exact.at(-1)?.distance ?? 0;
        strict += approximate.filter((row) => truth.has(row.hash)).length;
        withinTies += approximate.filter((row) => truth.has(row.hash) || row.distance <= tenth + 1e-6).length;
        asked += exact.length;
      }
      console.log(
        `  HNSW recall@10 vs exact, ef_search ${efSearch}${usesIndex ? '' : ' (planner did NOT use the index)'}: ${(strict / asked).toFixed(3)}, ` +
          `${(withinTies / asked).toFixed(3)} within ties; nearest-10 query p50 ${ms(percentile(hnswTimes, 50))}`,
      );
    }
    console.log(`  peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} (the database too, when it is PGlite)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
    await shared.close();
    await server?.stop();
  }
}

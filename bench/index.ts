/**
 * Index benchmarks; prints numbers, asserts nothing.
 *
 *   node bench/index.ts                  all sections
 *   node bench/index.ts --real           full build on real code under node_modules (read in place)
 *   node bench/index.ts --synthetic 100000 [vectra|binary]   one synthetic size and store (cold load, queries, single-file update)
 *   node bench/index.ts --worker [large] main-thread event-loop delay while the worker builds (large: 37 packages, over 10,000 files)
 *   node bench/index.ts --postgres [chunks…]   the team index on Postgres (bench/postgresIndex.ts), default 10000 and 100000
 *
 * Each size runs in its own child process so peak RSS is that run's alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { codeTermCounts } from '../src/index/codeTokens.ts';
import { snapshotFileName } from '../src/index/indexSnapshot.ts';
import { LocalEmbedder } from '../src/index/localEmbedder.ts';
import { shardOf, type StoredFile, type StoreKind, termCountsOf } from '../src/index/chunkStore.ts';
import { openChunkStore } from '../src/index/openChunkStore.ts';
import { postgresBench } from './postgresIndex.ts';
import { IndexWorkerClient } from '../src/index/worker/indexWorkerClient.ts';
import { WorkspaceIndex } from '../src/index/workspaceIndex.ts';

const repo = join(import.meta.dirname, '..');
const realRoots = ['node_modules/openai', 'node_modules/@anthropic-ai/sdk', 'node_modules/eslint/lib', 'node_modules/@types/node'].map((path, i) => ({
  id: `r${i}-${path.split('/').at(-1)}`,
  path: join(repo, path),
}));
/** Packages under node_modules that together hold over 10,000 files Groundwork indexes: the 10k-file build target. */
const largeRoots = [
  'openai', 'vectra', '@anthropic-ai/sdk', 'gpt-tokenizer', '@mixmark-io/domino', '@azure/msal-browser', '@typespec/ts-http-runtime',
  '@azure/identity', 'eslint', '@grpc/grpc-js', 'underscore', '@typescript-eslint/eslint-plugin', '@azure/msal-common',
  '@typescript-eslint/scope-manager', '@azure/core-rest-pipeline', '@babel/runtime', '@azure/msal-node', 'undici', '@types/node',
  'json-schema-to-ts', 'azure-devops-node-api', '@azure/core-client', '@typescript-eslint/typescript-estree', 'cheerio', 'cockatiel', 'typescript',
  'parse5', '@grpc/proto-loader', '@opentelemetry/api', 'ts-algebra', 'htmlparser2', '@vscode/vsce', '@typescript-eslint/utils', 'uuid', 'protobufjs',
  'playwright-core', 'yargs',
].map((path, i) => ({ id: `l${i}-${path.split('/').at(-1)}`, path: join(repo, 'node_modules', path) }));
const embedder = new LocalEmbedder();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const ms = (value: number) => `${value.toFixed(1)} ms`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function realBuild(kind: StoreKind): Promise<void> {
  const store = mkdtempSync(join(tmpdir(), 'gw-bench-real-'));
  try {
    const started = performance.now();
    const index = await WorkspaceIndex.open({ storeDirectory: store, roots: realRoots, embedder, store: kind });
    const result = await index.refresh();
    const seconds = (performance.now() - started) / 1000;
    const status = index.status();
    console.log(`real code, ${kind} store: ${status.files} files, ${status.chunks} chunks from ${realRoots.length} packages under node_modules`);
    console.log(`  full build: ${seconds.toFixed(1)} s, ${(result.indexedFiles / seconds).toFixed(0)} files/s, ${(status.chunks / seconds).toFixed(0)} chunks/s, peak RSS ${mb(peakRss())}`);
    console.log(`  skipped: ${JSON.stringify(status.skippedCounts)}`);
    const noop = performance.now();
    await index.refresh();
    console.log(`  refresh with nothing changed: ${ms(performance.now() - noop)}`);
    // Cold loads in a new process: from the shards alone, then from the snapshot the index saves.
    for (const saveSnapshot of [false, true]) {
      if (saveSnapshot) await index.flush();
      const load = spawnSync(process.execPath, [import.meta.filename, '--load', store], { encoding: 'utf8' });
      process.stdout.write(load.stdout);
      process.stderr.write(load.stderr);
    }
    index.dispose();
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

/** Child: a cold load of an existing store. */
async function coldLoad(store: string): Promise<void> {
  const started = performance.now();
  const index = await WorkspaceIndex.open({ storeDirectory: store, roots: realRoots, embedder });
  const loadMs = performance.now() - started;
  const first = performance.now();
  await index.search('create a chat completion stream');
  console.log(`  cold load from the ${index.status().load?.source} (new process): ${ms(loadMs)} for ${index.status().chunks} chunks, first query ${ms(performance.now() - first)}, peak RSS ${mb(peakRss())}`);
}

const vocabulary = Array.from({ length: 5000 }, (_, i) => `${['get', 'set', 'parse', 'load', 'render', 'handle', 'build', 'update'][i % 8]}${['User', 'Config', 'Token', 'Item', 'Cache', 'Node', 'Query', 'Stream'][(i >> 3) % 8]}${i}`);

/** Child: a synthetic store of `chunks` chunks (10 per file), then load, query and update numbers. */
async function synthetic(chunks: number, kind: StoreKind): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'gw-bench-syn-'));
  const root = join(base, 'ws');
  mkdirSync(root, { recursive: true });
  try {
    const { store } = await openChunkStore(join(base, 'store'), { embedderId: embedder.id, dimensions: embedder.dimensions, kind });
    const shards = new Map<number, StoredFile[]>();
    let seed = 1;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let f = 0; f < chunks / 10; f++) {
      const path = `pkg${f % 100}/file${f}.ts`;
      const file: StoredFile = {
        root: 'ws',
        path,
        hash: `h${f}`,
        size: 1,
        mtimeMs: 1,
        chunks: Array.from({ length: 10 }, (_, c) => {
          // Zipf-like word choice, as in real code: a few names everywhere, most rare.
          const words = Array.from({ length: 40 }, () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]);
          const vector = new Float32Array(256).map(() => random() - 0.5);
          const norm = Math.hypot(...vector);
          return { s: c * 20 + 1, e: c * 20 + 20, l: 'typescript', h: `c${f}-${c}`, t: termCountsOf(codeTermCounts(words.join(' '))), v: vector.map((v) => v / norm) };
        }),
      };
      const shard = shardOf(store.manifest, `ws/${path}`);
      if (!shards.has(shard)) shards.set(shard, []);
      shards.get(shard)!.push(file);
    }
    for (const [shard, files] of shards) await store.write(shard, files);
    shards.clear();
    if (process.env.GW_BENCH_KEEP) { console.log(base); return; }
    // First a load from the shards alone (as after an upgrade), which saves the snapshot; then the
    // everyday cold load, from the snapshot, with the queries and updates.
    for (const from of ['shards', 'snapshot']) {
      const child = spawnSync(process.execPath, [import.meta.filename, '--synthetic-load', base, String(chunks), from], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
      if (child.status !== 0) throw new Error(`synthetic load failed (${child.status})`);
    }
  } finally {
    if (!process.env.GW_BENCH_KEEP) rmSync(base, { recursive: true, force: true });
  }
}

/**
 * Child: cold load of a synthetic store in a fresh process. From the shards, it then saves the
 * snapshot; from the snapshot, it runs queries and single-file updates.
 */
async function syntheticLoad(base: string, chunks: number, from: 'shards' | 'snapshot'): Promise<void> {
  const root = join(base, 'ws');
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const index = await WorkspaceIndex.open({ storeDirectory: join(base, 'store'), roots: [{ id: 'ws', path: root }], embedder });
  const loadMs = performance.now() - started;
  const loadPeak = peakRss();
  const { load, store } = index.status();
  if (load?.source !== from) throw new Error(`loaded from ${load?.source}, expected ${from}`);
  if (from === 'shards') {
    // The worker's searches wait while the save holds its thread: the longest hold is what one may wait.
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const saving = performance.now();
    await index.flush();
    const savedMs = performance.now() - saving;
    delay.disable();
    const size = statSync(join(base, 'store', snapshotFileName)).size;
    console.log(`synthetic ${chunks} chunks, ${store} store: cold load from the shards ${ms(loadMs)} (new process), peak RSS ${mb(peakRss())}; snapshot saved in ${ms(savedMs)}, ${mb(size)}, event loop held at most ${ms(delay.max / 1e6)}`);
    return;
  }
  {
    const times = { hybrid: [] as number[], vector: [] as number[], keyword: [] as number[] };
    // As the worker does after opening: compile the search code before the first query.
    const warmUpMs = index.warmUp();
    const first = performance.now();
    await index.search('getUser0 handler', { top: 10 });
    const firstMs = performance.now() - first;
    for (let q = 0; q < 60; q++) {
      const query = `${vocabulary[(q * 37) % 5000]} ${vocabulary[(q * 101) % 500]} handler`;
      for (const kind of ['hybrid', 'vector', 'keyword'] as const) {
        const t0 = performance.now();
        await index.search(query, { top: 10, ...(kind === 'hybrid' ? {} : { retrievers: [kind] }) });
        times[kind].push(performance.now() - t0);
      }
    }
    const updates: number[] = [];
    for (let u = 0; u < 10; u++) {
      const path = join(root, `edited${u}.ts`);
      writeFileSync(path, `export function freshlySavedFunction${u}(value: number) {\n  return value * ${u};\n}\n`);
      const t0 = performance.now();
      await index.applyChanges({ changed: [path] });
      const [hit] = await index.search(`freshlySavedFunction${u}`, { top: 1 });
      if (hit?.path !== `edited${u}.ts`) throw new Error('the saved file was not found');
      updates.push(performance.now() - t0);
    }
    const line = (kind: keyof typeof times) => `${kind} p50 ${ms(percentile(times[kind], 50))} p99 ${ms(percentile(times[kind], 99))}`;
    console.log(
      `synthetic ${chunks} chunks, ${store} store: cold load from the snapshot ${ms(loadMs)} (new process); ` +
        `RSS ${mb(rssBefore)} before the open (Node and the modules), peak ${mb(loadPeak)} after the load and ${mb(peakRss())} after the queries and updates`,
    );
    console.log(`  warm-up ${ms(warmUpMs)}, first query ${ms(firstMs)}; then ${line('hybrid')}; ${line('vector')}; ${line('keyword')}`);
    console.log(`  single-file save until searchable: p50 ${ms(percentile(updates, 50))}, max ${ms(Math.max(...updates))}`);
  }
}

/** The host's event-loop delay while the worker runs a full build of the real code. */
async function workerDelay(roots = realRoots): Promise<void> {
  const store = mkdtempSync(join(tmpdir(), 'gw-bench-worker-'));
  const client = new IndexWorkerClient({ workerPath: join(repo, 'src/index/worker/indexWorker.ts') });
  try {
    await client.open({ storeDirectory: store, roots, embedder: { kind: 'local' }, discovery: { maxFiles: 50_000 } });
    // The same measure with the worker idle, as the baseline this machine gives anyway.
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    idle.disable();
    console.log(`idle baseline: event-loop delay p50 ${ms(idle.percentile(50) / 1e6)}, p99 ${ms(idle.percentile(99) / 1e6)}, max ${ms(idle.max / 1e6)}`);
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const started = performance.now();
    let progressMessages = 0;
    const result = await client.refresh(undefined, () => progressMessages++);
    histogram.disable();
    const nsToMs = (ns: number) => ms(ns / 1e6);
    console.log(
      `worker build: ${result.indexedFiles} files, ${client.status?.chunks} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `main-thread event-loop delay p50 ${nsToMs(histogram.percentile(50))}, p99 ${nsToMs(histogram.percentile(99))}, max ${nsToMs(histogram.max)} (${progressMessages} progress messages); peak RSS of the process ${mb(peakRss())}`,
    );
    const times: number[] = [];
    for (let q = 0; q < 30; q++) {
      const t0 = performance.now();
      await client.search(`stream chat completion ${q}`, { top: 10 });
      times.push(performance.now() - t0);
    }
    console.log(`  search through the worker (round trip): p50 ${ms(percentile(times, 50))}, p99 ${ms(percentile(times, 99))}`);
  } finally {
    await client.close();
    rmSync(store, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--postgres') {
  const sizes = args.slice(1).map(Number);
  for (const size of sizes.length > 0 ? sizes : [10_000, 100_000]) {
    const child = spawnSync(process.execPath, [import.meta.filename, '--postgres-size', String(size)], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    if (child.status !== 0) console.log(`postgres at ${size} chunks: the run failed (exit ${child.status}${child.signal ? `, ${child.signal}` : ''})`);
  }
} else if (args[0] === '--postgres-size') await postgresBench(Number(args[1]));
else if (args[0] === '--load') await coldLoad(args[1]);
else if (args[0] === '--synthetic') await synthetic(Number(args[1]), (args[2] ?? 'binary') as StoreKind);
else if (args[0] === '--synthetic-load') await syntheticLoad(args[1], Number(args[2]), args[3] as 'shards' | 'snapshot');
else if (args[0] === '--real') await realBuild((args[1] ?? 'binary') as StoreKind);
else if (args[0] === '--worker') await workerDelay(args[1] === 'large' ? largeRoots : realRoots);
else {
  for (const kind of ['vectra', 'binary'] as const) {
    const child = spawnSync(process.execPath, [import.meta.filename, '--real', kind], { encoding: 'utf8' });
    process.stdout.write(child.stdout);
    process.stderr.write(child.stderr);
  }
  for (const size of [10_000, 50_000, 100_000]) {
    for (const kind of ['vectra', 'binary'] as const) {
      const child = spawnSync(process.execPath, [import.meta.filename, '--synthetic', String(size), kind], { encoding: 'utf8' });
      process.stdout.write(child.stdout);
      process.stderr.write(child.stderr);
    }
  }
  await workerDelay();
}

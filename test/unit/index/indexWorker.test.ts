import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Embedder } from '../../../src/index/embedder.ts';
import { MemoryLogger } from '../../../src/common/logger.ts';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';
import { typingPathSearchOptions } from '../../../src/index/typingPathSearch.ts';
import { IndexWorkerClient } from '../../../src/index/worker/indexWorkerClient.ts';
import type { IndexStatus } from '../../../src/index/workspaceIndex.ts';

const workerPath = join(import.meta.dirname, '..', '..', '..', 'src', 'index', 'worker', 'indexWorker.ts');

function workspace(t: TestContext, files: Record<string, string>) {
  const base = mkdtempSync(join(tmpdir(), 'gw-worker-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'ws');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return { root, store: join(base, 'store') };
}

test('the worker indexes, reports progress and status, applies changes and searches', async (t) => {
  const { root, store } = workspace(t, {
    'queue.ts': 'export class JobQueue {\n  enqueueJob(job: Job) {\n    this.pending.push(job);\n  }\n}\n',
    'color.ts': 'export function hexToRgb(hex: string) {\n  return parseInt(hex.slice(1), 16);\n}\n',
  });
  const logger = new MemoryLogger();
  const client = new IndexWorkerClient({ workerPath, logger });
  t.after(() => client.close());
  const statuses: IndexStatus[] = [];
  client.onDidChangeStatus((status) => statuses.push(status));
  const opened = await client.open({ storeDirectory: store, roots: [{ id: 'ws', path: root }], embedder: { kind: 'local' } });
  assert.equal(opened.embedderId, 'local-hash-v1-256');
  const phases: string[] = [];
  const result = await client.refresh(undefined, (progress) => phases.push(progress.phase));
  assert.equal(result.indexedFiles, 2);
  assert.ok(phases.includes('indexing') && phases.at(-1) === 'done');
  assert.equal(statuses.at(-1)?.files, 2);

  writeFileSync(join(root, 'color.ts'), 'export function rgbToHsl(r: number, g: number, b: number) {\n  return [r, g, b];\n}\n');
  await client.applyChanges({ changed: [join(root, 'color.ts')] });
  const hits = await client.search('rgbToHsl', { top: 1 });
  assert.equal(hits[0].path, 'color.ts');
  assert.equal(hits[0].symbol, 'rgbToHsl');
  const files = await client.searchFiles('enqueue a job', { top: 1 });
  assert.equal(files[0].path, 'queue.ts');
  // Closing saves the snapshot, and the worker's log line reaches the host's logger.
  await client.close();
  assert.ok(logger.lines.some((line) => line.level === 'info' && /Saved the index snapshot \(2 chunks\)/.test(line.message)), JSON.stringify(logger.lines));
});

test('a host embedder answers for the worker, and a cancelled refresh rejects as a cancellation', async (t) => {
  const files = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}.ts`, `export const item${i} = ${i};\n`]));
  const { root, store } = workspace(t, files);
  const local = new LocalEmbedder(32);
  let calls = 0;
  const sent: string[] = [];
  const hostEmbedder: Embedder = {
    id: 'host-model',
    dimensions: 32,
    embed: async (texts, signal, sources = []) => {
      calls++;
      // Each text arrives with the file and lines it came from, for the audit log.
      assert.equal(sources.length, texts.length);
      sent.push(...sources.map((source) => `${source.root}/${source.path}:${source.startLine}-${source.endLine}`));
      return local.embed(texts, signal);
    },
  };
  const client = new IndexWorkerClient({ workerPath, hostEmbedder });
  t.after(() => client.close());
  await client.open({ storeDirectory: store, roots: [{ id: 'ws', path: root }], embedder: { kind: 'host', id: 'host-model', dimensions: 32 }, shardCount: 16 });
  const controller = new AbortController();
  await assert.rejects(
    client.refresh(controller.signal, (progress) => {
      if (progress.phase === 'indexing' && progress.doneFiles > 0) controller.abort();
    }),
    { name: 'AbortError' },
  );
  assert.ok(calls > 0);
  await client.refresh();
  const status = await client.fetchStatus();
  assert.equal(status.files, 60);
  assert.equal(status.embedderId, 'host-model');
  assert.equal((await client.search('item42', { top: 1, retrievers: ['keyword'] }))[0].path, 'f42.ts');
  assert.ok(sent.includes('ws/f42.ts:1-1'), 'the worker passes each chunk\'s file and lines to the host');
});

test('a worker that dies is reported once, and its requests fail instead of hanging; a closed one is not reported', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-dying-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dying = join(dir, 'dying.mjs');
  writeFileSync(dying, 'setTimeout(() => process.exit(3), 50);\n');
  const client = new IndexWorkerClient({ workerPath: dying });
  const exits: number[] = [];
  client.onDidExitUnexpectedly((code) => exits.push(code));
  await assert.rejects(client.search('anything', { top: 1 }), /index worker stopped \(exit code 3\)/);
  assert.deepEqual(exits, [3]);

  const closed = new IndexWorkerClient({ workerPath });
  closed.onDidExitUnexpectedly((code) => exits.push(code));
  await closed.close();
  assert.deepEqual(exits, [3]);
});

// Finding: each keystroke's search could be a paid remote embedding that nothing could cancel
// (the worker client made its own AbortController for the host embedder).
test('a remote embedder is never called on the typing path, and a cancelled search cancels its embedding', async (t) => {
  const { root, store } = workspace(t, { 'cart.ts': 'export function cartTotal(items: Item[]) {\n  return items.length;\n}\n' });
  const local = new LocalEmbedder(32);
  const signals: AbortSignal[] = [];
  let hang = false;
  const hostEmbedder: Embedder = {
    id: 'remote-model',
    dimensions: 32,
    embed: (texts, signal) => {
      signals.push(signal);
      if (!hang) return local.embed(texts, signal);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { name: 'AbortError' })), { once: true }));
    },
  };
  const client = new IndexWorkerClient({ workerPath, hostEmbedder });
  t.after(() => client.close());
  await client.open({ storeDirectory: store, roots: [{ id: 'ws', path: root }], embedder: { kind: 'host', id: 'remote-model', dimensions: 32 } });
  await client.refresh();
  const indexing = signals.length;
  const hits = await client.search('cartTotal items', typingPathSearchOptions('remote'));
  assert.equal(hits[0]?.path, 'cart.ts');
  assert.equal(signals.length, indexing, 'no embedding for a completion\'s search');

  hang = true;
  const controller = new AbortController();
  const chat = client.search('how is the cart total computed', { top: 3 }, controller.signal);
  while (signals.length === indexing) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
  await assert.rejects(chat, { name: 'AbortError' });
  await waitFor(() => signals.at(-1)!.aborted);
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), 'the host embedder\'s signal was aborted');
}

test('through the worker, Rebuild Index indexes every file again and skipped files are read a page at a time', async (t) => {
  const files: Record<string, string> = { 'queue.ts': 'export class JobQueue {}\n' };
  for (let i = 0; i < 30; i++) files[`assets/icon${i}.png`] = 'png';
  const { root, store } = workspace(t, files);
  const client = new IndexWorkerClient({ workerPath });
  t.after(() => client.close());
  await client.open({ storeDirectory: store, roots: [{ id: 'ws', path: root }], embedder: { kind: 'local' } });
  await client.refresh();
  assert.equal((await client.refresh()).indexedFiles, 0);
  const phases: string[] = [];
  const rebuilt = await client.rebuild(undefined, (progress) => phases.push(progress.phase));
  assert.equal(rebuilt.indexedFiles, 1);
  assert.equal(phases.at(-1), 'done');

  const status = await client.fetchStatus();
  assert.equal(status.skippedCounts.binary, 30);
  assert.ok(status.skipped.length < 30);
  const pages = [await client.skippedFiles('binary', 0, 20), await client.skippedFiles('binary', 20, 20)];
  assert.deepEqual(pages.map((page) => page.files.length), [20, 10]);
  assert.equal(new Set(pages.flatMap((page) => page.files.map((file) => file.path))).size, 30);
});

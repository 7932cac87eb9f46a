// The contract every ChunkStore keeps, run against both: vectra's LocalIndex shards and the
// binary shards. Damage reads as corrupt (never as data), saves are atomic even under SIGKILL, and
// a store of another embedder, size or kind is reset rather than misread.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { type ChunkStore, type StoredFile, type StoreKind, shardOf, termCountsOf } from '../../../src/index/chunkStore.ts';
import { createChunkStore, moveChunkStore, openChunkStore } from '../../../src/index/openChunkStore.ts';
import { type BinaryShardStore } from '../../../src/index/binaryShardStore.ts';
import { VectraStore } from '../../../src/index/vectraStore.ts';
import { exitedPid } from '../../support/processes.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

function chunk(symbol: string | undefined, vector: number[], terms: [string, number][]) {
  return { s: 3, e: 9, l: 'typescript', ...(symbol !== undefined ? { y: symbol } : {}), h: `h-${vector.join()}`, t: termCountsOf(new Map(terms)), v: new Float32Array(vector) };
}

const sample: StoredFile[] = [
  { root: 'ws', path: 'src/a.ts', hash: 'ha', size: 120, mtimeMs: 1700000000123.5, chunks: [chunk('parseToken', [0.5, 0.5, 0.5, 0.5], [['parse', 2], ['token', 1]]), chunk(undefined, [1, 0, 0, 0], [['zero', 1]])] },
  { root: 'ws', path: 'empty.md', hash: 'he', size: 0, mtimeMs: 5, chunks: [] },
  { root: 'other', path: 'lib/b.py', hash: 'hb', size: 9, mtimeMs: 6, chunks: [chunk('main', [0, 0, 0.6, 0.8], [['main', 1]])] },
];

/** Chunks with plain arrays, so deepEqual compares values and not typed-array views. */
function plain(files: readonly StoredFile[]) {
  return files.map((file) => ({
    ...file,
    chunks: file.chunks.map(({ t, v, ...rest }) => {
      const terms: Record<string, number> = {};
      for (let i = 0; i < t.pairs.length; i += 2) terms[t.dictionary[t.pairs[i]]] = t.pairs[i + 1];
      return { ...rest, terms, vector: [...v] };
    }),
  }));
}

async function openStore(t: TestContext, kind: StoreKind, directory = mkdtempSync(join(tmpdir(), `gw-${kind}-`))): Promise<ChunkStore> {
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const { store } = await openChunkStore(directory, { embedderId: 'e', dimensions: 4, shardCount: 4, kind });
  assert.equal(store.kind, kind);
  return store;
}

/** The file a shard lives in, whatever the kind. */
function shardFile(store: ChunkStore, shard: number): string {
  return store instanceof VectraStore ? store.shardPath(shard) : (store as BinaryShardStore).shardPath(shard);
}

for (const kind of ['vectra', 'binary'] as const) {
  test(`${kind}: a shard round-trips every field, and an empty write deletes it`, async (t) => {
    const store = await openStore(t, kind);
    assert.equal((await store.read(1)).kind, 'missing');
    await store.write(1, sample);
    const read = await store.read(1);
    assert.equal(read.kind, 'ok');
    assert.deepEqual(read.kind === 'ok' && plain(read.files), plain(sample));
    assert.ok(read.kind === 'ok' && read.files[0].chunks[0].v instanceof Float32Array);
    await store.write(1, []);
    assert.equal((await store.read(1)).kind, 'missing');
  });

  test(`${kind}: a flipped byte, a truncated file or a foreign file reads as corrupt, never as data`, async (t) => {
    const store = await openStore(t, kind);
    for (const shard of [0, 1, 2]) await store.write(shard, sample);
    const flipped = readFileSync(shardFile(store, 0));
    flipped[flipped.length - 7] ^= 0x55;
    writeFileSync(shardFile(store, 0), flipped);
    const truncated = readFileSync(shardFile(store, 1));
    writeFileSync(shardFile(store, 1), truncated.subarray(0, truncated.length - 20));
    writeFileSync(shardFile(store, 2), 'not a shard at all');
    for (const shard of [0, 1, 2]) assert.equal((await store.read(shard)).kind, 'corrupt', `shard ${shard}`);
    // A corrupt shard is simply rewritten.
    await store.write(0, sample.slice(0, 1));
    assert.deepEqual(plain((await store.read(0) as { files: StoredFile[] }).files), plain(sample.slice(0, 1)));
  });

  test(`${kind}: leftovers of a save that never finished are removed on open; the shard keeps its last good state`, async (t) => {
    const store = await openStore(t, kind);
    await store.write(0, sample.slice(0, 1));
    const leftover = `${kind === 'vectra' ? dirname(shardFile(store, 0)) : shardFile(store, 0)}.tmp-${exitedPid()}-0`;
    if (kind === 'vectra') {
      rmSync(leftover, { recursive: true, force: true });
      mkdirSync(leftover);
      writeFileSync(join(leftover, 'index.pb'), 'GWVECTRA1 abc\n\x08');
    } else {
      writeFileSync(leftover, 'GWSHARD3 abc 100\n[{"root":"r","pa');
    }
    const { store: reopened } = await openChunkStore(store.directory, { embedderId: 'e', dimensions: 4, kind: 'auto' });
    assert.equal(reopened.kind, kind, 'auto keeps the store that is there');
    assert.equal(existsSync(leftover), false);
    const read = await reopened.read(0);
    assert.deepEqual(read.kind === 'ok' && read.files.map((file) => file.path), ['src/a.ts']);
  });

  test(`${kind}: a save in flight in another live process (a second window) is left alone on open`, async (t) => {
    const store = await openStore(t, kind);
    await store.write(0, sample.slice(0, 1));
    // This test's own process stands in for the other window: it is alive.
    const inFlight = `${kind === 'vectra' ? dirname(shardFile(store, 0)) : shardFile(store, 0)}.tmp-${process.pid}-987654`;
    if (kind === 'vectra') mkdirSync(inFlight);
    else writeFileSync(inFlight, 'GWSHARD3 abc 100\n[{"root":"r","pa');
    writeFileSync(join(store.directory, `manifest.json.tmp-${process.pid}-987655`), '{"formatVe');
    await openChunkStore(store.directory, { embedderId: 'e', dimensions: 4, kind: 'auto' });
    assert.equal(existsSync(inFlight), true, 'the shard being written');
    assert.equal(existsSync(join(store.directory, `manifest.json.tmp-${process.pid}-987655`)), true, 'the manifest being written');
  });

  test(`${kind}: a process killed mid-save leaves a loadable shard`, async (t) => {
    const directory = mkdtempSync(join(tmpdir(), `gw-kill-${kind}-`));
    t.after(() => rmSync(directory, { recursive: true, force: true }));
    const child = spawn(process.execPath, [join(repo, 'test/fixtures/index/shardWriter.ts'), directory, kind], { stdio: ['ignore', 'pipe', 'inherit'] });
    let rounds = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (data: Buffer) => {
        rounds += data.toString().split('\n').filter(Boolean).length;
        // Let it get into its next writes, then kill without warning.
        if (rounds === 2) setTimeout(() => child.kill('SIGKILL'), 37);
      });
      child.on('exit', () => resolve());
    });
    assert.ok(rounds >= 2);
    const { store } = await openChunkStore(directory, { embedderId: 'test', dimensions: 4, kind });
    const read = await store.read(0);
    assert.equal(read.kind, 'ok');
    assert.equal(read.kind === 'ok' && read.files.length, 2000);
  });

  test(`${kind}: a vector of the wrong size is refused at write, not stored`, async (t) => {
    const store = await openStore(t, kind);
    const bad: StoredFile = { ...sample[0], chunks: [chunk('x', [1, 0, 0], [])] };
    await assert.rejects(store.write(0, [bad]), /3 dimensions/);
    assert.equal((await store.read(0)).kind, 'missing');
  });
}

test('a store of another embedder, size or kind is reset; auto keeps what is there', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'gw-reset-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const first = await openChunkStore(directory, { embedderId: 'e', dimensions: 4, kind: 'binary' });
  assert.equal(first.reset, false);
  await first.store.write(shardOf(first.store.manifest, 'ws/src/a.ts'), sample.slice(0, 1));
  const again = await openChunkStore(directory, { embedderId: 'e', dimensions: 4, kind: 'auto' });
  assert.deepEqual([again.reset, again.store.kind], [false, 'binary']);

  const toVectra = await openChunkStore(directory, { embedderId: 'e', dimensions: 4, kind: 'vectra' });
  assert.deepEqual([toVectra.reset, toVectra.store.kind], [true, 'vectra']);
  assert.equal(existsSync(join(directory, 'shards')), false, 'the binary shards are gone');
  await toVectra.store.write(2, sample);

  const otherModel = await openChunkStore(directory, { embedderId: 'other', dimensions: 4, kind: 'auto' });
  assert.equal(otherModel.reset, true);
  assert.deepEqual(readdirSync(directory).sort(), ['manifest.json']);
  assert.equal(JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')).embedderId, 'other');
});

test('a vectra store moves to the binary store whole; a move killed midway leaves vectra intact and is redone', async (t) => {
  const vectra = await openStore(t, 'vectra');
  await vectra.write(0, sample);
  await vectra.write(3, sample.slice(2));
  // An earlier move that died after writing some binary shards, one of them stale, before the manifest switched.
  const partial = createChunkStore(vectra.directory, { ...vectra.manifest, store: 'binary' });
  await partial.write(1, sample.slice(0, 1));
  await partial.write(0, sample.slice(1, 2));
  const reopened = (await openChunkStore(vectra.directory, { embedderId: 'e', dimensions: 4, kind: 'auto' })).store;
  assert.equal(reopened.kind, 'vectra', 'the manifest still names vectra');
  assert.deepEqual(plain(((await reopened.read(0)) as { files: StoredFile[] }).files), plain(sample));

  const moved = await moveChunkStore(reopened, 'binary');
  assert.equal(moved.kind, 'binary');
  const fromDisk = (await openChunkStore(vectra.directory, { embedderId: 'e', dimensions: 4, kind: 'auto' })).store;
  assert.equal(fromDisk.kind, 'binary');
  assert.deepEqual(plain(((await fromDisk.read(0)) as { files: StoredFile[] }).files), plain(sample));
  assert.deepEqual(plain(((await fromDisk.read(3)) as { files: StoredFile[] }).files), plain(sample.slice(2)));
  assert.equal((await fromDisk.read(1)).kind, 'missing', 'the stale shard of the dead move is gone');
  assert.equal((await reopened.read(0)).kind, 'missing', 'the vectra shards are gone');

  // Killed after the manifest switched but before the old shards went: the next open removes them.
  await reopened.write(2, sample);
  await openChunkStore(vectra.directory, { embedderId: 'e', dimensions: 4, kind: 'auto' });
  assert.equal((await reopened.read(2)).kind, 'missing');
});

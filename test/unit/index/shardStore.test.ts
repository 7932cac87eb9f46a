import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ShardStore, type StoredFile } from '../../../src/index/shardStore.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const file = (path: string, hash: string): StoredFile => ({ root: 'r', path, hash, size: 1, mtimeMs: 1, chunks: [] });

test('shards round-trip, and damage of any kind reads as corrupt, never as data', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'gw-shards-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const { store } = await ShardStore.open(directory, { embedderId: 'e', dimensions: 4, shardCount: 4 });
  assert.equal((await store.read(1)).kind, 'missing');
  await store.write(1, [file('a.ts', 'h1'), file('b.ts', 'h2')]);
  const read = await store.read(1);
  assert.equal(read.kind, 'ok');
  assert.deepEqual(read.kind === 'ok' && read.files.map((f) => f.hash), ['h1', 'h2']);

  writeFileSync(store.shardPath(2), 'GWSHARD1 00 5\n[1,2');
  assert.equal((await store.read(2)).kind, 'corrupt');
  writeFileSync(store.shardPath(3), 'not a shard at all');
  assert.equal((await store.read(3)).kind, 'corrupt');
  await store.write(1, []);
  assert.equal((await store.read(1)).kind, 'missing');
});

test('a torn temp file from a killed save is ignored and cleaned; the shard keeps its last good state', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'gw-shards-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const { store } = await ShardStore.open(directory, { embedderId: 'e', dimensions: 4, shardCount: 4 });
  await store.write(0, [file('a.ts', 'good')]);
  writeFileSync(`${store.shardPath(0)}.tmp-99999-0`, 'GWSHARD1 abc 100\n[{"root":"r","pa');
  const reopened = (await ShardStore.open(directory, { embedderId: 'e', dimensions: 4 })).store;
  assert.deepEqual(readdirSync(dirname(store.shardPath(0))), ['0000.shard']);
  const read = await reopened.read(0);
  assert.deepEqual(read.kind === 'ok' && read.files[0].hash, 'good');
});

test('a process killed mid-save leaves a loadable shard', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'gw-kill-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  mkdirSync(directory, { recursive: true });
  const child = spawn(process.execPath, [join(repo, 'test/fixtures/index/shardWriter.ts'), directory], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  const { store } = await ShardStore.open(directory, { embedderId: 'test', dimensions: 4 });
  const read = await store.read(0);
  assert.equal(read.kind, 'ok');
  assert.equal(read.kind === 'ok' && read.files.length, 2000);
});

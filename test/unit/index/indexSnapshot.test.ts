import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { MemoryLogger } from '../../../src/common/logger.ts';
import { snapshotFileName } from '../../../src/index/indexSnapshot.ts';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';
import { WorkspaceIndex, type WorkspaceIndexOptions } from '../../../src/index/workspaceIndex.ts';
import { exitedPid } from '../../support/processes.ts';

/** `count` files, each with a distinctive function and class. */
function sourceFiles(count: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `src/module${i}/feature${i}.ts`,
      `export function computeFeature${i}(input: number): number {\n  const scaled${i} = input * ${i + 1};\n  return scaled${i} + offsetFor${i}(input);\n}\n\nexport class Widget${i} {\n  render${i}(): string {\n    return 'widget ${i}';\n  }\n}\n`,
    ]),
  );
}

/** Enough files that most of 16 shards hold something. */
const sources = sourceFiles(40);

function setup(t: TestContext, store: WorkspaceIndexOptions['store'] = 'binary', files = sources, shardCount = 16) {
  const base = mkdtempSync(join(tmpdir(), 'gw-snapshot-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'ws');
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  const storeDirectory = join(base, 'store');
  const open = (logger = new MemoryLogger()) =>
    WorkspaceIndex.open({ storeDirectory, roots: [{ id: 'ws', path: root }], embedder: new LocalEmbedder(64), shardCount, store, snapshotDelayMs: 60_000, logger });
  return { root, write, open, snapshot: join(storeDirectory, snapshotFileName) };
}

const queries = ['computeFeature7', 'render widget', 'scaled input offset', 'Widget33 render33'];

/**
 * The best hit of each query and every file found. Slot numbers differ once files were replaced,
 * and equal scores break ties by slot, so the order below the top may differ between loads.
 */
async function robustAnswers(index: WorkspaceIndex) {
  return Promise.all(
    queries.map(async (query) => ({
      best: (await index.search(query, { top: 1 }))[0].path,
      files: (await index.searchFiles(query, { top: 100 })).map((hit) => hit.path).sort(),
    })),
  );
}

async function answers(index: WorkspaceIndex) {
  return Promise.all(queries.map(async (query) => (await index.search(query, { top: 5 })).map((hit) => `${hit.path}:${hit.startLine}-${hit.endLine} ${hit.symbol} ${hit.score.toFixed(6)}`)));
}

for (const store of ['binary', 'vectra'] as const) {
  test(`${store}: flush writes a snapshot, and a reopen loads from it alone with the same answers`, async (t) => {
    const { open, snapshot } = setup(t, store);
    const index = await open();
    await index.refresh();
    assert.equal(existsSync(snapshot), false, 'not before the quiet spell or a flush');
    await index.flush();
    assert.ok(statSync(snapshot).size > 0);
    const before = await answers(index);

    const reopened = await open();
    assert.deepEqual(reopened.status().load && { ...reopened.status().load, milliseconds: 0 }, { source: 'snapshot', shardsRead: 0, milliseconds: 0 });
    assert.equal(reopened.status().files, 40);
    assert.equal(reopened.status().chunks, index.status().chunks);
    assert.deepEqual(await answers(reopened), before);
    assert.deepEqual(await reopened.refresh(), { indexedFiles: 0, removedFiles: 0, unchangedFiles: 0, embeddedChunks: 0 });
  });
}

test('shards written after the snapshot are read on load: edits, deletions and new files all show', async (t) => {
  const { open, write, root } = setup(t);
  const index = await open();
  await index.refresh();
  await index.flush();
  write('src/module3/feature3.ts', 'export function replacementHelper(): void {}\n');
  unlinkSync(join(root, 'src/module5/feature5.ts'));
  write('src/added.ts', 'export function brandNewAddition(): void {}\n');
  await index.applyChanges({ changed: [join(root, 'src/module3/feature3.ts'), join(root, 'src/added.ts')], deleted: [join(root, 'src/module5/feature5.ts')] });

  const reopened = await open();
  const load = reopened.status().load!;
  assert.equal(load.source, 'snapshot');
  assert.ok(load.shardsRead >= 1 && load.shardsRead <= 3, `read ${load.shardsRead} shards`);
  assert.equal(reopened.status().files, 40);
  assert.equal((await reopened.search('replacementHelper', { top: 1 }))[0].path, 'src/module3/feature3.ts');
  assert.equal((await reopened.search('brandNewAddition', { top: 1 }))[0].path, 'src/added.ts');
  for (const gone of ['computeFeature3', 'computeFeature5']) {
    assert.ok(!(await reopened.search(gone, { retrievers: ['keyword'] })).some((hit) => /feature[35]\.ts$/.test(hit.path)), gone);
  }
  assert.deepEqual(await robustAnswers(reopened), await robustAnswers(index));
  assert.deepEqual(await reopened.refresh(), { indexedFiles: 0, removedFiles: 0, unchangedFiles: 0, embeddedChunks: 0 });

  // Saved again from memory that came from a snapshot plus shards, it loads alone and the same.
  await reopened.flush();
  const third = await open();
  assert.equal(third.status().load?.shardsRead, 0);
  assert.deepEqual(await robustAnswers(third), await robustAnswers(reopened));
});

const damages: [string, (path: string) => void][] = [
  ['a flipped byte in the vectors', (path) => flip(path, statSync(path).size - 100)],
  ['a flipped byte in the header', (path) => flip(path, 40)],
  ['a truncated file', (path) => truncateSync(path, Math.floor(statSync(path).size / 2))],
  ['garbage', (path) => writeFileSync(path, 'not a snapshot at all')],
];

function flip(path: string, at: number): void {
  const bytes = readFileSync(path);
  bytes[at] ^= 0x5a;
  writeFileSync(path, bytes);
}

for (const [name, damage] of damages) {
  test(`a snapshot with ${name} is ignored with a warning, and the shards give the same index`, async (t) => {
    const { open, snapshot } = setup(t);
    const index = await open();
    await index.refresh();
    await index.flush();
    damage(snapshot);
    const logger = new MemoryLogger();
    const reopened = await open(logger);
    assert.equal(reopened.status().load?.source, 'shards');
    assert.ok(logger.lines.some((line) => line.level === 'warn' && /snapshot/.test(line.message)), JSON.stringify(logger.lines));
    assert.equal(reopened.status().files, 40);
    assert.deepEqual(await answers(reopened), await answers(index));
    // The next save replaces the damaged snapshot.
    await reopened.flush();
    assert.equal((await open()).status().load?.source, 'snapshot');
  });
}

test('a save of the snapshot killed midway leaves a temp file that the next open removes', async (t) => {
  const { open, snapshot } = setup(t);
  const index = await open();
  await index.refresh();
  await index.flush();
  const leftover = `${snapshot}.tmp-${exitedPid()}-0`;
  writeFileSync(leftover, readFileSync(snapshot).subarray(0, 1000));
  const reopened = await open();
  assert.equal(existsSync(leftover), false);
  assert.equal(reopened.status().load?.source, 'snapshot');
});

test('the snapshot is saved by itself after a quiet spell', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'gw-snapshot-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  mkdirSync(join(base, 'ws'));
  writeFileSync(join(base, 'ws', 'a.ts'), 'export const quietSpell = 1;\n');
  const index = await WorkspaceIndex.open({ storeDirectory: join(base, 'store'), roots: [{ id: 'ws', path: join(base, 'ws') }], embedder: new LocalEmbedder(64), snapshotDelayMs: 50 });
  await index.refresh();
  const deadline = Date.now() + 5000;
  while (!existsSync(join(base, 'store', snapshotFileName)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(existsSync(join(base, 'store', snapshotFileName)));
  index.dispose();
});

test('one saved file does not rewrite the snapshot; changes to a twentieth of the files do', async (t) => {
  // As in the editor: 256 shards, so one holds well under a twentieth of 100 files.
  const { open, write, root, snapshot } = setup(t, 'binary', sourceFiles(100), 256);
  const index = await open();
  await index.refresh();
  await index.flush();
  const saved = statSync(snapshot, { bigint: true });
  write('src/module1/feature1.ts', 'export function onlyThisChanged(): void {}\n');
  await index.applyChanges({ changed: [join(root, 'src/module1/feature1.ts')] });
  await index.flush();
  const after = statSync(snapshot, { bigint: true });
  assert.deepEqual([after.ino, after.mtimeNs], [saved.ino, saved.mtimeNs], 'the snapshot was rewritten for one file');
  assert.equal((await open()).status().load?.shardsRead, 1);

  // A twentieth of the files or more: worth a new snapshot.
  const changed = [2, 3, 4, 5, 6].map((i) => `src/module${i}/feature${i}.ts`);
  for (const [i, path] of changed.entries()) write(path, `export function alsoChanged${i}(): void {}\n`);
  await index.applyChanges({ changed: changed.map((path) => join(root, path)) });
  await index.flush();
  assert.notEqual(statSync(snapshot, { bigint: true }).ino, saved.ino);
  const reopened = await open();
  assert.equal(reopened.status().load?.shardsRead, 0);
  assert.equal((await reopened.search('onlyThisChanged', { top: 1 }))[0].path, 'src/module1/feature1.ts');
});

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Embedder } from '../../../src/index/embedder.ts';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';
import { shardOf } from '../../../src/index/chunkStore.ts';
import { nodeIndexFileSystem } from '../../../src/index/indexFileSystem.ts';
import { openChunkStore } from '../../../src/index/openChunkStore.ts';
import { type BinaryShardStore } from '../../../src/index/binaryShardStore.ts';
import { VectraStore } from '../../../src/index/vectraStore.ts';
import { WorkspaceIndex, type WorkspaceIndexOptions } from '../../../src/index/workspaceIndex.ts';

const sources: Record<string, string> = {
  'src/auth/session.ts': `export class SessionStore {\n  private readonly sessions = new Map<string, Session>();\n\n  createSession(userId: string): Session {\n    const session = { id: randomToken(), userId, expiresAt: Date.now() + 3600_000 };\n    this.sessions.set(session.id, session);\n    return session;\n  }\n\n  revokeSession(sessionId: string): void {\n    this.sessions.delete(sessionId);\n  }\n}\n`,
  'src/math/matrix.ts': `export function multiplyMatrices(a: number[][], b: number[][]): number[][] {\n  return a.map((row) => b[0].map((_, j) => row.reduce((sum, value, k) => sum + value * b[k][j], 0)));\n}\n\nexport function transposeMatrix(m: number[][]): number[][] {\n  return m[0].map((_, i) => m.map((row) => row[i]));\n}\n`,
  'src/http/retry.py': `def retry_with_backoff(request, attempts=5):\n    delay = 0.5\n    for attempt in range(attempts):\n        try:\n            return request()\n        except TimeoutError:\n            sleep(delay)\n            delay *= 2\n    raise RetryExhausted(attempts)\n`,
  'docs/notes.md': '# Deployment\n\nThe service deploys with blue-green switching behind the load balancer.\n',
};

/** An embedder that counts what it embeds, over the local one. */
class CountingEmbedder implements Embedder {
  readonly inner = new LocalEmbedder(64);
  readonly id: string;
  readonly dimensions = 64;
  texts: string[] = [];
  constructor(id = 'counting-64') {
    this.id = id;
  }
  embed(texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
    this.texts.push(...texts);
    return this.inner.embed(texts, signal);
  }
}

function setup(t: TestContext, files: Record<string, string> = sources) {
  const base = mkdtempSync(join(tmpdir(), 'gw-index-'));
  const root = join(base, 'ws');
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const embedder = new CountingEmbedder();
  const options: WorkspaceIndexOptions = { storeDirectory: join(base, 'store'), roots: [{ id: 'ws', path: root }], embedder, shardCount: 8 };
  return { root, write, embedder, options, open: (extra: Partial<WorkspaceIndexOptions> = {}) => WorkspaceIndex.open({ ...options, ...extra }) };
}

test('builds, finds code by meaning and by name, and reports where each hit came from', async (t) => {
  const { open } = setup(t);
  const index = await open();
  const result = await index.refresh();
  assert.equal(result.indexedFiles, 4);
  assert.equal(index.status().files, 4);
  const [hit] = await index.search('revoke a user session', { top: 3 });
  assert.equal(hit.path, 'src/auth/session.ts');
  assert.equal(hit.root, 'ws');
  assert.match(hit.symbol ?? '', /SessionStore/);
  assert.deepEqual([...hit.retrievers].sort(), ['keyword', 'vector']);
  const keywordOnly = await index.search('retry_with_backoff', { retrievers: ['keyword'] });
  assert.equal(keywordOnly[0].path, 'src/http/retry.py');
  assert.deepEqual(keywordOnly[0].retrievers, ['keyword']);
  const files = await index.searchFiles('transpose matrix', { top: 2 });
  assert.equal(files[0].path, 'src/math/matrix.ts');
  assert.ok(files[0].chunks.length >= 1);
});

test('a reopened index is searchable without re-embedding, and a refresh reads nothing unchanged', async (t) => {
  const { open, embedder } = setup(t);
  await (await open()).refresh();
  const reopened = await open();
  assert.equal(reopened.status().files, 4);
  assert.equal((await reopened.search('multiply matrices'))[0].path, 'src/math/matrix.ts');
  // Only the query itself was embedded.
  const embedded = embedder.texts.length;
  assert.equal(embedder.texts.at(-1), 'multiply matrices');
  const result = await reopened.refresh();
  assert.deepEqual(result, { indexedFiles: 0, removedFiles: 0, unchangedFiles: 0, embeddedChunks: 0 });
  assert.equal(embedder.texts.length, embedded);
});

test('warming up runs the searches without the embedder, and does nothing on an empty index', async (t) => {
  const { open, embedder } = setup(t);
  const index = await open();
  assert.equal(index.warmUp(), 0);
  await index.refresh();
  const embedded = embedder.texts.length;
  assert.ok(index.warmUp() > 0);
  assert.equal(embedder.texts.length, embedded, 'a remote embedder would have been a paid request');
});

test('incremental update re-embeds only the changed chunk; stale chunks disappear', async (t) => {
  const body = (name: string, n: number) => `export function ${name}() {\n${Array.from({ length: 12 }, (_, i) => `  step${name}${i}(${n});`).join('\n')}\n}\n`;
  const { open, write, root, embedder } = setup(t, { 'a.ts': body('alpha', 1) + '\n' + body('beta', 1) });
  const index = await open({ chunker: { minLines: 2 } });
  await index.refresh();
  assert.equal(index.status().chunks, 2);
  embedder.texts = [];
  write('a.ts', body('alpha', 1) + '\n' + body('gamma', 2));
  const result = await index.applyChanges({ changed: [join(root, 'a.ts')] });
  assert.equal(result.indexedFiles, 1);
  assert.equal(result.embeddedChunks, 1);
  assert.equal(embedder.texts.length, 1);
  assert.match(embedder.texts[0], /gamma/);
  assert.equal((await index.search('stepgamma0', { retrievers: ['keyword'] }))[0].symbol, 'gamma');
  assert.equal((await index.search('stepbeta0', { retrievers: ['keyword'] })).length, 0);
  assert.equal(index.status().chunks, 2);
});

test('renaming a class re-embeds its methods: the vector is keyed by the embedded text, symbol included', async (t) => {
  const method = (name: string) => `  ${name}() {\n${Array.from({ length: 12 }, (_, i) => `    this.${name}Step${i}();`).join('\n')}\n  }\n`;
  const source = (className: string) => `export class ${className} {\n${method('load')}\n${method('save')}}\n`;
  const { open, write, root, embedder } = setup(t, { 'a.ts': source('Ledger') });
  // Short chunks, so each method is one and `save`'s lines do not include the class's name.
  const index = await open({ chunker: { minLines: 2, maxLines: 20 } });
  await index.refresh();
  assert.ok(embedder.texts.some((text) => text.startsWith('Ledger.save\n')));
  embedder.texts = [];
  // `save`'s lines are unchanged; only the name they are embedded under is new.
  write('a.ts', source('Journal'));
  await index.applyChanges({ changed: [join(root, 'a.ts')] });
  assert.ok(embedder.texts.some((text) => text.startsWith('Journal.save\n')), embedder.texts.map((text) => text.split('\n')[0]).join(' | '));
  const [hit] = await index.search('this.saveStep3()', { retrievers: ['keyword'] });
  assert.equal(hit?.symbol, 'Journal.save');
});

test('rename and delete arrive as one batch; the renamed file keeps its vectors', async (t) => {
  const { open, root, embedder } = setup(t);
  const index = await open();
  await index.refresh();
  embedder.texts = [];
  renameSync(join(root, 'src/math/matrix.ts'), join(root, 'src/math/linalg.ts'));
  unlinkSync(join(root, 'docs/notes.md'));
  const result = await index.applyChanges({
    renamed: [{ from: join(root, 'src/math/matrix.ts'), to: join(root, 'src/math/linalg.ts') }],
    deleted: [join(root, 'docs/notes.md')],
  });
  assert.equal(result.removedFiles, 2);
  assert.equal(result.embeddedChunks, 0);
  assert.deepEqual(embedder.texts, []);
  const hits = await index.search('transpose matrix', { top: 10 });
  assert.ok(hits.some((hit) => hit.path === 'src/math/linalg.ts'));
  assert.ok(!hits.some((hit) => hit.path === 'src/math/matrix.ts' || hit.path === 'docs/notes.md'));
  const reopened = await open();
  assert.equal(reopened.status().files, 3);
});

test('files that turn out binary or secret on change leave the index with a reason', async (t) => {
  const { open, write, root } = setup(t);
  const index = await open();
  await index.refresh();
  writeFileSync(join(root, 'src/math/matrix.ts'), Buffer.from([1, 2, 0, 3]));
  write('.env', 'TOKEN=abc');
  await index.applyChanges({ changed: [join(root, 'src/math/matrix.ts'), join(root, '.env')] });
  const status = index.status();
  assert.equal(status.files, 3);
  assert.equal(status.skipped.find((s) => s.path === 'src/math/matrix.ts')?.reason, 'binary');
  assert.equal(status.skipped.find((s) => s.path === '.env')?.reason, 'secret');
});

test('reads run ahead of indexing but never open a secret file, and a file gone before its turn is left out', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`src/module${i}.ts`] = `export function handler${i}(request: Request) {\n  return request.url + ${i};\n}\n`;
  const { open, write, root } = setup(t, files);
  const read: string[] = [];
  // One shard, so every file goes through one indexing pass with its reads ahead of it.
  const index = await open({
    shardCount: 1,
    fs: {
      ...nodeIndexFileSystem,
      readFile: async (path) => {
        read.push(path);
        if (path.endsWith('module7.ts')) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
        return nodeIndexFileSystem.readFile(path);
      },
    },
  });
  await index.refresh();
  assert.equal(index.status().files, 11);
  const indexed = (await index.searchFiles('handler request', { top: 20, retrievers: ['keyword'] })).map((hit) => hit.path);
  assert.equal(indexed.length, 11);
  assert.ok(!indexed.includes('src/module7.ts'));

  write('.env', 'TOKEN=abc');
  write('src/module3.ts', 'export function changedHandler() {}\n');
  await index.applyChanges({ changed: [join(root, '.env'), join(root, 'src/module3.ts')] });
  assert.equal(read.filter((path) => path.endsWith('.env')).length, 0, 'the secret file was opened');
  assert.ok(read.some((path) => path.endsWith('module3.ts')));
  assert.equal(index.status().skipped.find((skip) => skip.path === '.env')?.reason, 'secret');
});

for (const [kind, snapshot] of [['vectra', false], ['binary', false], ['binary', true]] as const) {
  test(`${kind}${snapshot ? ', with a snapshot saved before' : ''}: a shard corrupted on disk is detected and only its files are indexed again`, async (t) => {
    const { open, options } = setup(t);
    const built = await open({ store: kind });
    await built.refresh();
    // A snapshot taken before the damage must not hide it: the shard's fingerprint has changed.
    if (snapshot) await built.flush();
    const { store } = await openChunkStore(options.storeDirectory, { embedderId: options.embedder.id, dimensions: 64, kind });
    const victim = shardOf(store.manifest, 'ws/src/auth/session.ts');
    const path = store instanceof VectraStore ? store.shardPath(victim) : (store as BinaryShardStore).shardPath(victim);
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] ^= 0x55;
    writeFileSync(path, bytes);
    const survivors = [...Object.keys(sources)].filter((p) => shardOf(store.manifest, `ws/${p}`) !== victim);

    const reopened = await open({ store: kind });
    assert.deepEqual(reopened.status().repairedShards, [victim]);
    assert.equal(reopened.status().load?.source, snapshot ? 'snapshot' : 'shards');
    assert.equal(reopened.status().files, survivors.length);
    const result = await reopened.refresh();
    assert.equal(result.indexedFiles, 4 - survivors.length);
    assert.equal(reopened.status().files, 4);
    assert.equal((await reopened.search('revoke session'))[0].path, 'src/auth/session.ts');
    assert.equal((await store.read(victim)).kind, 'ok');
  });
}

test('auto keeps a small workspace in vectra and moves a new index of a large one to the binary store', async (t) => {
  const { open, options } = setup(t);
  const small = await open();
  await small.refresh();
  assert.equal(small.status().store, 'vectra');
  assert.equal((await small.search('multiply matrices'))[0].path, 'src/math/matrix.ts');

  const large = setup(t);
  const index = await large.open({ vectraMaxFiles: 3 });
  await index.refresh();
  assert.equal(index.status().store, 'binary');
  assert.equal(index.status().files, 4);
  const reopened = await large.open({ vectraMaxFiles: 3 });
  assert.equal(reopened.status().files, 4, 'the binary store is what loads next time');
  assert.equal((await reopened.search('multiply matrices'))[0].path, 'src/math/matrix.ts');

  // A vectra index whose workspace has grown moves to the binary store as it is: nothing is embedded again.
  const embedded = (options.embedder as CountingEmbedder).texts.length;
  const grown = await WorkspaceIndex.open({ ...options, vectraMaxFiles: 1 });
  assert.equal(grown.status().store, 'vectra');
  assert.deepEqual(await grown.refresh(), { indexedFiles: 0, removedFiles: 0, unchangedFiles: 0, embeddedChunks: 0 });
  assert.equal(grown.status().store, 'binary');
  assert.equal((options.embedder as CountingEmbedder).texts.length, embedded);
  assert.equal(existsSync(join(options.storeDirectory, 'vectra')), false, 'the vectra shards are gone');
  const afterMove = await WorkspaceIndex.open({ ...options, vectraMaxFiles: 1 });
  assert.equal(afterMove.status().store, 'binary');
  assert.equal(afterMove.status().files, 4);
  assert.equal((await afterMove.search('multiply matrices'))[0].path, 'src/math/matrix.ts');
  // A workspace that shrinks again keeps the binary store.
  await (await WorkspaceIndex.open(options)).refresh();
  assert.equal((await WorkspaceIndex.open(options)).status().store, 'binary');
});

test('concurrent updates lose nothing: every file of many parallel batches is indexed and on disk', async (t) => {
  const { open, write, root } = setup(t, {});
  const index = await open();
  await index.refresh();
  const names = Array.from({ length: 40 }, (_, i) => `file${i}.ts`);
  for (const [i, name] of names.entries()) write(name, `export const value${i} = uniqueMarker${i}();\n`);
  await Promise.all(names.map((name) => index.applyChanges({ changed: [join(root, name)] })));
  assert.equal(index.status().files, 40);
  const reopened = await open();
  assert.equal(reopened.status().files, 40);
  for (const i of [0, 17, 39]) assert.equal((await reopened.search(`uniqueMarker${i}`, { retrievers: ['keyword'] }))[0].path, `file${i}.ts`);
});

test('an interrupted build resumes: saved shards are kept, the rest is done on the next refresh', async (t) => {
  const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`m${i}.ts`, `export function fn${i}() { return ${i}; }\n`]));
  const { open, embedder } = setup(t, files);
  const index = await open();
  const controller = new AbortController();
  await assert.rejects(
    index.refresh(controller.signal, (progress) => {
      if (progress.phase === 'indexing' && progress.doneFiles > 0) controller.abort();
    }),
    { name: 'AbortError' },
  );
  const partial = (await open()).status().files;
  assert.ok(partial > 0 && partial < 30, `partial build kept ${partial} files`);
  embedder.texts = [];
  const resumed = await open();
  const result = await resumed.refresh();
  assert.equal(result.indexedFiles, 30 - partial);
  assert.equal(resumed.status().files, 30);
});

test('a different embedder rebuilds the index from scratch', async (t) => {
  const { open } = setup(t);
  await (await open()).refresh();
  const other = new CountingEmbedder('other-model');
  const index = await open({ embedder: other });
  assert.equal(index.status().files, 0);
  assert.equal(index.embedderId, 'other-model');
  await index.refresh();
  assert.equal(other.texts.length, index.status().chunks);
});

test('a .gitignore change re-checks the workspace', async (t) => {
  const { open, write, root } = setup(t);
  const index = await open();
  await index.refresh();
  write('.gitignore', 'docs/\n');
  await index.applyChanges({ changed: [join(root, '.gitignore')] });
  assert.equal(index.status().files, 4); // src (3) + .gitignore itself
  assert.equal(index.status().skipped.find((s) => s.path === 'docs/')?.reason, 'ignored');
});

test('Rebuild Index builds a bad index again from scratch, where a refresh would skip every unchanged file', async (t) => {
  const { open, embedder } = setup(t);
  // A broken embedder leaves the index with meaningless vectors, under the right embedder id.
  const working = embedder.embed.bind(embedder);
  embedder.embed = async (texts) => texts.map(() => Array.from({ length: 64 }, () => 1));
  const index = await open();
  await index.refresh();
  embedder.embed = working;
  assert.deepEqual(await index.refresh(), { indexedFiles: 0, removedFiles: 0, unchangedFiles: 0, embeddedChunks: 0 });

  const chunks = index.status().chunks;
  embedder.texts = [];
  const result = await index.rebuild();
  assert.equal(result.indexedFiles, 4);
  // No vector of the bad index is reused, not even from the embedder's cache.
  assert.equal(result.embeddedChunks, chunks);
  assert.equal(embedder.texts.length, chunks);
  assert.equal((await index.search('revoke a user session', { retrievers: ['vector'] }))[0]?.path, 'src/auth/session.ts');
  const reopened = await open();
  assert.equal(reopened.status().files, 4);
  assert.equal((await reopened.search('revoke a user session', { retrievers: ['vector'] }))[0]?.path, 'src/auth/session.ts');
});

test('skipped files are counted per reason, listed a page at a time, and a status message stays small', async (t) => {
  const { open, write, root } = setup(t, { ...sources, '.gitignore': 'scratch/\n' });
  const index = await open();
  await index.refresh();
  const before = index.status().skippedCounts;
  // A build writes thousands of files under a generated or an ignored folder, twice; the watcher reports each.
  const generated = Array.from({ length: 3000 }, (_, i) => `${i % 2 === 0 ? 'target' : 'scratch'}/out${i}.ts`);
  for (const path of generated) write(path, 'export {};\n');
  for (let round = 0; round < 2; round++) await index.applyChanges({ changed: generated.map((path) => join(root, path)) });
  const images = Array.from({ length: 60 }, (_, i) => `assets/image${i}.png`);
  for (const path of images) write(path, 'not really a png');
  await index.applyChanges({ changed: images.map((path) => join(root, path)) });

  const status = index.status();
  assert.equal(status.files, 5);
  assert.equal(status.skippedCounts.generated, before.generated);
  assert.equal(status.skippedCounts.ignored, before.ignored);
  assert.equal(status.skippedCounts.binary, 60);
  assert.ok(status.skipped.filter((file) => file.reason === 'binary').length < 60);
  assert.ok(JSON.stringify(status).length < 20_000, `${JSON.stringify(status).length} bytes`);
  const paged = [0, 25, 50].flatMap((offset) => index.skippedFiles('binary', offset, 25).files.map((file) => file.path));
  assert.deepEqual(new Set(paged), new Set(images));
  assert.equal(index.skippedFiles('binary', 50, 25).total, 60);
});

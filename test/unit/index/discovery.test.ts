import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { defaultDiscoveryOptions, discoverFiles, discoveryOptionsFromSettings, type DiscoveryResult } from '../../../src/index/discovery.ts';
import { contentVerdict, FileFilter } from '../../../src/index/fileFilter.ts';
import { nodeIndexFileSystem } from '../../../src/index/indexFileSystem.ts';

function workspace(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'gw-discovery-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const signal = new AbortController().signal;
const indexed = (result: DiscoveryResult) => result.files.map((file) => `${file.root}:${file.path}`).sort();
const reasonOf = (result: DiscoveryResult, path: string) => result.skipped.find((skip) => skip.path === path)?.reason;

test('nested .gitignore and .groundworkignore apply below their folders, deeper rules overriding', async (t) => {
  const root = workspace({
    '.gitignore': '*.log\nbuildinfo/\n',
    'app.ts': 'export const a = 1;',
    'debug.log': 'log',
    'buildinfo/x.ts': 'x',
    'pkg/.gitignore': 'local.ts\n!keep.log\n',
    'pkg/local.ts': 'ignored here',
    'pkg/keep.log': 'kept by negation',
    'pkg/main.ts': 'main',
    'other/local.ts': 'not ignored: the rule lives in pkg/',
    '.groundworkignore': 'private/\n',
    'private/notes.ts': 'n',
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const result = await discoverFiles([{ id: 'w', path: root }], nodeIndexFileSystem, defaultDiscoveryOptions, signal);
  assert.deepEqual(indexed(result), ['w:.gitignore', 'w:.groundworkignore', 'w:app.ts', 'w:other/local.ts', 'w:pkg/.gitignore', 'w:pkg/keep.log', 'w:pkg/main.ts']);
  assert.equal(reasonOf(result, 'debug.log'), 'ignored');
  assert.equal(reasonOf(result, 'buildinfo/'), 'ignored');
  assert.equal(reasonOf(result, 'pkg/local.ts'), 'ignored');
  assert.equal(result.skipped.find((s) => s.path === 'private/')?.detail, '.groundworkignore');
});

test('secret files, binaries, generated files and large files are skipped with their reason', async (t) => {
  const root = workspace({
    'src/ok.ts': 'export {}',
    '.env': 'KEY=1',
    'config/.env.production': 'KEY=2',
    'certs/server.pem': 'pem',
    'logo.png': new Uint8Array([137, 80, 78, 71, 0, 0]),
    'package-lock.json': '{}',
    'web/app.min.js': 'x',
    'node_modules/dep/index.js': 'x',
    'dist/out.js': 'x',
    'big.ts': 'x'.repeat(3000),
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const result = await discoverFiles([{ id: 'w', path: root }], nodeIndexFileSystem, { ...defaultDiscoveryOptions, maxFileSizeBytes: 2000 }, signal);
  assert.deepEqual(indexed(result), ['w:src/ok.ts']);
  assert.equal(reasonOf(result, '.env'), 'secret');
  assert.equal(reasonOf(result, 'config/.env.production'), 'secret');
  assert.equal(reasonOf(result, 'certs/server.pem'), 'secret');
  assert.equal(reasonOf(result, 'logo.png'), 'binary');
  assert.equal(reasonOf(result, 'package-lock.json'), 'generated');
  assert.equal(reasonOf(result, 'web/app.min.js'), 'generated');
  assert.equal(reasonOf(result, 'node_modules/'), 'generated');
  assert.equal(reasonOf(result, 'dist/'), 'generated');
  assert.equal(reasonOf(result, 'big.ts'), 'tooLarge');
  assert.equal(result.skippedCounts.secret, 3);
});

test('content sniffing catches NUL bytes and minified bundles whatever their extension', () => {
  assert.equal(contentVerdict(new Uint8Array([65, 66, 0, 67]))?.reason, 'binary');
  assert.equal(contentVerdict(new TextEncoder().encode(`var a=1;${'b()'.repeat(10_000)}`))?.reason, 'generated');
  assert.equal(contentVerdict(new TextEncoder().encode('const a = 1;\n'.repeat(3000))), undefined);
});

test('exclude globs, the file cap and several roots', async (t) => {
  const first = workspace({ 'a.ts': 'a', 'b.ts': 'b', 'fixtures/data.ts': 'd', 'c.ts': 'c' });
  const second = workspace({ 'x.py': 'x', 'y.py': 'y' });
  t.after(() => {
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  });
  const roots = [{ id: 'one', path: first }, { id: 'two', path: second }];
  const result = await discoverFiles(roots, nodeIndexFileSystem, { ...defaultDiscoveryOptions, exclude: ['**/fixtures/**'], maxFiles: 4 }, signal);
  assert.deepEqual(indexed(result), ['one:a.ts', 'one:b.ts', 'one:c.ts', 'two:x.py']);
  assert.equal(result.skipped.find((s) => s.path === 'fixtures/data.ts')?.detail, 'index.exclude setting');
  assert.equal(result.skippedCounts.overCap, 1);
  assert.match(result.capMessage ?? '', /first 4 files; 1 more/);
});

test('classify gives a single file the same verdict discovery would', async (t) => {
  const root = workspace({ '.gitignore': 'gen/\n', 'gen/a.ts': 'a', 'src/.groundworkignore': 'skip.ts', 'src/skip.ts': 's', 'src/keep.ts': 'k' });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const filter = new FileFilter(root, nodeIndexFileSystem, { exclude: [], maxFileSizeBytes: 100 });
  assert.equal((await filter.classify('gen/a.ts', 1))?.reason, 'ignored');
  assert.equal((await filter.classify('src/skip.ts', 1))?.reason, 'ignored');
  assert.equal(await filter.classify('src/keep.ts', 1), undefined);
  assert.equal((await filter.classify('src/keep.ts', 101))?.reason, 'tooLarge');
  assert.equal((await filter.classify('node_modules/x/y.js', 1))?.reason, 'generated');
  assert.equal((await filter.classify('src/.env.local', 1))?.reason, 'secret');
});

test('settings map onto discovery options', () => {
  assert.deepEqual(discoveryOptionsFromSettings({ 'index.exclude': ['**/gen/**'], 'index.maxFileSizeKb': 2, 'index.maxFiles': 7 }), {
    exclude: ['**/gen/**'],
    maxFileSizeBytes: 2048,
    maxFiles: 7,
  });
});

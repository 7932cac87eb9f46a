import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { WorkspaceIndex } from '../../../src/index/workspaceIndex.ts';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';

const cli = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

function workspace(t: TestContext, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'gw-cli-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

test('groundwork index then search, as a user runs them', (t) => {
  const root = workspace(t, {
    'src/cache.ts': 'export class LruCache<K, V> {\n  evictLeastRecentlyUsed(): void {\n    const oldest = this.order.shift();\n    this.entries.delete(oldest);\n  }\n}\n',
    'src/invoice.py': 'def compute_invoice_total(lines, tax_rate):\n    subtotal = sum(line.amount for line in lines)\n    return subtotal * (1 + tax_rate)\n',
    '.env': 'SECRET=1',
  });
  const indexed = run('index', '--root', root);
  assert.equal(indexed.status, 0, indexed.stderr);
  assert.match(indexed.stderr, /Indexed 2 files .*skipped 1 secret/);
  assert.ok(existsSync(join(root, '.groundwork', 'index', 'manifest.json')));

  const search = run('search', '--root', root, '--top', '1', 'invoice total with tax');
  assert.equal(search.status, 0, search.stderr);
  assert.match(search.stdout, /^1\. src\/invoice\.py:1-3 {2}\d\.\d{4} {2}compute_invoice_total {2}\[vector\+keyword\]\n$/);

  const json = JSON.parse(run('search', '--root', root, '--json', '--files', 'evict least recently used').stdout) as { path: string; score: number; signals: string[]; lines: [number, number][] }[];
  assert.equal(json[0].path, 'src/cache.ts');
  assert.ok(json[0].score > 0);
  assert.ok(json[0].signals.includes('whole-file'), 'the result says which retrievers found it');
  assert.ok(json[0].lines.length > 0 && json[0].lines[0][0] >= 1, 'and which lines');

  const again = run('index', '--root', root);
  assert.match(again.stderr, /0 updated, 0 removed, 0 chunks embedded/);
});

test('bad usage exits 2 with the usage text', (t) => {
  const root = workspace(t, { 'a.ts': 'a' });
  const missingRoot = run('search', 'query');
  assert.equal(missingRoot.status, 2);
  assert.match(missingRoot.stderr, /--root is required/);
  const noQuery = run('search', '--root', root);
  assert.equal(noQuery.status, 2);
  assert.match(noQuery.stderr, /search needs a query/);
  assert.equal(run('reindex', '--root', root).status, 2);
});

test('a build killed mid-way leaves a loadable index that the next run completes', async (t) => {
  // Enough files that the build is still running when its first progress line arrives, on a
  // fast machine or a loaded one: the kill follows that line at once, not after a delay.
  const total = 1200;
  const files = Object.fromEntries(Array.from({ length: total }, (_, i) => [`pkg${i % 20}/mod${i}.ts`, `export function handler${i}(input: string) {\n  return input.repeat(${i});\n}\n`]));
  const root = workspace(t, files);
  const child = spawn(process.execPath, [cli, 'index', '--root', root], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (data: Buffer) => {
      const done = /Indexing (\d+)\/\d+/.exec(data.toString());
      if (done && Number(done[1]) > 0) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
  });
  const index = await WorkspaceIndex.open({ storeDirectory: join(root, '.groundwork', 'index'), roots: [{ id: 'r', path: root }], embedder: new LocalEmbedder() });
  assert.deepEqual(index.status().repairedShards, []);
  const kept = index.status().files;
  assert.ok(kept < total, `the kill came too late to test anything (${kept} files)`);
  const resumed = run('index', '--root', root);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`Indexed ${total} files .*: ${total - kept} updated`));
});

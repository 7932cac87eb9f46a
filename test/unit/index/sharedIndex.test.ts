import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import pg from 'pg';
import { CachingEmbedder } from '../../../src/index/embedder.ts';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';
import { indexCheckout } from '../../../src/index/postgres/checkoutIndexing.ts';
import { explainPostgresError, PostgresError, redactedUrl } from '../../../src/index/postgres/connection.ts';
import { normalizeRemote, repositoryAt } from '../../../src/index/postgres/repositoryIdentity.ts';
import { migrate, schemaVersion } from '../../../src/index/postgres/schema.ts';
import { SharedIndex } from '../../../src/index/postgres/sharedIndex.ts';
import { startTestPostgres, type TestPostgres, testPassword } from '../../support/pgliteServer.ts';

const cli = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const signal = new AbortController().signal;
const embedder = new LocalEmbedder();

let server: TestPostgres;
before(async () => {
  server = await startTestPostgres();
});
after(async () => {
  await server.stop();
});

function checkout(t: TestContext, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'gw-shared-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const git = (root: string, ...args: string[]) => {
  const result = spawnSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
};

function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, GROUNDWORK_POSTGRES_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a remote written over https or ssh names one repository', () => {
  assert.equal(normalizeRemote('git@github.com:Owner/Name.git'), 'github.com/Owner/Name');
  assert.equal(normalizeRemote('https://user:token@GitHub.com/Owner/Name.git'), 'github.com/Owner/Name');
  assert.equal(normalizeRemote('ssh://git@github.com:22/Owner/Name/'), 'github.com/Owner/Name');
  assert.equal(normalizeRemote('https://gitlab.example.com/group/sub/project'), 'gitlab.example.com/group/sub/project');
});

test('groundwork index --postgres fills the team index at the commit checked out, and search finds it there', async (t) => {
  const root = checkout(t, {
    'src/invoice.py': 'def compute_invoice_total(lines, tax_rate):\n    subtotal = sum(line.amount for line in lines)\n    return subtotal * (1 + tax_rate)\n',
    'src/cache.ts': 'export class LruCache {\n  evictLeastRecentlyUsed(): void {}\n}\n',
  });
  git(root, 'init', '-q');
  git(root, 'remote', 'add', 'origin', 'git@example.com:team/shop.git');
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'first');
  const first = git(root, 'rev-parse', 'HEAD');

  // The URL from the environment, as CI sets it.
  const indexed = await runCli(['index', '--root', root], { GROUNDWORK_POSTGRES_URL: server.url });
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stderr, new RegExp(`example\\.com/team/shop @ ${first}`));
  assert.match(indexed.stderr, /Indexed 2 files \(2 chunks\).* 2 new, 0 from other commits, 0 unchanged, 0 removed, 2 chunks embedded/);
  assert.doesNotMatch(indexed.stderr, new RegExp(testPassword));

  const search = await runCli(['search', '--root', root, '--postgres', server.url, '--files', '--json', '--top', '1', 'invoice total with tax']);
  assert.equal(search.code, 0, search.stderr);
  const hits = JSON.parse(search.stdout) as { path: string; signals: string[]; lines: number[][] }[];
  assert.deepEqual([hits[0].path, hits[0].lines[0]], ['src/invoice.py', [1, 3]]);

  // A second commit deletes a file; an uncommitted edit is left out of the shared view.
  rmSync(join(root, 'src', 'cache.ts'));
  git(root, 'commit', '-qam', 'second');
  writeFileSync(join(root, 'src', 'invoice.py'), 'def uncommitted_secret_plan():\n    pass\n');
  const again = await runCli(['index', '--root', root, '--postgres', server.url]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /1 files differ from commit .* left out/);
  assert.match(again.stderr, /Indexed 0 files .* 0 chunks embedded/);
  const lines = await runCli(['search', '--root', root, '--postgres', server.url, 'evict least recently used']);
  assert.equal(lines.stdout.trim(), '');
});

test('searching a repository the team index never held writes nothing to the server', async (t) => {
  const root = checkout(t, { 'a.ts': 'export const a = 1;\n' });
  const pool = new pg.Pool({ connectionString: server.url });
  t.after(() => pool.end());
  await SharedIndex.open(server.url, { embedderId: embedder.id, dimensions: embedder.dimensions }).then((shared) => shared.close());
  const count = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM gw_repositories')).rows[0].n);
  const before = await count();
  const run = await runCli(['search', '--root', root, '--postgres', server.url, 'anything']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /holds nothing for path:/);
  assert.equal(await count(), before);
});

test('a schema from an older version is migrated, its rows kept', async () => {
  const local = await startTestPostgres();
  try {
    const pool = new pg.Pool({ connectionString: local.url });
    const client = await pool.connect();
    await client.query('CREATE EXTENSION vector');
    await migrate(client, 1);
    await client.query(`INSERT INTO gw_repositories (identity) VALUES ('example.com/team/old')`);
    await client.query(`INSERT INTO gw_documents (repository_id, path, file_hash, ordinal, chunk_hash, start_line, end_line, language, terms, length)
      VALUES (1, 'a.ts', 'h1', 0, 'c1', 1, 3, 'typescript', 'old:1,2 words:1', 3), (1, 'a.ts', 'h1', 1, 'c2', 4, 9, 'typescript', 'more:1', 1)`);
    await client.query(`INSERT INTO gw_commit_files (repository_id, commit, path, file_hash, size, chunk_count) VALUES (1, 'abc', 'a.ts', 'h1', 10, 2)`);
    client.release();

    const shared = await SharedIndex.open(local.url, { embedderId: embedder.id, dimensions: embedder.dimensions });
    await shared.close();
    const version = await pool.query<{ version: number }>('SELECT version FROM gw_schema');
    assert.equal(version.rows[0].version, schemaVersion);
    const file = await pool.query<{ length: number }>(`SELECT length FROM gw_commit_files WHERE path = 'a.ts'`);
    assert.equal(file.rows[0].length, 4, 'the new column is filled from the rows kept');
    await pool.end();
  } finally {
    await local.stop();
  }
});

test('a schema newer than this Groundwork is refused, not written to', async () => {
  const local = await startTestPostgres();
  try {
    const pool = new pg.Pool({ connectionString: local.url });
    await pool.query('CREATE EXTENSION vector');
    await pool.query('CREATE TABLE gw_schema (version integer NOT NULL)');
    await pool.query('INSERT INTO gw_schema VALUES ($1)', [schemaVersion + 1]);
    await pool.end();
    await assert.rejects(SharedIndex.open(local.url, { embedderId: embedder.id, dimensions: embedder.dimensions }), /newer than this Groundwork knows .* update Groundwork/);
  } finally {
    await local.stop();
  }
});

test('a server without pgvector says how to install it', async () => {
  const bare = await startTestPostgres({ withVector: false });
  try {
    await assert.rejects(SharedIndex.open(bare.url, { embedderId: embedder.id, dimensions: embedder.dimensions }), (error: unknown) => {
      assert.ok(error instanceof PostgresError, String(error));
      assert.equal(error.reason, 'noVector');
      assert.match(error.message, /pgvector .*CREATE EXTENSION vector/);
      return true;
    });
  } finally {
    await bare.stop();
  }
});

test('an unreachable server is named without its password, and the CLI exits 1 saying so', async () => {
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const url = `postgres://alice:${testPassword}@127.0.0.1:${port}/team`;
  await assert.rejects(SharedIndex.open(url, { embedderId: embedder.id, dimensions: embedder.dimensions, connectTimeoutMs: 2000 }), (error: unknown) => {
    assert.ok(error instanceof PostgresError);
    assert.equal(error.reason, 'unreachable');
    assert.match(error.message, new RegExp(`Cannot reach .* at 127\\.0\\.0\\.1:${port}/team`));
    assert.doesNotMatch(error.message, new RegExp(testPassword));
    return true;
  });
  const run = await runCli(['search', '--root', tmpdir(), '--postgres', url, 'anything']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^groundwork: Cannot reach/);
  assert.doesNotMatch(run.stderr, new RegExp(testPassword));
});

test('refused credentials are said as such, the password never shown', () => {
  const url = `postgres://bob:${testPassword}@db.example.com:5433/team`;
  // As pg reports a real server's refusal (PGlite accepts any password, so it cannot refuse one).
  const refusal = Object.assign(new Error(`password authentication failed for user "bob"`), { code: '28P01' });
  const explained = explainPostgresError(refusal, url);
  assert.ok(explained instanceof PostgresError);
  assert.equal(explained.reason, 'auth');
  assert.match(explained.message, /db\.example\.com:5433\/team refused the credentials/);
  assert.doesNotMatch(explained.message, new RegExp(testPassword));
  assert.equal(redactedUrl(url), 'postgres://bob:***@db.example.com:5433/team');
});

test('content another repository already embedded is not embedded again', async (t) => {
  const shared = await SharedIndex.open(server.url, { embedderId: embedder.id, dimensions: embedder.dimensions });
  t.after(() => shared.close());
  const files = { 'lib/money.ts': 'export function roundToCents(amount: number): number {\n  return Math.round(amount * 100) / 100;\n}\n' };
  const caching = new CachingEmbedder(embedder);
  const a = await indexCheckout(shared, caching, { root: checkout(t, files), rootId: 'a', identity: 'example.com/team/a', commit: 'x' }, {}, signal);
  const b = await indexCheckout(shared, new CachingEmbedder(embedder), { root: checkout(t, files), rootId: 'b', identity: 'example.com/team/b', commit: 'y' }, {}, signal);
  assert.equal(a.embeddedChunks, 1);
  assert.equal(b.embeddedChunks, 0);
  assert.equal(b.storedFiles, 1);
});

test('the repository of a folder outside git is its path, at the working tree', async (t) => {
  const root = checkout(t, { 'a.ts': 'a' });
  const at = await repositoryAt(root);
  assert.equal(at.identity, `path:${root}`);
  assert.equal(at.commit, 'working-tree');
});

test('a folder inside a repository is its own repository to the index, its changes counted in it alone', async (t) => {
  const root = checkout(t, { 'app/src/a.ts': 'export const a = 1;\n', 'lib/b.ts': 'export const b = 1;\n', 'app/c.ts': 'c' });
  git(root, 'init', '-q');
  git(root, 'remote', 'add', 'origin', 'https://example.com/team/mono.git');
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'first');
  writeFileSync(join(root, 'app', 'src', 'a.ts'), 'export const a = 2;\n');
  writeFileSync(join(root, 'lib', 'b.ts'), 'export const b = 2;\n');
  git(root, 'mv', 'app/c.ts', 'app/d.ts');
  const at = await repositoryAt(join(root, 'app'));
  assert.equal(at.identity, 'example.com/team/mono:app');
  assert.deepEqual([...at.dirtyPaths].sort(), ['c.ts', 'd.ts', 'src/a.ts']);
  assert.equal((await repositoryAt(root)).identity, 'example.com/team/mono');
});

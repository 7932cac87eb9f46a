import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CachingEmbedder } from '../../../src/index/embedder.ts';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';
import { type Checkout, indexCheckout, searchCheckout } from '../../../src/index/postgres/checkoutIndexing.ts';
import { PostgresError } from '../../../src/index/postgres/connection.ts';
import { SharedIndex } from '../../../src/index/postgres/sharedIndex.ts';
import type { FileHit, SearchHit } from '../../../src/index/searchBackend.ts';
import { WorkspaceIndex } from '../../../src/index/workspaceIndex.ts';
import { startTestPostgres, type TestPostgres, testPassword } from '../../support/pgliteServer.ts';

// One suite, run against the local index and the shared index on Postgres (PGlite with pgvector
// over the wire protocol): what one holds and finds after an index, an update, a delete and a
// rename, the other must too, and both must rank a small real repository alike.

const cli = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const sourceFixture = join(import.meta.dirname, '..', '..', '..', 'src', 'index');
const signal = new AbortController().signal;

/** A backend under test: a checkout indexed at a commit, then searched at that commit. */
interface Backend {
  readonly name: string;
  index(root: string, commit: string): Promise<{ embeddedChunks: number }>;
  searchFiles(root: string, commit: string, query: string, top?: number): Promise<FileHit[]>;
  search(root: string, commit: string, query: string, top?: number): Promise<SearchHit[]>;
  /** The command line that indexes `root` into this backend, for the two-process case. */
  cliArgs(root: string, store: string): string[];
  /** What a reader sees of the index that command line wrote. */
  readCli(root: string, store: string): Promise<Pick<WorkspaceIndex, 'search' | 'searchFiles'>>;
  close(): Promise<void>;
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

function localBackend(): Backend {
  const indexes = new Map<string, WorkspaceIndex>();
  const stores: string[] = [];
  const open = async (root: string) => {
    let index = indexes.get(root);
    if (!index) {
      const store = tempDir('gw-contract-store-');
      stores.push(store);
      index = await WorkspaceIndex.open({ storeDirectory: store, roots: [{ id: 'repo', path: root }], embedder: new LocalEmbedder(), snapshotDelayMs: 60_000 });
      indexes.set(root, index);
    }
    return index;
  };
  return {
    name: 'local',
    // The local index holds the working tree; the commit is the shared index's concern.
    index: async (root) => (await open(root)).refresh(signal),
    searchFiles: async (root, _commit, query, top = 5) => (await open(root)).searchFiles(query, { top }, signal),
    search: async (root, _commit, query, top = 5) => (await open(root)).search(query, { top }, signal),
    cliArgs: (root, store) => ['index', '--root', root, '--store', store],
    async readCli(root, store) {
      const index = await WorkspaceIndex.open({ storeDirectory: store, roots: [{ id: basename(root), path: root }], embedder: new LocalEmbedder(), snapshotDelayMs: 60_000 });
      indexes.set(store, index);
      return index;
    },
    async close() {
      for (const index of indexes.values()) {
        await index.flush();
        index.dispose();
      }
      for (const store of stores) rmSync(store, { recursive: true, force: true });
    },
  };
}

function postgresBackend(server: TestPostgres, shared: SharedIndex): Backend {
  const embedder = new CachingEmbedder(new LocalEmbedder());
  // Each test root is its own repository, named as the CLI names a folder without a git remote.
  const checkout = (root: string, commit: string): Checkout => ({ root, rootId: 'repo', identity: `path:${root}`, commit });
  const searchAt = async (root: string, commit: string) => {
    const search = await searchCheckout(shared, embedder, checkout(root, commit));
    assert.ok(search, `commit ${commit} of ${root} is in the shared index`);
    return search;
  };
  return {
    name: 'postgres',
    index: async (root, commit) => indexCheckout(shared, embedder, checkout(root, commit), {}, signal),
    searchFiles: async (root, commit, query, top = 5) => (await searchAt(root, commit)).searchFiles(query, { top }, signal),
    search: async (root, commit, query, top = 5) => (await searchAt(root, commit)).search(query, { top }, signal),
    cliArgs: (root) => ['index', '--root', root, '--postgres', server.url],
    // Outside git the CLI names the repository by its folder and the commit `working-tree`.
    readCli: async (root) => searchAt(root, 'working-tree'),
    close: async () => undefined,
  };
}

const paths = (hits: readonly { path: string }[]) => hits.map((hit) => hit.path);

const fixture = {
  'src/cache.ts': 'export class LruCache<K, V> {\n  evictLeastRecentlyUsed(): void {\n    const oldest = this.order.shift();\n    this.entries.delete(oldest);\n  }\n}\n',
  'src/invoice.py': 'def compute_invoice_total(lines, tax_rate):\n    subtotal = sum(line.amount for line in lines)\n    return subtotal * (1 + tax_rate)\n',
  'src/shipping.ts': 'export function shippingQuote(weightKg: number, zone: string): number {\n  return zone === "eu" ? 5 + weightKg : 12 + weightKg * 2;\n}\n',
};

let server: TestPostgres;
let shared: SharedIndex;
const backends: Backend[] = [];
const roots: string[] = [];

before(async () => {
  server = await startTestPostgres();
  shared = await SharedIndex.open(server.url, { embedderId: new LocalEmbedder().id, dimensions: new LocalEmbedder().dimensions });
  backends.push(localBackend(), postgresBackend(server, shared));
});

after(async () => {
  for (const backend of backends) await backend.close();
  await shared.close();
  await server.stop();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function checkoutOf(files: Record<string, string>): string {
  const root = tempDir('gw-contract-repo-');
  roots.push(root);
  write(root, files);
  return root;
}

for (const name of ['local', 'postgres']) {
  const backend = () => backends.find((b) => b.name === name)!;
  describe(`${name} index backend`, () => {
    test('round trip: what is indexed is found, at its lines', async () => {
      const root = checkoutOf(fixture);
      await backend().index(root, 'c1');
      assert.equal(paths(await backend().searchFiles(root, 'c1', 'invoice total with tax'))[0], 'src/invoice.py');
      const [hit] = await backend().search(root, 'c1', 'evict least recently used', 1);
      assert.deepEqual([hit.path, hit.startLine, hit.endLine, hit.root], ['src/cache.ts', 1, 6, 'repo']);
      assert.equal(hit.absolutePath, join(root, 'src', 'cache.ts'));
      assert.deepEqual([...hit.retrievers].sort(), ['keyword', 'vector']);
    });

    test('update: a changed file is found by its new words, not its old ones; unchanged content is not embedded again', async () => {
      const root = checkoutOf(fixture);
      await backend().index(root, 'c1');
      write(root, { 'src/shipping.ts': 'export function freightSurcharge(pallets: number): number {\n  return pallets * 40;\n}\n' });
      const update = await backend().index(root, 'c2');
      assert.equal(update.embeddedChunks, 1);
      assert.equal(paths(await backend().searchFiles(root, 'c2', 'freight surcharge pallets'))[0], 'src/shipping.ts');
      const old = (await backend().searchFiles(root, 'c2', 'weightKg zone')).find((hit) => hit.path === 'src/shipping.ts');
      assert.ok(!old?.signals.includes('keyword') && !old?.signals.includes('whole-file'), 'no keyword of the old content matches');
    });

    test('delete: a file gone from the checkout is gone from the results', async () => {
      const root = checkoutOf(fixture);
      await backend().index(root, 'c1');
      rmSync(join(root, 'src', 'cache.ts'));
      await backend().index(root, 'c2');
      assert.ok(!paths(await backend().searchFiles(root, 'c2', 'evict least recently used LruCache')).includes('src/cache.ts'));
      assert.ok(paths(await backend().searchFiles(root, 'c2', 'invoice total')).includes('src/invoice.py'));
    });

    test('rename: the file is found at its new path only, and nothing is embedded again', async () => {
      const root = checkoutOf(fixture);
      await backend().index(root, 'c1');
      renameSync(join(root, 'src', 'cache.ts'), join(root, 'src', 'lru.ts'));
      const update = await backend().index(root, 'c2');
      assert.equal(update.embeddedChunks, 0);
      const found = paths(await backend().searchFiles(root, 'c2', 'evict least recently used LruCache'));
      assert.equal(found[0], 'src/lru.ts');
      assert.ok(!found.includes('src/cache.ts'));
    });

    test('two processes indexing one checkout at once lose nothing and double nothing', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 30; i++) files[`src/handler${i}.ts`] = `export function handleRequest${i}(input: string): string {\n  return input.repeat(${i});\n}\n`;
      const root = checkoutOf(files);
      const store = tempDir('gw-contract-cli-store-');
      roots.push(store);
      const run = () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, [cli, ...backend().cliArgs(root, store)], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GROUNDWORK_POSTGRES_URL: '' } });
          let stderr = '';
          child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
          child.on('exit', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`exit ${code}: ${stderr}`))));
        });
      const outputs = await Promise.all([run(), run()]);
      for (const output of outputs) assert.doesNotMatch(output, new RegExp(testPassword));
      // What a third reader sees: every file, each once.
      const reader = await backend().readCli(root, store);
      for (const i of [0, 13, 29]) {
        const hits = await reader.searchFiles(`handleRequest${i}`, { top: 30 }, signal);
        assert.equal(hits[0]?.path, `src/handler${i}.ts`);
        assert.equal(new Set(paths(hits)).size, hits.length);
      }
      const all = await reader.search('handle request input repeat', { top: 100 }, signal);
      assert.equal(new Set(paths(all)).size, 30);
      assert.equal(all.length, 30);
    });
  });
}

test('both backends rank a real repository alike: the same top files for the same questions', async () => {
  const root = tempDir('gw-contract-parity-');
  roots.push(root);
  cpSync(sourceFixture, root, { recursive: true });
  const [local, postgres] = backends;
  await local.index(root, 'p1');
  await postgres.index(root, 'p1');
  const questions = [
    'reciprocal rank fusion of vector and keyword lists',
    'BM25 postings compaction of removed documents',
    'where are secret files skipped during discovery',
    'snapshot of the index memory saved to disk',
    'HNSW index over vectors in Postgres',
    'normalize git remote url',
  ];
  for (const question of questions) {
    const fromLocal = paths(await local.searchFiles(root, 'p1', question, 5));
    const fromPostgres = paths(await postgres.searchFiles(root, 'p1', question, 5));
    assert.deepEqual(fromPostgres.slice(0, 3), fromLocal.slice(0, 3), question);
  }
  assert.ok(readdirSync(root).length > 10);
});

describe('postgres only: what a server adds', () => {
  test('an earlier commit keeps its own view after a later one changes and deletes files', async () => {
    const postgres = backends[1];
    const root = checkoutOf(fixture);
    await postgres.index(root, 'old');
    rmSync(join(root, 'src', 'cache.ts'));
    await postgres.index(root, 'new');
    assert.equal(paths(await postgres.searchFiles(root, 'old', 'evict least recently used LruCache'))[0], 'src/cache.ts');
    assert.ok(!paths(await postgres.searchFiles(root, 'new', 'evict least recently used LruCache')).includes('src/cache.ts'));
  });

  test('a search can leave out the files a local overlay answers for', async () => {
    const root = checkoutOf(fixture);
    const embedder = new CachingEmbedder(new LocalEmbedder());
    const checkout = { root, rootId: 'repo', identity: `path:${root}`, commit: 'c1' };
    await indexCheckout(shared, embedder, checkout, {}, signal);
    const search = await searchCheckout(shared, embedder, checkout, ['src/invoice.py']);
    const found = paths(await search!.searchFiles('invoice total with tax, shipping quote', { top: 5 }, signal));
    assert.ok(!found.includes('src/invoice.py'));
    assert.equal(found[0], 'src/shipping.ts');
  });

  test('a connection dropped mid-query is a clear error, and the next query reconnects', async () => {
    const postgres = backends[1];
    const root = checkoutOf(fixture);
    await postgres.index(root, 'c1');
    server.cutOnNextMessage();
    await assert.rejects(postgres.searchFiles(root, 'c1', 'invoice total'), (error: unknown) => {
      assert.ok(error instanceof PostgresError, String(error));
      assert.equal(error.reason, 'connectionLost');
      assert.match(error.message, /lost mid-query/);
      assert.doesNotMatch(error.message, new RegExp(testPassword));
      return true;
    });
    assert.equal(paths(await postgres.searchFiles(root, 'c1', 'invoice total with tax'))[0], 'src/invoice.py');
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { CachingEmbedder } from '../../../src/index/embedder.ts';
import type { IndexHit, IndexSearch } from '../../../src/index/indexRetrieval.ts';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';
import { indexCheckout } from '../../../src/index/postgres/checkoutIndexing.ts';
import { repositoryAt } from '../../../src/index/postgres/repositoryIdentity.ts';
import { SharedIndex } from '../../../src/index/postgres/sharedIndex.ts';
import { type OverlayState, SharedOverlay } from '../../../src/index/sharedOverlay.ts';
import { startTestPostgres, testPassword } from '../../support/pgliteServer.ts';

const git = (root: string, ...args: string[]) => {
  const result = spawnSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
};

test('the shared index answers at the commit, the local index for the files changed since, and the local index alone when the server goes', async (t) => {
  const server = await startTestPostgres();
  let running = true;
  t.after(() => (running ? server.stop() : undefined));
  const root = mkdtempSync(join(tmpdir(), 'gw-overlay-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('src/refunds.ts', 'export function refundAmount(order: number) {\n  return order * 0.5;\n}\n');
  write('src/shipping.ts', 'export function shippingCost(weight: number) {\n  return weight * 1.2;\n}\n');
  git(root, 'init', '-q');
  git(root, 'remote', 'add', 'origin', 'git@github.com:team/shop.git');
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'first');
  const embedder = new CachingEmbedder(new LocalEmbedder());
  const options = { embedderId: embedder.id, dimensions: embedder.dimensions };
  const writer = await SharedIndex.open(server.url, options);
  const at = await repositoryAt(root);
  await indexCheckout(writer, embedder, { root, rootId: 'root', identity: at.identity, commit: at.commit }, {}, new AbortController().signal);
  await writer.close();

  // Changed since the commit: the shared index's refunds.ts is stale, so the local one answers.
  write('src/refunds.ts', 'export function refundAmount(order: number) {\n  return order - restockingFee(order);\n}\n');
  const localCalls: string[] = [];
  const local: IndexSearch = async (query) => {
    localCalls.push(query);
    const hits: IndexHit[] = [
      { path: 'src/refunds.ts', startLine: 1, endLine: 3, score: 1 },
      { path: 'src/shipping.ts', startLine: 1, endLine: 3, score: 0.5 },
    ];
    return hits;
  };
  const states: OverlayState[] = [];
  const overlay = new SharedOverlay({ url: server.url, root, open: (url) => SharedIndex.open(url, { ...options, connectTimeoutMs: 2_000 }), embedder, onState: (state) => states.push(state), checkoutTtlMs: 0 });
  t.after(() => overlay.close());
  const search = overlay.search(local);
  const signal = new AbortController().signal;

  const hits = await search('shipping cost by weight refund amount', { top: 5 }, signal);
  const paths = hits.map((hit) => hit.path);
  assert.ok(paths.includes('src/shipping.ts'), 'a committed file comes from the shared index');
  assert.equal(paths.filter((path) => path === 'src/refunds.ts').length, 1, 'the changed file once, from the local index');
  const shared = states.at(-1)!;
  assert.equal(shared.kind, 'shared');
  if (shared.kind === 'shared') assert.deepEqual([shared.identity, shared.commit, shared.localFiles], ['github.com/team/shop', at.commit, 1]);
  assert.ok(!JSON.stringify(states).includes(testPassword), 'the password is never in what the overlay reports');

  // The server goes: the local index answers alone, and the overlay says why.
  await server.stop();
  running = false;
  const alone = await search('shipping cost', { top: 5 }, signal);
  assert.deepEqual(alone.map((hit) => hit.path), ['src/refunds.ts', 'src/shipping.ts']);
  const last = states.at(-1)!;
  assert.equal(last.kind, 'unavailable');
  assert.ok(!JSON.stringify(last).includes(testPassword));
});

test('on a branch past the indexed commit, the shared index answers at that commit and this machine for everything changed since', async (t) => {
  const server = await startTestPostgres();
  t.after(() => server.stop());
  const root = mkdtempSync(join(tmpdir(), 'gw-overlay-branch-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('src/refunds.ts', 'export function refundAmount(order: number) {\n  return order * 0.5;\n}\n');
  write('src/shipping.ts', 'export function shippingCost(weight: number) {\n  return weight * 1.2;\n}\n');
  git(root, 'init', '-q');
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'on main, indexed by CI');
  const embedder = new CachingEmbedder(new LocalEmbedder());
  const options = { embedderId: embedder.id, dimensions: embedder.dimensions };
  const writer = await SharedIndex.open(server.url, options);
  const indexed = await repositoryAt(root);
  await indexCheckout(writer, embedder, { root, rootId: 'root', identity: indexed.identity, commit: indexed.commit }, {}, new AbortController().signal);
  await writer.close();
  // A commit of the user's own branch, and an untracked file: neither is in the shared index.
  write('src/refunds.ts', 'export function refundAmount(order: number) {\n  return order - restockingFee(order);\n}\n');
  git(root, 'commit', '-qam', 'a branch commit');
  write('src/fees.ts', 'export const restockingFee = (order: number) => order * 0.1;\n');

  const states: OverlayState[] = [];
  const asked: string[] = [];
  const local: IndexSearch = async () => [
    { path: 'src/fees.ts', startLine: 1, endLine: 1, score: 1 },
    { path: 'src/refunds.ts', startLine: 1, endLine: 3, score: 0.9 },
    { path: 'src/shipping.ts', startLine: 1, endLine: 3, score: 0.5 },
  ];
  const overlay = new SharedOverlay({ url: server.url, root, open: (url) => SharedIndex.open(url, options), embedder, onState: (state) => states.push(state), checkoutTtlMs: 0 });
  t.after(() => overlay.close());
  const hits = await overlay.search(async (query, top, signal) => {
    asked.push(query);
    return local(query, top, signal);
  })('refund shipping restocking', { top: 5 }, new AbortController().signal);
  const state = states.at(-1)!;
  assert.equal(state.kind, 'shared');
  if (state.kind === 'shared') assert.deepEqual([state.commit, state.localFiles], [indexed.commit, 2], 'the indexed commit, with the branch commit\'s file and the untracked one from this machine');
  assert.deepEqual(hits.map((hit) => hit.path).sort(), ['src/fees.ts', 'src/refunds.ts', 'src/shipping.ts']);
  assert.equal(hits.filter((hit) => hit.path === 'src/refunds.ts').length, 1, 'the stale shared copy of refunds.ts is left out');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptySkipCounts } from '../../../src/index/discovery.ts';
import type { IndexStatus } from '../../../src/index/workspaceIndex.ts';
import { describeIndexStatus, rebuildAskFiles, rebuildQuestion, renderIndexStatus } from '../../../src/status/indexStatusView.ts';

const base: IndexStatus = {
  state: 'idle',
  store: 'vectra',
  embedderId: 'local-hash-v1-256',
  files: 12,
  chunks: 40,
  skipped: [
    { root: 'app', path: '.env', reason: 'secret', detail: '.env file' },
    { root: 'app', path: 'logo.png', reason: 'binary', detail: 'binary content' },
  ],
  skippedCounts: { ...emptySkipCounts(), secret: 1, binary: 1 },
  repairedShards: [],
};

test('the index item reads building n/m, ready with counts, or error', () => {
  assert.equal(describeIndexStatus(undefined).text, '$(sync~spin) Index');
  assert.equal(describeIndexStatus({ ...base, state: 'indexing', progress: { phase: 'indexing', doneFiles: 3, totalFiles: 12 } }).text, '$(sync~spin) Indexing 3/12 files');
  const ready = describeIndexStatus(base);
  assert.equal(ready.text, '$(database) Indexed 12 files');
  assert.match(ready.tooltip, /40 chunks indexed; 2 skipped/);
  const failed = describeIndexStatus({ ...base, state: 'error', lastError: 'disk full' });
  assert.equal(failed.error, true);
  assert.match(failed.tooltip, /disk full/);
});

test('the status view lists each skipped file under its reason, escaped', () => {
  const html = renderIndexStatus({ ...base, skipped: [...base.skipped, { root: 'app', path: '<b>.key', reason: 'secret', detail: 'private key' }], skippedCounts: { ...base.skippedCounts, secret: 3 } });
  assert.match(html, /kept in the vectra store/);
  assert.match(html, /Secret files \(never read by any feature\): 3/);
  assert.match(html, /<td>app\/\.env<\/td><td>\.env file<\/td>/);
  assert.match(html, /and 1 more/);
  assert.match(html, /&#60;b&#62;\.key/);
  assert.doesNotMatch(html, /<b>\.key/);
});

test('the status view says how the index was loaded', () => {
  assert.match(renderIndexStatus({ ...base, load: { source: 'snapshot', shardsRead: 0, milliseconds: 420 } }), /Loaded in 0\.4 s from the snapshot\./);
  assert.match(renderIndexStatus({ ...base, load: { source: 'snapshot', shardsRead: 2, milliseconds: 1500 } }), /Loaded in 1\.5 s from the snapshot, and 2 shards saved after it\./);
  assert.match(renderIndexStatus({ ...base, load: { source: 'shards', shardsRead: 12, milliseconds: 3000 } }), /from 12 shards \(no usable snapshot yet\)/);
});

test('Rebuild Index asks first for a large index, or when every chunk would go to a paid embedder again', () => {
  assert.equal(rebuildQuestion(base, false), undefined);
  assert.match(rebuildQuestion({ ...base, files: rebuildAskFiles, chunks: 9000 }, false) ?? '', /^Rebuild the index of 2,000 files\?/);
  assert.match(rebuildQuestion(base, true) ?? '', /its 40 chunks sent to the embedding model again/);
  assert.equal(rebuildQuestion({ ...base, files: 0, chunks: 0 }, true), undefined);
});

test('the status view lists the page of skipped files it was given, not only the status\'s few', () => {
  const listed = Array.from({ length: 50 }, (_, i) => ({ root: 'app', path: `out/${i}.bin`, reason: 'binary' as const, detail: 'binary content' }));
  const html = renderIndexStatus({ ...base, skippedCounts: { ...base.skippedCounts, binary: 80 } }, listed);
  assert.match(html, /app\/out\/49\.bin/);
  assert.match(html, /and 30 more/);
});

test('with a shared index connected, the item and the Index Status view say which repository and commit it holds, or why it is not used', () => {
  const server = 'postgres://team:***@db.internal:5432/groundwork';
  const shared = { kind: 'shared', server, identity: 'github.com/team/shop', commit: '0123456789abcdef0123', localFiles: 2 } as const;
  const item = describeIndexStatus(base, shared);
  assert.equal(item.text, '$(database) Indexed 12 files + shared');
  assert.match(item.tooltip, /shared index \(postgres:\/\/team:\*\*\*@db\.internal:5432\/groundwork\): github\.com\/team\/shop at commit 0123456789ab, with 2 changed file\(s\) from this index/);
  assert.match(renderIndexStatus(base, base.skipped, shared), /github\.com\/team\/shop at commit 0123456789ab/);
  const down = renderIndexStatus(base, base.skipped, { kind: 'unavailable', server, message: 'Cannot reach the server <b>' });
  assert.match(down, /<p class="warning">The shared index .* cannot be used \(Cannot reach the server &#60;b&#62;\): searches use this index\.<\/p>/);
  assert.doesNotMatch(renderIndexStatus(base), /shared index/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeywordIndex } from '../../../src/index/keywordIndex.ts';
import { termCountsOf } from '../../../src/index/chunkStore.ts';

/** Textbook BM25 (k1 1.2, b 0.75) over the same documents, as the reference. */
function referenceBm25(docs: Map<number, Map<string, number>>, query: readonly string[], top: number): number[] {
  const lengths = new Map([...docs].map(([id, counts]) => [id, [...counts.values()].reduce((a, b) => a + b, 0)]));
  const average = [...lengths.values()].reduce((a, b) => a + b, 0) / docs.size;
  const scores = new Map<number, number>();
  for (const term of new Set(query)) {
    const df = [...docs.values()].filter((counts) => counts.has(term)).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (docs.size - df + 0.5) / (df + 0.5));
    for (const [id, counts] of docs) {
      const tf = counts.get(term);
      if (!tf) continue;
      const score = (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * lengths.get(id)!) / average));
      scores.set(id, (scores.get(id) ?? 0) + score);
    }
  }
  return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, top).map(([id]) => id);
}

function documentFor(id: number, generation: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let k = 0; k < 6; k++) {
    const term = `t${(id * 7 + k * 13 + generation) % 97}`;
    counts.set(term, (counts.get(term) ?? 0) + 1 + ((id + k) % 3));
  }
  return counts;
}

test('scores match textbook BM25, also after removals, compaction and re-added ids', () => {
  const index = new KeywordIndex();
  const docs = new Map<number, Map<string, number>>();
  const empty = new Map<string, number>();
  for (let id = 0; id < 3000; id++) {
    docs.set(id, documentFor(id, 0));
    index.add(id, termCountsOf(docs.get(id)!), empty);
  }
  // Removing 2000 crosses the compaction threshold; re-adding some ids reuses them with new content.
  for (let id = 0; id < 2000; id++) {
    index.remove(id);
    docs.delete(id);
  }
  for (let id = 0; id < 300; id += 3) {
    docs.set(id, documentFor(id, 5));
    index.add(id, termCountsOf(docs.get(id)!), empty);
  }
  assert.equal(index.size, docs.size);
  for (const query of [['t1'], ['t5', 't50'], ['t13', 't26', 't39', 'missing']]) {
    const got = index.search(query, 15).map((hit) => hit.id);
    assert.deepEqual(got, referenceBm25(docs, query, 15), query.join(' '));
  }
});

test('path and symbol terms are boosted over the same term in code', () => {
  const index = new KeywordIndex();
  index.add(1, termCountsOf(new Map([['parser', 1], ['other', 3]])), new Map());
  index.add(2, termCountsOf(new Map([['other', 1], ['more', 3]])), new Map([['parser', 1]]));
  assert.deepEqual(index.search(['parser'], 2).map((hit) => hit.id), [2, 1]);
  index.remove(2);
  assert.deepEqual(index.search(['parser'], 2).map((hit) => hit.id), [1]);
  assert.deepEqual(index.search([], 2), []);
});

test('a snapshot restores the same scores under new document numbers, and the restored index keeps working', async () => {
  const index = new KeywordIndex();
  const docs = new Map<number, Map<string, number>>();
  for (let id = 0; id < 500; id++) {
    docs.set(id, documentFor(id, 1));
    index.add(id, termCountsOf(docs.get(id)!), id % 5 === 0 ? new Map([['pathterm', 1]]) : new Map());
  }
  for (let id = 0; id < 500; id += 4) index.remove(id);
  // Number the living densely in reverse, as a caller renumbering slots would.
  const living = [...docs.keys()].filter((id) => id % 4 !== 0);
  const numberOf = new Map(living.map((id, i) => [id, living.length - 1 - i]));
  const numbers = new Int32Array(500).fill(-1);
  for (const [id, number] of numberOf) numbers[id] = number;
  // A zero slice pauses before every term, as a large index does every 20 ms.
  const restored = KeywordIndex.fromSnapshot(await index.snapshot(numbers, 0), living.length);
  assert.equal(restored.size, living.length);
  for (const query of [['t1'], ['t5', 't50'], ['pathterm', 't13']]) {
    // Every match, not a top k: ties at a cut-off break by id, and the ids were renumbered.
    const before = index.search(query, 1000).map((hit) => ({ id: numberOf.get(hit.id)!, score: hit.score }));
    const after = restored.search(query, 1000);
    assert.ok(after.length > 10);
    assert.deepEqual(
      after.map((hit) => [hit.id, hit.score.toFixed(9)]).sort(),
      before.map((hit) => [hit.id, hit.score.toFixed(9)]).sort(),
      query.join(' '),
    );
  }
  // Removal and addition after a restore: the posting lists are views into the snapshot's array.
  const removed = numberOf.get(1)!;
  restored.remove(removed);
  assert.ok(!restored.search(['t7', 't20', 't33'], 500).some((hit) => hit.id === removed));
  restored.add(10_000, termCountsOf(new Map([['t1', 40]])), new Map());
  assert.equal(restored.search(['t1'], 1)[0].id, 10_000);
});

test('a snapshot that does not add up is refused', async () => {
  const index = new KeywordIndex();
  index.add(0, termCountsOf(new Map([['a', 1], ['b', 2]])), new Map());
  const good = await index.snapshot(Int32Array.of(0));
  assert.throws(() => KeywordIndex.fromSnapshot(good, 0), /bad posting/);
  assert.throws(() => KeywordIndex.fromSnapshot({ ...good, starts: good.starts.slice(1) }, 1), /bad term offsets/);
  assert.throws(() => KeywordIndex.fromSnapshot({ ...good, terms: ['a', 'a'] }, 1), /twice/);
  assert.equal(KeywordIndex.fromSnapshot(good, 1).search(['b'], 1)[0].id, 0);
});

test('whole-file search scores a file as one document: the textbook BM25 of its chunks summed, not a sum over its chunks', () => {
  const index = new KeywordIndex();
  // File 0: a long changelog, 12 chunks each mentioning "timeout" once among other words.
  // File 1: the source, one chunk that says "timeout" three times and names what it does.
  const chunks: [number, number, Map<string, number>][] = [];
  for (let i = 0; i < 12; i++) chunks.push([i, 0, new Map([['timeout', 1], [`release${i}`, 3], ['fixed', 2], ['version', 2]])]);
  chunks.push([12, 1, new Map([['timeout', 3], ['request', 2], ['reject', 1]])]);
  chunks.push([13, 2, new Map([['request', 1], ['retry', 4]])]);
  for (const [slot, , counts] of chunks) index.add(slot, termCountsOf(counts), new Map());
  const groupOf = Int32Array.from(chunks.map(([, file]) => file));
  const files = new Map<number, Map<string, number>>();
  for (const [, file, counts] of chunks) {
    const sum = files.get(file) ?? new Map<string, number>();
    for (const [term, count] of counts) sum.set(term, (sum.get(term) ?? 0) + count);
    files.set(file, sum);
  }
  const query = ['timeout', 'request'];
  assert.deepEqual(index.searchGroups(query, groupOf, 3, 3).map((hit) => hit.id), referenceBm25(files, query, 3));
  assert.equal(index.searchGroups(query, groupOf, 3, 3)[0].id, 1, 'the short source file, not the long changelog');
  // Chunk by chunk, the changelog's twelve matches are twelve hits.
  assert.equal(index.search(['timeout'], 20).filter((hit) => hit.id < 12).length, 12);
  // A term's weight scales its contribution.
  const weighted = index.searchGroups(['retry', 'timeout'], groupOf, 3, 3, new Map([['timeout', 10]]));
  assert.equal(weighted[0].id, 1);
});

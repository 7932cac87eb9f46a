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

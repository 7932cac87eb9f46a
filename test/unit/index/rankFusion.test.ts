import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileScores, reciprocalRankFusion, scoreFusion } from '../../../src/index/rankFusion.ts';

test('reciprocalRankFusion puts an item both lists hold above one list alone', () => {
  const fused = reciprocalRankFusion([{ retriever: 'vector', ids: [1, 2] }, { retriever: 'keyword', ids: [3, 2] }]);
  assert.equal(fused[0].id, 2);
  assert.deepEqual(fused[0].retrievers, ['vector', 'keyword']);
});

test('scoreFusion keeps a clear keyword winner on top, where rank fusion ties it', () => {
  const lists = [
    { retriever: 'keyword' as const, items: [{ id: 1, score: 20 }, { id: 2, score: 2 }] },
    { retriever: 'vector' as const, items: [{ id: 2, score: 0.5 }, { id: 1, score: 0.45 }] },
  ];
  assert.equal(reciprocalRankFusion(lists.map((list) => ({ retriever: list.retriever, ids: list.items.map((item) => item.id) })))[0].score, reciprocalRankFusion(lists.map((list) => ({ retriever: list.retriever, ids: list.items.map((item) => item.id) })))[1].score);
  const fused = scoreFusion(lists);
  assert.deepEqual(fused.map((item) => item.id), [1, 2]);
  assert.ok(Math.abs(fused[0].score - (1 + 0.9)) < 1e-9);
});

test('scoreFusion weights each retriever', () => {
  const lists = [
    { retriever: 'keyword' as const, items: [{ id: 1, score: 4 }, { id: 2, score: 3 }] },
    { retriever: 'vector' as const, items: [{ id: 2, score: 0.9 }, { id: 1, score: 0.3 }] },
  ];
  assert.equal(scoreFusion(lists, { vector: 1 })[0].id, 2);
  assert.equal(scoreFusion(lists, { vector: 0.2 })[0].id, 1);
});

test('fileScores sums chunks per file with decaying weights and drops unknown files', () => {
  const fileOf = (id: number) => (id === 9 ? undefined : Math.floor(id / 10));
  const files = fileScores([{ id: 10, score: 4 }, { id: 20, score: 3 }, { id: 11, score: 2 }, { id: 9, score: 9 }, { id: 12, score: 2 }], fileOf);
  assert.deepEqual(files, [{ id: 1, score: 4 + 1 + 0.5 }, { id: 2, score: 3 }]);
});

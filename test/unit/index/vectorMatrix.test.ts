import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { SimdMatrix, simdKernelBase64 } from '../../../src/index/simdDot.ts';
import { VectorMatrix, type VectorHit, type VectorIndex } from '../../../src/index/vectorMatrix.ts';

/** The contract every VectorIndex meets, with the scan in WebAssembly SIMD and in JavaScript. */
const stores: Record<string, (dimensions: number) => VectorIndex> = {
  'matrix, SIMD scan': (dimensions) => new VectorMatrix(dimensions, { initialCapacity: 4 }),
  'matrix, JavaScript scan': (dimensions) => new VectorMatrix(dimensions, { initialCapacity: 4, simd: false }),
};

test('the SIMD kernel is the compiled simdDot.wat, and this Node runs it', async () => {
  const wabt = await wabtInit();
  const source = readFileSync(join(import.meta.dirname, '../../../src/index/simdDot.wat'), 'utf8');
  const compiled = wabt.parseWat('simdDot.wat', source, { simd: true }).toBinary({}).buffer;
  assert.equal(Buffer.from(compiled).toString('base64'), simdKernelBase64);
  assert.ok(SimdMatrix.create(16, 4), 'WebAssembly SIMD is available');
  assert.equal(SimdMatrix.create(6, 4), undefined, 'a width that is not a multiple of 4 falls back to JavaScript');
});

test('SIMD scores match the plain dot product, before and after the matrix grows', () => {
  const simd = SimdMatrix.create(12, 2)!;
  const rows = Array.from({ length: 50 }, (_, i) => randomUnit(12, i + 7));
  rows.slice(0, 2).forEach((row, i) => simd.rows.set(row, i * 12));
  simd.resize(64);
  rows.forEach((row, i) => simd.rows.set(row, i * 12));
  const query = randomUnit(12, 500);
  const scores = simd.scores(query, rows.length);
  rows.forEach((row, i) => assert.ok(Math.abs(scores[i] - row.reduce((sum, value, d) => sum + value * query[d], 0)) < 1e-6, `row ${i}`));
});

function randomUnit(dimensions: number, seed: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let state = seed * 2654435761;
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    vector[i] = state / 2 ** 32 - 0.5;
    norm += vector[i] * vector[i];
  }
  for (let i = 0; i < dimensions; i++) vector[i] /= Math.sqrt(norm);
  return vector;
}

function exactTop(vectors: Map<number, Float32Array>, query: Float32Array, top: number): VectorHit[] {
  return [...vectors]
    .map(([id, vector]) => ({ id, score: vector.reduce((sum, value, i) => sum + value * query[i], 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, top);
}

for (const [name, create] of Object.entries(stores)) {
  test(`${name}: search returns the exact nearest vectors, best first`, () => {
    const store = create(16);
    const reference = new Map<number, Float32Array>();
    for (let i = 0; i < 300; i++) {
      const vector = randomUnit(16, i + 1);
      reference.set(store.add(vector), vector);
    }
    for (let q = 0; q < 5; q++) {
      const query = randomUnit(16, 1000 + q);
      const got = store.search(query, 7);
      const want = exactTop(reference, query, 7);
      assert.deepEqual(got.map((hit) => hit.id), want.map((hit) => hit.id));
      for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i].score - want[i].score) < 1e-5);
    }
  });

  test(`${name}: removed vectors are never returned and their ids are reused`, () => {
    const store = create(8);
    const ids = Array.from({ length: 10 }, (_, i) => store.add(randomUnit(8, i + 1)));
    const target = randomUnit(8, 3);
    assert.equal(store.search(target, 1)[0].id, ids[2]);
    store.remove(ids[2]);
    store.remove(ids[2]);
    assert.equal(store.size, 9);
    assert.ok(!store.search(target, 10).some((hit) => hit.id === ids[2]));
    assert.equal(store.get(ids[2]), undefined);
    const reused = store.add(randomUnit(8, 99));
    assert.equal(reused, ids[2]);
    assert.deepEqual(store.get(reused), randomUnit(8, 99));
    assert.equal(store.search(target, 100).length, 10);
  });

  test(`${name}: a vector of the wrong size is refused`, () => {
    assert.throws(() => create(8).add(new Float32Array(4)), /4 dimensions, expected 8/);
  });
}

test('the coarse pass of a large store keeps nearly all of the exact top hits', () => {
  const dimensions = 64;
  const exact = new VectorMatrix(dimensions);
  const coarse = new VectorMatrix(dimensions, { coarseFrom: 1, coarseDimensions: 16, coarseCandidates: 200 });
  // Clustered data, as embeddings are: a few hundred centres with noise around them.
  const centres = Array.from({ length: 200 }, (_, i) => randomUnit(dimensions, 5000 + i));
  for (let i = 0; i < 4000; i++) {
    const noise = randomUnit(dimensions, i + 1);
    const vector = centres[i % centres.length].map((value, d) => value + 0.5 * noise[d]);
    const norm = Math.hypot(...vector);
    const unit = vector.map((value) => value / norm);
    exact.add(unit);
    coarse.add(unit);
  }
  let found = 0;
  for (let q = 0; q < 20; q++) {
    const query = centres[(q * 7) % centres.length];
    const want = new Set(exact.search(query, 10).map((hit) => hit.id));
    found += coarse.search(query, 10).filter((hit) => want.has(hit.id)).length;
  }
  assert.ok(found / 200 >= 0.9, `recall@10 of the coarse pass ${found / 200}`);
});

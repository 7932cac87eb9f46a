import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costUsd, estimatedPrices, priceFor, resolvePrice } from '../../../src/llm/prices.ts';

test('cost is tokens times the per-million price, input and output apart', () => {
  assert.equal(costUsd(1_000_000, 0, { input: 0.15, output: 0.6 }), 0.15);
  assert.equal(costUsd(2_000, 500, { input: 2.5, output: 10 }), (2_000 * 2.5 + 500 * 10) / 1_000_000);
  assert.equal(costUsd(0, 0, { input: 3, output: 15 }), 0);
});

test('an unknown price is null, not zero', () => {
  assert.equal(priceFor('ollama/qwen2.5-coder'), undefined);
  assert.equal(costUsd(100, 100, priceFor('ollama/qwen2.5-coder')), null);
});

test('built-in prices match dated snapshots by family, the longest prefix winning', () => {
  assert.deepEqual(priceFor('openai/gpt-4o-mini'), { input: 0.15, output: 0.6 });
  assert.deepEqual(priceFor('openai/gpt-4o-2024-08-06'), { input: 2.5, output: 10 });
  assert.deepEqual(priceFor('anthropic/claude-sonnet-4-5-20250929'), { input: 3, output: 15 });
  assert.deepEqual(priceFor('anthropic/claude-opus-4-20250514'), { input: 15, output: 75 });
  assert.deepEqual(priceFor('anthropic/claude-opus-4-5'), { input: 5, output: 25 });
  assert.deepEqual(priceFor('openai/text-embedding-3-small'), { input: 0.02, output: 0 });
  // A different model that merely shares letters is not priced as the family.
  assert.equal(priceFor('openai/gpt-4oops'), undefined);
});

test('the prices setting overrides the built-in table and prices unknown models', () => {
  const overrides = { 'openai/gpt-4o': { input: 1, output: 2 }, 'ollama/qwen': { input: 0, output: 0 } };
  assert.deepEqual(priceFor('openai/gpt-4o', overrides), { input: 1, output: 2 });
  assert.equal(costUsd(1000, 1000, priceFor('ollama/qwen', overrides)), 0);
  assert.deepEqual(priceFor('openai/gpt-4o-mini', overrides), { input: 0.15, output: 0.6 });
});

test('every model resolves to a price: the setting, the table, zero on a local endpoint, else the conservative estimate', () => {
  assert.deepEqual(resolvePrice('openai/gpt-4o', { overrides: { 'openai/gpt-4o': { input: 1, output: 2 } } }), { price: { input: 1, output: 2 }, source: 'setting' });
  assert.deepEqual(resolvePrice('openai/gpt-4o-mini'), { price: { input: 0.15, output: 0.6 }, source: 'table' });
  assert.deepEqual(resolvePrice('ollama/qwen2.5-coder', { local: true }), { price: { input: 0, output: 0 }, source: 'local' });
  // An Azure deployment and a Claude model newer than the table are not free.
  assert.deepEqual(resolvePrice('azure/my-gpt-deployment'), { price: estimatedPrices.text, source: 'estimated' });
  assert.deepEqual(resolvePrice('anthropic/claude-sonnet-9'), { price: estimatedPrices.text, source: 'estimated' });
  assert.deepEqual(resolvePrice('azure/embedder', { embedding: true }), { price: estimatedPrices.embedding, source: 'estimated' });
  assert.deepEqual(estimatedPrices.text, { input: 15, output: 75 }, 'the dearest chat model in the table (Claude Opus 4)');
  assert.deepEqual(estimatedPrices.embedding, { input: 0.13, output: 0 });
});

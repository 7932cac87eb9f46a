import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeTermCounts, queryTerms, splitIdentifier } from '../../../src/index/codeTokens.ts';
import { termCountsOf } from '../../../src/index/chunkStore.ts';
import { CachingEmbedder, type Embedder } from '../../../src/index/embedder.ts';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';

const signal = new AbortController().signal;
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
};

test('identifiers split on camelCase, acronyms, digits and snake_case', () => {
  assert.deepEqual(splitIdentifier('parseHTTPResponse2'), ['parse', 'http', 'response']);
  assert.deepEqual(splitIdentifier('MAX_RETRY_COUNT'), ['max', 'retry', 'count']);
  assert.deepEqual(queryTerms('getUserById'), ['get', 'user', 'id', 'getuserbyid']);
  assert.deepEqual(queryTerms('parse parsed parsing parses'), ['pars']);
  assert.deepEqual(queryTerms('where are files parsed?'), ['file', 'pars']);
});

test('term counts become dictionary pairs for storage', () => {
  const counts = codeTermCounts('fooBar(foo); foo = bar');
  assert.equal(counts.get('foo'), 3);
  const { dictionary, pairs } = termCountsOf(counts);
  const back = new Map<string, number>();
  for (let i = 0; i < pairs.length; i += 2) back.set(dictionary[pairs[i]], pairs[i + 1]);
  assert.deepEqual(back, counts);
});

test('the local embedder gives unit vectors that put related code closer than unrelated code', async () => {
  const embedder = new LocalEmbedder();
  const [parser, parse, render] = await embedder.embed(
    ['function parseConfigFile(path) { return JSON.parse(readFile(path)) }', 'parse the config file', 'drawButtonBorder(ctx, color, width)'],
    signal,
  );
  assert.equal(parser.length, 256);
  assert.ok(Math.abs(dot(parser, parser) - 1) < 1e-6);
  assert.ok(dot(parser, parse) > dot(render, parse) + 0.2, `${dot(parser, parse)} vs ${dot(render, parse)}`);
  assert.deepEqual(embedder.embedOne('same text'), embedder.embedOne('same text'));
  assert.equal(embedder.id, 'local-hash-v1-256');
});

test('the caching embedder batches, and never embeds the same text twice', async () => {
  const calls: number[] = [];
  const inner: Embedder = {
    id: 'fake',
    dimensions: 2,
    maxBatchSize: 3,
    embed: async (texts) => {
      calls.push(texts.length);
      return texts.map((text) => [text.length, 1]);
    },
  };
  const embedder = new CachingEmbedder(inner);
  const items = Array.from({ length: 7 }, (_, i) => ({ text: 'x'.repeat(i + 1) }));
  const first = await embedder.embed(items, signal);
  assert.deepEqual(calls, [3, 3, 1]);
  assert.ok(Math.abs(dot(first[2], first[2]) - 1) < 1e-6);
  const again = await embedder.embed([...items.slice(0, 3), { text: 'y' }], signal);
  assert.deepEqual(calls, [3, 3, 1, 1]);
  assert.deepEqual(again[0], first[0]);
  assert.equal(embedder.embeddedCount, 8);
});

test('a wrong vector size from the embedder is an error, not a silent corruption', async () => {
  const embedder = new CachingEmbedder({ id: 'bad', dimensions: 4, embed: async (texts) => texts.map(() => [1, 2]) });
  await assert.rejects(embedder.embed([{ text: 'a' }], signal), /2 dimensions, expected 4/);
});

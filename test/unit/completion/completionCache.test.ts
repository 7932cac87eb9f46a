import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompletionCache } from '../../../src/completion/completionCache.ts';

test('an exact hit needs the same path, prefix tail and suffix head', () => {
  const cache = new CompletionCache();
  cache.set('a.ts', 'const x = ', ';\n', '42');
  assert.deepEqual(cache.lookup('a.ts', 'const x = ', ';\n'), { text: '42', typedAhead: 0 });
  assert.equal(cache.lookup('b.ts', 'const x = ', ';\n'), undefined);
  assert.equal(cache.lookup('a.ts', 'const x = ', ')\n'), undefined);
  assert.equal(cache.lookup('a.ts', 'let x = ', ';\n'), undefined);
});

test('only the prefix tail is keyed: a change far above the cursor still hits', () => {
  const cache = new CompletionCache({ prefixChars: 20 });
  cache.set('a.ts', 'import a;\n'.repeat(10) + 'const x = ', '', '42');
  assert.equal(cache.lookup('a.ts', 'import b;\n' + 'import a;\n'.repeat(9) + 'const x = ', '')?.text, '42');
});

test('typed-ahead: characters the suggestion begins with serve the rest, across lines too', () => {
  const cache = new CompletionCache();
  cache.set('a.ts', 'function f() {', '\n}', '\n  return 1;');
  assert.deepEqual(cache.lookup('a.ts', 'function f() {\n  ret', '\n}'), { text: 'urn 1;', typedAhead: 6 });
  assert.deepEqual(cache.lookup('a.ts', 'function f() {\n  return 1', '\n}'), { text: ';', typedAhead: 11 });
});

test('typed-ahead: a character that differs from the suggestion misses', () => {
  const cache = new CompletionCache();
  cache.set('a.ts', 'x = ', '', 'compute()');
  assert.equal(cache.lookup('a.ts', 'x = cal', ''), undefined);
  // Typing the whole suggestion leaves nothing to show.
  assert.equal(cache.lookup('a.ts', 'x = compute()', ''), undefined);
});

test('the least recently used entry is evicted first', () => {
  const cache = new CompletionCache({ capacity: 2 });
  cache.set('a.ts', '1', '', 'one');
  cache.set('a.ts', '2', '', 'two');
  assert.equal(cache.lookup('a.ts', '1', '')?.text, 'one');
  cache.set('a.ts', '3', '', 'three');
  assert.equal(cache.size, 2);
  assert.equal(cache.lookup('a.ts', '2', ''), undefined);
  assert.equal(cache.lookup('a.ts', '1', '')?.text, 'one');
  assert.equal(cache.lookup('a.ts', '3', '')?.text, 'three');
});

test('with typed-ahead off (maxTypeAhead 0) only exact places hit', () => {
  const cache = new CompletionCache({ maxTypeAhead: 0 });
  cache.set('a.ts', 'x = ', '', 'compute()');
  assert.deepEqual(cache.lookup('a.ts', 'x = ', ''), { text: 'compute()', typedAhead: 0 });
  assert.equal(cache.lookup('a.ts', 'x = com', ''), undefined);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractMentions, fileMentionText, formatCost, formatTokens, mentionAtCursor, modelLabel } from '../../../src/webview/composerText.ts';

test('extracts each mention once, in order', () => {
  assert.deepEqual(extractMentions('@codebase why does @file:src/a.ts call @file:"my dir/b.ts"? @problems @codebase me@example.com'), [
    { kind: 'codebase' },
    { kind: 'file', path: 'src/a.ts' },
    { kind: 'file', path: 'my dir/b.ts' },
    { kind: 'problems' },
  ]);
  assert.deepEqual(extractMentions('no mentions, just user@host'), []);
});

test('file mentions round-trip through the composer text', () => {
  for (const path of ['src/a.ts', 'my dir/b c.ts']) assert.deepEqual(extractMentions(`look at ${fileMentionText(path)} please`), [{ kind: 'file', path }]);
});

test('finds the @word being typed at the cursor', () => {
  assert.deepEqual(mentionAtCursor('why @co', 7), { start: 4, query: 'co' });
  assert.deepEqual(mentionAtCursor('@', 1), { start: 0, query: '' });
  assert.deepEqual(mentionAtCursor('see @file:src/a', 15), { start: 4, query: 'file:src/a' });
  assert.equal(mentionAtCursor('mail me@host', 12), undefined);
  assert.equal(mentionAtCursor('@codebase done', 14), undefined);
});

test('formats cost, tokens and model labels', () => {
  assert.equal(formatCost(null), 'cost unknown');
  assert.equal(formatCost(0.00046), '$0.0005');
  assert.equal(formatCost(1.234), '$1.23');
  assert.equal(formatTokens(950), '950');
  assert.equal(formatTokens(12_345), '12.3k');
  assert.equal(modelLabel({ name: 'openai/gpt-4o', tier: 'chat', price: { input: 2.5, output: 10 } }), 'openai/gpt-4o (chat, $2.5/$10 per 1M tokens)');
  assert.equal(modelLabel({ name: 'local/x', tier: 'fast' }), 'local/x (fast, price unknown)');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown } from '../../../src/webview/markdown.ts';
import { type OpenTail, StreamingSplit } from '../../../src/webview/streamingSplit.ts';

const answer = [
  '# Totals',
  '',
  'The invoice **sums** each row,',
  'then adds tax.',
  '',
  '- one',
  '- two',
  '',
  '```ts src/a.ts',
  'const a = 1;',
  '```',
  '',
  'After the code.',
  '',
  '~~~',
  'plain',
  '~~~',
  'Last paragraph.',
].join('\n');

/** Streams `text` in pieces of `size` characters; the blocks handed out and the last tail. */
function stream(text: string, size: number): { blocks: string[]; tail: OpenTail } {
  const split = new StreamingSplit();
  const blocks: string[] = [];
  let tail: OpenTail = { kind: 'markdown', text: '' };
  for (let start = 0; start < text.length; start += size) {
    const step = split.append(text.slice(start, start + size));
    blocks.push(...step.blocks);
    tail = step.tail;
  }
  return { blocks, tail };
}

const normalize = (html: string) => html.replace(/data-code-index="\d+"/g, 'data-code-index=""');

for (const size of [1, 3, 17, 1000]) {
  test(`streamed in pieces of ${size}, the blocks and tail are the answer and render as the whole does`, () => {
    const { blocks, tail } = stream(answer, size);
    assert.equal(tail.kind, 'markdown');
    assert.equal(blocks.join('') + (tail.kind === 'markdown' ? tail.text : ''), answer);
    if (size < 100) assert.ok(blocks.length >= 6, 'completed blocks are handed out while the answer streams');
    const pieces = [...blocks, tail.kind === 'markdown' ? tail.text : ''].map((block) => renderMarkdown(block).html).join('');
    assert.equal(normalize(pieces), normalize(renderMarkdown(answer).html));
  });
}

test('an open code fence is the tail, with its code so far, until its closing line arrives', () => {
  const split = new StreamingSplit();
  assert.deepEqual(split.append('Intro.\n\n```py\nx = 1\ny').tail, { kind: 'code', info: 'py', code: 'x = 1\ny' });
  // A line of backticks that may still grow (```py) does not close the fence yet.
  assert.deepEqual(split.append(' = 2\n```').tail, { kind: 'code', info: 'py', code: 'x = 1\ny = 2\n```' });
  const closed = split.append('\nAfter');
  assert.deepEqual(closed.blocks, ['```py\nx = 1\ny = 2\n```\n']);
  assert.deepEqual(closed.tail, { kind: 'markdown', text: 'After' });
});

test('a 20,000-line code fence streams as one open tail and closes as one block', () => {
  const lines = Array.from({ length: 20_000 }, (_, n) => `row(${n});`);
  const text = `\`\`\`js\n${lines.join('\n')}\n\`\`\`\n\nDone.`;
  const { blocks, tail } = stream(text, 4096);
  assert.equal(blocks[0], text.slice(0, text.indexOf('\n\nDone.') + 1));
  assert.equal(blocks.join('') + (tail.kind === 'markdown' ? tail.text : ''), text);
  assert.deepEqual(tail, { kind: 'markdown', text: 'Done.' });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, highlightCode, languageFamily, tokenize } from '../../../src/webview/highlight.ts';

const kinds = (code: string, language: string) => tokenize(code, language).filter((t) => t.kind !== 'plain').map((t) => [t.kind, t.text]);

test('tokens concatenate back to the code exactly', () => {
  const samples: Array<[string, string]> = [
    ['const s = `a ${b}`; // done\n/* block */ let n = 0x1f;', 'ts'],
    ['def f(x):\n    """doc"""\n    return x # c', 'python'],
    ['fn main() { let s = "q\\"x"; }', 'rust'],
    ['echo "$HOME" # hi', 'bash'],
    ['{"a": [1, true, null]}', 'json'],
    ['unterminated "string', 'go'],
  ];
  for (const [code, language] of samples) assert.equal(tokenize(code, language).map((t) => t.text).join(''), code, language);
});

test('classifies keywords, strings, comments, numbers and calls', () => {
  assert.deepEqual(kinds('const x = f("a", 42); // note', 'typescript'), [
    ['keyword', 'const'],
    ['function', 'f'],
    ['string', '"a"'],
    ['number', '42'],
    ['comment', '// note'],
  ]);
  assert.deepEqual(kinds("if x is None: return 'y'", 'py'), [
    ['keyword', 'if'],
    ['keyword', 'is'],
    ['literal', 'None'],
    ['keyword', 'return'],
    ['string', "'y'"],
  ]);
});

test('numbers inside identifiers are not numbers', () => {
  assert.deepEqual(kinds('value2 = 3', 'python'), [['number', '3']]);
});

test('unknown languages are escaped but not classified', () => {
  assert.equal(languageFamily('brainfuck'), undefined);
  assert.equal(highlightCode('<a & b>', 'brainfuck'), '&lt;a &amp; b&gt;');
});

test('highlighted HTML escapes everything inside the spans', () => {
  const html = highlightCode('x = "</span><script>"', 'js');
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /<span class="tok-string">&quot;&lt;\/span&gt;&lt;script&gt;&quot;<\/span>/);
  assert.equal(escapeHtml(`'"&<>`), '&#39;&quot;&amp;&lt;&gt;');
});

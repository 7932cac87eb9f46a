import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown } from '../../../src/webview/markdown.ts';

const citation = { text: 'src/auth.ts:3-5', path: 'src/auth.ts', startLine: 3, endLine: 5 };

test('raw HTML from the model is shown as text, never as markup', () => {
  const { html } = renderMarkdown('Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick="x()">block</div>');
  assert.doesNotMatch(html, /<script|<img|<div onclick/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /&lt;div onclick=&quot;x\(\)&quot;&gt;block&lt;\/div&gt;/);
});

test('model links and images are not clickable; javascript: URLs go nowhere', () => {
  const { html } = renderMarkdown('[docs](https://evil.example) [x](javascript:alert(1)) ![pic](https://t.example/p.png) <https://auto.example>');
  assert.doesNotMatch(html, /<a |<img/);
  assert.match(html, /docs \(https:\/\/evil\.example\)/);
  assert.match(html, /pic/);
});

test('verified citations become links, in text and in inline code; others stay text', () => {
  const { html } = renderMarkdown('See src/auth.ts:3-5, `src/auth.ts:3-5` and src/other.ts:9.', [citation]);
  const links = html.match(/<a [^>]*class="citation"[^>]*>/g) ?? [];
  assert.equal(links.length, 2);
  assert.match(links[0]!, /data-path="src\/auth\.ts" data-line="3" data-end-line="5"/);
  assert.match(html, /<a [^>]*>src\/auth\.ts:3-5<\/a>/);
  assert.match(html, /<a [^>]*><code>src\/auth\.ts:3-5<\/code><\/a>/);
  assert.doesNotMatch(html, /data-path="src\/other\.ts"/);
});

test('a citation is not linked inside a longer path or number', () => {
  const { html } = renderMarkdown('lib/src/auth.ts:3-5 and src/auth.ts:3-55', [citation]);
  assert.doesNotMatch(html, /class="citation"/);
});

test('code blocks are highlighted, escaped and get Copy, Insert and Apply buttons', () => {
  const { html, codeBlocks } = renderMarkdown('```ts src/auth.ts\nconst a = "<b>";\n```\n\n```\nplain\n```');
  assert.deepEqual(codeBlocks, [
    { code: 'const a = "<b>";', language: 'ts', path: 'src/auth.ts' },
    { code: 'plain', language: '', path: null },
  ]);
  assert.match(html, /<span class="tok-keyword">const<\/span>/);
  assert.match(html, /<span class="tok-string">&quot;&lt;b&gt;&quot;<\/span>/);
  for (const label of ['Copy', 'Insert at Cursor', 'Apply to File']) assert.equal(html.split(`>${label}</button>`).length - 1, 2, label);
  assert.match(html, /data-action="apply" data-code-index="1"/);
});

test('a fence path that climbs out of the workspace is ignored', () => {
  assert.equal(renderMarkdown('```ts ../../etc/passwd.ts\nx\n```').codeBlocks[0]!.path, null);
});

test('an unfinished stream renders without throwing', () => {
  const { html, codeBlocks } = renderMarkdown('Here:\n```python\ndef f(');
  assert.equal(codeBlocks.length, 1);
  assert.match(html, /tok-keyword">def</);
});

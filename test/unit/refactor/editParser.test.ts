import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEditReply, pathFromLine, resolvePath } from '../../../src/refactor/editParser.ts';
import { placeEdits } from '../../../src/refactor/editPlacement.ts';

const known = ['src/app.ts', 'src/util/math.ts', 'README.md'];

test('reads a clean reply with prose before, between and after the blocks', () => {
  const reply = `I'll make \`sum\` accept readonly arrays and start from zero.

src/util/math.ts
<<<<<<< SEARCH
export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b);
}
=======
export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
>>>>>>> REPLACE

Then update the caller:

src/app.ts
<<<<<<< SEARCH
const total = sum(items);
=======
const total = sum(items.map((item) => item.price));
>>>>>>> REPLACE

This keeps the public API unchanged.`;
  const parsed = parseEditReply(reply, { knownPaths: known });
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.files, [
    {
      kind: 'blocks',
      path: 'src/util/math.ts',
      blocks: [
        {
          search: 'export function sum(values: number[]): number {\n  return values.reduce((a, b) => a + b);\n}\n',
          replace: 'export function sum(values: readonly number[]): number {\n  return values.reduce((a, b) => a + b, 0);\n}\n',
        },
      ],
    },
    { kind: 'blocks', path: 'src/app.ts', blocks: [{ search: 'const total = sum(items);\n', replace: 'const total = sum(items.map((item) => item.price));\n' }] },
  ]);
});

test('blocks inside markdown fences, with the path above the fence or in its info string', () => {
  const reply = [
    'Here are the changes.',
    '',
    '**`./src/app.ts`**',
    '```typescript',
    '<<<<<<< SEARCH',
    'let a = 1;',
    '=======',
    'const a = 1;',
    '>>>>>>> REPLACE',
    '```',
    '',
    '```ts src/util/math.ts',
    '<<<<<<< SEARCH',
    'let b = 2;',
    '=======',
    'const b = 2;',
    '>>>>>>> REPLACE',
    '```',
    '### File: README.md',
    '```diff',
    '<<<<<<< SEARCH',
    '# Title',
    '=======',
    '# Better title',
    '>>>>>>> REPLACE',
    '```',
  ].join('\n');
  const parsed = parseEditReply(reply, { knownPaths: known });
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(
    parsed.files.map((file) => [file.path, file.kind === 'blocks' ? file.blocks.map((block) => block.replace) : []]),
    [
      ['src/app.ts', ['const a = 1;\n']],
      ['src/util/math.ts', ['const b = 2;\n']],
      ['README.md', ['# Better title\n']],
    ],
  );
});

test('CRLF replies, 6 and 8 character markers, trailing whitespace and no final newline', () => {
  const reply = 'src/app.ts  \r\n<<<<<< SEARCH   \r\n\tfoo();\r\n========  \r\n\tbar();\r\n>>>>>>>> REPLACE';
  const parsed = parseEditReply(reply, { knownPaths: known });
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.files, [{ kind: 'blocks', path: 'src/app.ts', blocks: [{ search: '\tfoo();\n', replace: '\tbar();\n' }] }]);
});

test('several blocks under one path line; pathless blocks take the previous path or the default', () => {
  const reply = `src/app.ts
<<<<<<< SEARCH
one
=======
1
>>>>>>> REPLACE
<<<<<<< SEARCH
two
=======
2
>>>>>>> REPLACE`;
  const parsed = parseEditReply(reply);
  assert.equal(parsed.files.length, 1);
  assert.equal(parsed.files[0]!.kind === 'blocks' && parsed.files[0]!.blocks.length, 2);

  const bare = parseEditReply('<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n', { defaultPath: 'src/app.ts' });
  assert.deepEqual(bare.problems, []);
  assert.equal(bare.files[0]!.path, 'src/app.ts');
});

test('the same path written twice merges its blocks in order', () => {
  const reply = 'src/app.ts\n<<<<<<< SEARCH\na\n=======\nA\n>>>>>>> REPLACE\nsrc/util/math.ts\n<<<<<<< SEARCH\nm\n=======\nM\n>>>>>>> REPLACE\n`src/app.ts`\n<<<<<<< SEARCH\nb\n=======\nB\n>>>>>>> REPLACE\n';
  const parsed = parseEditReply(reply, { knownPaths: known });
  const app = parsed.files.find((file) => file.path === 'src/app.ts');
  assert.ok(app?.kind === 'blocks');
  assert.deepEqual(app.blocks.map((block) => block.replace), ['A\n', 'B\n']);
});

test('an empty REPLACE deletes and an empty SEARCH creates', () => {
  const parsed = parseEditReply('src/new.ts\n<<<<<<< SEARCH\n=======\nexport const x = 1;\n>>>>>>> REPLACE\nsrc/app.ts\n<<<<<<< SEARCH\ndead();\n=======\n>>>>>>> REPLACE\n');
  assert.deepEqual(parsed.files, [
    { kind: 'blocks', path: 'src/new.ts', blocks: [{ search: '', replace: 'export const x = 1;\n' }] },
    { kind: 'blocks', path: 'src/app.ts', blocks: [{ search: 'dead();\n', replace: '' }] },
  ]);
});

test('fences inside both halves of a block are not file content', () => {
  const reply = 'src/app.ts\n<<<<<<< SEARCH\n```ts\nold();\n```\n=======\n```ts\nnew();\n```\n>>>>>>> REPLACE\n';
  const parsed = parseEditReply(reply);
  assert.deepEqual(parsed.files, [{ kind: 'blocks', path: 'src/app.ts', blocks: [{ search: 'old();\n', replace: 'new();\n' }] }]);
});

test('a FILE block is a whole-file rewrite', () => {
  const reply = 'Here is the new test file:\n\ntest/app.test.ts\n```ts\n<<<<<<< FILE\nimport { test } from "node:test";\n\ntest("x", () => {});\n>>>>>>> FILE\n```\n';
  const parsed = parseEditReply(reply);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.files, [{ kind: 'wholeFile', path: 'test/app.test.ts', text: 'import { test } from "node:test";\n\ntest("x", () => {});\n' }]);
});

test('a block without its divider is a problem naming the file and block; the rest is still read', () => {
  const reply = 'src/app.ts\n<<<<<<< SEARCH\na\n>>>>>>> REPLACE\n<<<<<<< SEARCH\nb\n=======\nB\n>>>>>>> REPLACE\n';
  const parsed = parseEditReply(reply);
  assert.equal(parsed.problems.length, 1);
  assert.equal(parsed.problems[0]!.path, 'src/app.ts');
  assert.equal(parsed.problems[0]!.block, 1);
  assert.match(parsed.problems[0]!.message, /no '=======' line/);
  assert.deepEqual(parsed.files, [{ kind: 'blocks', path: 'src/app.ts', blocks: [{ search: 'b\n', replace: 'B\n' }] }]);
});

test('a reply cut off inside a block is a problem, not a partial edit', () => {
  const parsed = parseEditReply('src/app.ts\n<<<<<<< SEARCH\na\n=======\nhalf of the new co');
  assert.deepEqual(parsed.files, []);
  assert.equal(parsed.problems.length, 1);
  assert.match(parsed.problems[0]!.message, /cut off/);
  assert.equal(parsed.problems[0]!.block, 1);
});

test('a block with no path anywhere is a problem', () => {
  const parsed = parseEditReply('Sure!\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n');
  assert.deepEqual(parsed.files, []);
  assert.match(parsed.problems[0]!.message, /does not say which file/);
});

test('a reply without any block parses to nothing, without problems', () => {
  const parsed = parseEditReply('I cannot help with that. The code looks fine as it is.');
  assert.deepEqual(parsed, { files: [], problems: [] });
});

test('garbage built from marker fragments never throws', () => {
  const pieces = ['<<<<<<< SEARCH', '=======', '>>>>>>> REPLACE', '<<<<<<< FILE', '>>>>>>> FILE', '```', '```ts src/a.ts', 'src/a.ts', 'code();', '', '\r', 'prose here.'];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 300; round++) {
    const lines = Array.from({ length: Math.floor(random() * 20) }, () => pieces[Math.floor(random() * pieces.length)]!);
    const parsed = parseEditReply(lines.join(random() < 0.5 ? '\n' : '\r\n'));
    assert.ok(Array.isArray(parsed.files) && Array.isArray(parsed.problems));
    for (const problem of parsed.problems) assert.equal(typeof problem.message, 'string');
  }
});

test('path lines are recognised however they are decorated, and prose is not a path', () => {
  assert.equal(pathFromLine('src/app.ts'), 'src/app.ts');
  assert.equal(pathFromLine('./src/app.ts'), 'src/app.ts');
  assert.equal(pathFromLine('`src/app.ts`'), 'src/app.ts');
  assert.equal(pathFromLine('**src/app.ts**'), 'src/app.ts');
  assert.equal(pathFromLine('### File: src/app.ts'), 'src/app.ts');
  assert.equal(pathFromLine('src/app.ts:'), 'src/app.ts');
  assert.equal(pathFromLine('// src/app.ts'), 'src/app.ts');
  assert.equal(pathFromLine('```ts:src/app.ts'), 'src/app.ts');
  assert.equal(pathFromLine('```python title="pkg/mod.py"'), 'pkg/mod.py');
  assert.equal(pathFromLine('src\\win\\path.cs'), 'src/win/path.cs');
  assert.equal(pathFromLine('src/app.ts (lines 10-20)'), 'src/app.ts');
  assert.equal(pathFromLine('### `test/app.test.ts` (new file)'), 'test/app.test.ts');
  assert.equal(pathFromLine('```typescript'), undefined);
  assert.equal(pathFromLine('```diff'), undefined);
  assert.equal(pathFromLine('Here is the change:'), undefined);
  assert.equal(pathFromLine('Done.'), undefined);
  assert.equal(pathFromLine(''), undefined);
});

test('written paths resolve to the known ones', () => {
  assert.equal(resolvePath('./src/app.ts', known), 'src/app.ts');
  assert.equal(resolvePath('/home/me/project/src/app.ts', known), 'src/app.ts');
  assert.equal(resolvePath('b/src/app.ts', known), 'src/app.ts');
  assert.equal(resolvePath('math.ts', known), 'src/util/math.ts');
  assert.equal(resolvePath('src/new.ts', known), 'src/new.ts');
  // Two known files end the same way: no guess.
  assert.equal(resolvePath('a.ts', ['x/a.ts', 'y/a.ts']), 'a.ts');
});

test('unified-diff headers and short lead-ins name the file', () => {
  assert.equal(pathFromLine('--- a/src/app.ts'), 'src/app.ts');
  assert.equal(pathFromLine('+++ b/src/app.ts'), 'src/app.ts');
  assert.equal(pathFromLine('--- /dev/null'), undefined);
  assert.equal(pathFromLine('In `src/app.ts`:'), 'src/app.ts');
  assert.equal(pathFromLine('Changes to `lib/x.py`:'), 'lib/x.py');
  assert.equal(pathFromLine('Call `foo()` and then `bar()` here:'), undefined);
  const reply = 'In `src/app.ts`:\n\n```ts\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n';
  assert.deepEqual(parseEditReply(reply).files, [{ kind: 'blocks', path: 'src/app.ts', blocks: [{ search: 'a\n', replace: 'b\n' }] }]);
});

test('a messy real-world reply end to end: CRLF, headings, diff fences, spaces for a tab-indented file', () => {
  const goFile = 'package shop\n\nfunc Total(items []Item) int {\n\tsum := 0\n\tfor _, item := range items {\n\t\tsum += item.Price\n\t}\n\treturn sum\n}\n';
  const reply = [
    "I'll make two changes:",
    '',
    '1. Skip free items.',
    '2. Document the function.',
    '',
    '### `shop/cart.go`',
    '',
    '```diff',
    '<<<<<<< SEARCH',
    '    for _, item := range items {',
    '        sum += item.Price',
    '    }',
    '=======',
    '    for _, item := range items {',
    '        if item.Price == 0 {',
    '            continue',
    '        }',
    '        sum += item.Price',
    '    }',
    '>>>>>>> REPLACE',
    '```',
    '',
    '```go',
    '<<<<<<<< SEARCH',
    'func Total(items []Item) int {',
    '========',
    '// Total is the price of all items.',
    'func Total(items []Item) int {',
    '>>>>>>>> REPLACE',
    '```',
    '',
    'These keep behaviour for paid items unchanged.',
  ].join('\r\n');
  const parsed = parseEditReply(reply, { knownPaths: ['shop/cart.go'] });
  assert.deepEqual(parsed.problems, []);
  const [placed] = placeEdits(parsed.files, (path) => (path === 'shop/cart.go' ? goFile : undefined));
  assert.deepEqual(placed!.tiers, ['whitespace', 'exact']);
  assert.equal(
    placed!.newText,
    'package shop\n\n// Total is the price of all items.\nfunc Total(items []Item) int {\n\tsum := 0\n\tfor _, item := range items {\n\t\tif item.Price == 0 {\n\t\t\tcontinue\n\t\t}\n\t\tsum += item.Price\n\t}\n\treturn sum\n}\n',
  );
});

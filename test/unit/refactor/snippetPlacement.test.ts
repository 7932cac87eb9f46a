import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeSnippet } from '../../../src/refactor/snippetPlacement.ts';

const file = [
  "import { readFile } from 'node:fs/promises';",
  '',
  'export class Config {',
  '  constructor(private readonly path: string) {}',
  '',
  '  async load(): Promise<string> {',
  '    const text = await readFile(this.path, "utf8");',
  '    if (!text) {',
  '      return "{}";',
  '    }',
  '    return text;',
  '  }',
  '',
  '  describe(): string {',
  '    return `config at ${this.path}`;',
  '  }',
  '}',
  '',
].join('\n');

test('a rewritten method replaces that method only, and the rest of the file stays', () => {
  // As a chat answer shows it: without the class's indentation.
  const block = ['async load(): Promise<string> {', '  const text = await readFile(this.path, "utf8");', '  return text.trim() || "{}";', '}'].join('\n');
  const placed = placeSnippet(file, block);
  assert.equal(placed.kind, 'range');
  if (placed.kind !== 'range') return;
  assert.deepEqual([placed.start, placed.end], [5, 12]);
  assert.match(placed.text, /\n {2}async load\(\): Promise<string> \{\n {4}const text = await readFile\(this.path, "utf8"\);\n {4}return text.trim\(\) \|\| "\{\}";\n {2}\}\n\n {2}describe\(\)/);
  assert.ok(placed.text.startsWith("import { readFile } from 'node:fs/promises';\n\nexport class Config {\n"));
  assert.ok(placed.text.endsWith('  }\n}\n'));
});

test('a block that is the whole file, rewritten, replaces the whole file', () => {
  const whole = file.replace('return text;', 'return text.trim();');
  assert.deepEqual(placeSnippet(file, whole), { kind: 'wholeFile', text: whole });
});

test('a fragment is never taken for the whole file: what cannot be placed says why', () => {
  const cases: [string, RegExp][] = [
    ['const answer = compute();\nexport default answer;', /not in the file/],
    ['async load(): Promise<string> {\n  // ... existing code ...\n  return text;\n}', /leaves parts of the code out/],
    ['}\n', /could be anywhere/],
    ['  async load(): Promise<string> {\n    return "{}";\n', /where its code ends/],
  ];
  for (const [block, reason] of cases) {
    const placed = placeSnippet(file, block);
    assert.equal(placed.kind, 'unplaced', block);
    if (placed.kind === 'unplaced') assert.match(placed.reason, reason);
  }
  const twice = `${file}function load() {}\nfunction load() {}\n`;
  const placed = placeSnippet(twice, 'function load() {}');
  assert.equal(placed.kind, 'unplaced');
});

test("a block keeps the file's line endings; one that starts and ends like the file is not the file unless it is nearly as long", () => {
  const tabbed = 'function f() {\r\n\tconst limit = 10;\r\n\treturn limit;\r\n}\r\n';
  const placed = placeSnippet(tabbed, 'function f() {\n  const limit = 10;\n  return Math.min(limit, 5);\n}\nexport { f };');
  assert.equal(placed.kind, 'unplaced', 'its last line closes nothing the first opened');
  const block = placeSnippet(`${tabbed}\r\nfunction g() {\r\n\treturn 1;\r\n}\r\n`, 'function f() {\n    const limit = 20;\n    return limit;\n}');
  assert.equal(block.kind, 'range');
  if (block.kind === 'range') assert.ok(block.text.startsWith('function f() {\r\n    const limit = 20;\r\n'), JSON.stringify(block.text));
  const changed = placeSnippet(tabbed, 'return limit * 2;');
  assert.equal(changed.kind, 'unplaced', 'its first line is not in the file');
  const method = placeSnippet(tabbed, 'function f() {\n  const limit = 20;\n  return limit;\n}');
  assert.equal(method.kind, 'wholeFile');
  if (method.kind === 'wholeFile') assert.ok(method.text.includes('\r\n'));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParsedFileEdit } from '../../../src/refactor/editParser.ts';
import { placeEdits } from '../../../src/refactor/editPlacement.ts';
import { RefactorError } from '../../../src/refactor/refactorError.ts';
import { applyTextEdits } from '../../../src/refactor/textEdits.ts';

function blocks(path: string, ...pairs: Array<[string, string]>): ParsedFileEdit {
  return { kind: 'blocks', path, blocks: pairs.map(([search, replace]) => ({ search, replace })) };
}

function place(files: readonly ParsedFileEdit[], texts: Record<string, string>, options = {}) {
  return placeEdits(files, (path) => texts[path], options);
}

function placementError(run: () => unknown): RefactorError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RefactorError);
    return error;
  }
  assert.fail('expected a RefactorError');
}

const source = `import { log } from './log';

export function total(items: Item[]): number {
  let sum = 0;
  for (const item of items) {
    sum += item.price;
  }
  return sum;
}
`;

test('an exact match becomes a line edit whose application gives the new text', () => {
  const [placed] = place([blocks('a.ts', ['  let sum = 0;\n', '  let sum = 0; // cents\n'])], { 'a.ts': source });
  assert.deepEqual(placed!.tiers, ['exact']);
  assert.deepEqual(placed!.edits, [{ range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, newText: '  let sum = 0; // cents\n' }]);
  assert.equal(placed!.newText, source.replace('let sum = 0;', 'let sum = 0; // cents'));
  assert.equal(placed!.created, false);
});

test('several blocks give ordered, non-overlapping edits, whatever the reply order', () => {
  const [placed] = place([blocks('a.ts', ['  return sum;\n', '  return Math.round(sum);\n'], ["import { log } from './log';\n", "import { log } from './log.ts';\n"])], { 'a.ts': source });
  const starts = placed!.edits.map((edit) => edit.range.start.line);
  assert.deepEqual(starts, [0, 7]);
  assert.equal(applyTextEdits(source, placed!.edits), placed!.newText);
  assert.ok(placed!.newText.includes("'./log.ts'") && placed!.newText.includes('Math.round(sum)'));
});

test('CRLF files keep CRLF in the replaced lines', () => {
  const crlf = source.replace(/\n/g, '\r\n');
  const [placed] = place([blocks('a.ts', ['    sum += item.price;\n', '    sum += item.price * item.quantity;\n'])], { 'a.ts': crlf });
  assert.equal(placed!.newText, crlf.replace('item.price;', 'item.price * item.quantity;'));
  assert.ok(!/[^\r]\n/.test(placed!.newText));
});

test('a search indented with spaces lands in a tab-indented file, and the replacement is re-indented with tabs', () => {
  const tabbed = 'class A {\n\trun() {\n\t\tif (ready) {\n\t\t\tgo();\n\t\t}\n\t}\n}\n';
  const search = '    if (ready) {\n        go();\n    }\n';
  const replace = '    if (ready) {\n        try {\n            go();\n        } catch {\n            stop();\n        }\n    }\n';
  const [placed] = place([blocks('a.ts', [search, replace])], { 'a.ts': tabbed });
  assert.deepEqual(placed!.tiers, ['whitespace']);
  assert.equal(placed!.newText, 'class A {\n\trun() {\n\t\tif (ready) {\n\t\t\ttry {\n\t\t\t\tgo();\n\t\t\t} catch {\n\t\t\t\tstop();\n\t\t\t}\n\t\t}\n\t}\n}\n');
});

test('a search with lost indentation is re-indented to the 4-space file', () => {
  const python = 'class Cart:\n    def total(self):\n        return sum(self.items)\n';
  const [placed] = place([blocks('cart.py', ['def total(self):\n    return sum(self.items)\n', 'def total(self):\n    """The sum of the items."""\n    return sum(self.items)\n'])], { 'cart.py': python });
  assert.deepEqual(placed!.tiers, ['whitespace']);
  assert.equal(placed!.newText, 'class Cart:\n    def total(self):\n        """The sum of the items."""\n        return sum(self.items)\n');
});

test('leading and trailing blank lines in a search do not stop a match', () => {
  const [placed] = place([blocks('a.ts', ['\n  return sum;\n\n', '\n  return sum * 2;\n\n'])], { 'a.ts': source });
  assert.equal(placed!.newText, source.replace('return sum;', 'return sum * 2;'));
});

test('a near miss within the fuzzy threshold is placed, marked fuzzy', () => {
  // The model "remembered" double quotes and a slightly different comment.
  const file = 'const a = 1;\nconst greeting = \'hello, world\'; // say hi\nconsole.log(greeting);\nconst z = 26;\n';
  const [placed] = place([blocks('a.ts', ['const greeting = "hello, world"; // says hi\nconsole.log(greeting);\n', 'const greeting = \'hello\';\nconsole.info(greeting);\n'])], { 'a.ts': file });
  assert.deepEqual(placed!.tiers, ['fuzzy']);
  assert.equal(placed!.newText, "const a = 1;\nconst greeting = 'hello';\nconsole.info(greeting);\nconst z = 26;\n");
});

test('a search that matches twice is ambiguous and names both lines', () => {
  const file = 'function a() {\n  reset();\n}\nfunction b() {\n  reset();\n}\n';
  const error = placementError(() => place([blocks('a.ts', ['  reset();\n', '  reset(true);\n'])], { 'a.ts': file }));
  assert.equal(error.reason, 'placement');
  assert.deepEqual(error.actions, ['retry']);
  assert.equal(error.problems[0]!.path, 'a.ts');
  assert.equal(error.problems[0]!.block, 1);
  assert.match(error.problems[0]!.message, /matches 2 places \(lines 2, 5\)/);
  // With more context the model makes it unique...
  const [unique] = place([blocks('a.ts', ['function b() {\n  reset();\n', 'function b() {\n  reset(true);\n'])], { 'a.ts': file });
  assert.equal(unique!.newText, file.replace(/b\(\) \{\n {2}reset\(\);/, 'b() {\n  reset(true);'));
  // ...or the user's selection says which one is meant.
  const [hinted] = place([blocks('a.ts', ['  reset();\n', '  reset(true);\n'])], { 'a.ts': file }, { hints: new Map([['a.ts', { start: 3, end: 6 }]]) });
  assert.equal(hinted!.newText, 'function a() {\n  reset();\n}\nfunction b() {\n  reset(true);\n}\n');
});

test('a search found nowhere names the file, the block and the closest line', () => {
  const error = placementError(() =>
    place([blocks('a.ts', ['  return sum;\n', '  return sum + 1;\n'], ['  for (const entry of entries) {\n    total += entry.cost;\n', 'x\n'])], { 'a.ts': source }),
  );
  assert.equal(error.problems.length, 1);
  assert.equal(error.problems[0]!.block, 2);
  assert.match(error.problems[0]!.message, /not found in a\.ts\. The closest text is at line 5/);
  assert.match(error.message, /nothing was changed/);
});

test('one unplaceable block fails the whole set, across files', () => {
  const error = placementError(() => place([blocks('a.ts', ['  return sum;\n', '  return 0;\n']), blocks('b.ts', ['missing();\n', 'found();\n'])], { 'a.ts': source, 'b.ts': 'other();\n' }));
  assert.deepEqual(
    error.problems.map((problem) => [problem.path, problem.block]),
    [['b.ts', 1]],
  );
});

test('an empty search on a missing or empty file creates it; on a non-empty file it is an error', () => {
  const [created] = place([blocks('new.ts', ['', 'export const x = 1;\n'])], {});
  assert.equal(created!.created, true);
  assert.equal(created!.newText, 'export const x = 1;\n');
  assert.deepEqual(created!.edits, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'export const x = 1;\n' }]);
  const [filled] = place([blocks('empty.ts', ['', 'x\n'])], { 'empty.ts': '' });
  assert.equal(filled!.created, false);
  assert.equal(filled!.newText, 'x\n');
  const error = placementError(() => place([blocks('a.ts', ['', 'x\n'])], { 'a.ts': source }));
  assert.match(error.problems[0]!.message, /SEARCH part is empty/);
});

test('a block that edits what an earlier block wrote is applied in order', () => {
  const [placed] = place([blocks('a.ts', ['  let sum = 0;\n', '  let sum = 0;\n  let count = 0;\n'], ['  let count = 0;\n', '  let count = items.length;\n'])], { 'a.ts': source });
  assert.equal(placed!.newText, source.replace('  let sum = 0;\n', '  let sum = 0;\n  let count = items.length;\n'));
  assert.equal(applyTextEdits(source, placed!.edits), placed!.newText);
});

test('a file without a final newline keeps none when its last line changes', () => {
  const [placed] = place([blocks('a.txt', ['last\n', 'final\n'])], { 'a.txt': 'first\nlast' });
  assert.equal(placed!.newText, 'first\nfinal');
  const [deleted] = place([blocks('a.txt', ['last\n', ''])], { 'a.txt': 'first\nlast' });
  assert.equal(deleted!.newText, 'first');
});

test('whole-file rewrites: small files become a minimal edit; large ones and elisions are refused', () => {
  const [small] = place([{ kind: 'wholeFile', path: 'a.ts', text: source.replace('return sum;', 'return sum || 0;') }], { 'a.ts': source });
  assert.deepEqual(small!.tiers, ['wholeFile']);
  assert.equal(small!.edits.length, 1);
  assert.equal(small!.edits[0]!.range.start.line, 7);
  assert.equal(small!.newText, source.replace('return sum;', 'return sum || 0;'));

  const big = Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const tooBig = placementError(() => place([{ kind: 'wholeFile', path: 'big.ts', text: 'short\n' }], { 'big.ts': big }, { wholeFileMaxLines: 120 }));
  assert.match(tooBig.problems[0]!.message, /over 120 lines/);

  const lazy = placementError(() => place([{ kind: 'wholeFile', path: 'a.ts', text: "import { log } from './log';\n\n// ... existing code ...\n" }], { 'a.ts': source }));
  assert.match(lazy.problems[0]!.message, /existing code/);
  const lazyBlock = placementError(() => place([blocks('a.ts', ['  return sum;\n}\n', '  return sum;\n}\n\n// ... rest of the file unchanged\n'])], { 'a.ts': source }));
  assert.match(lazyBlock.problems[0]!.message, /write the code out in full/);
});

test('a new file from a FILE block is created whole', () => {
  const [placed] = place([{ kind: 'wholeFile', path: 'test/a.test.ts', text: 'test();\n' }], {});
  assert.equal(placed!.created, true);
  assert.deepEqual(placed!.tiers, ['create']);
  assert.equal(placed!.newText, 'test();\n');
});

test('blank lines added or dropped inside a search still match, in the whitespace tier', () => {
  const file = 'function a() {\n  one();\n\n  two();\n}\n';
  const [placed] = place([blocks('a.ts', ['  one();\n  two();\n', '  one();\n  three();\n'])], { 'a.ts': file });
  assert.deepEqual(placed!.tiers, ['whitespace']);
  assert.equal(placed!.newText, 'function a() {\n  one();\n  three();\n}\n');
});

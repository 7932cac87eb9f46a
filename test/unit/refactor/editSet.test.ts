import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParsedFileEdit } from '../../../src/refactor/editParser.ts';
import { placeEdits } from '../../../src/refactor/editPlacement.ts';
import { checkStale, createEditSet, type EditSet, type FileBase } from '../../../src/refactor/editSet.ts';

const original = { 'src/a.ts': 'const a = 1;\n', 'src/b.ts': 'const b = 2;\n', 'src/c.ts': 'const c = 3;\n' };

function editSetFor(texts: Record<string, string>, files: readonly ParsedFileEdit[]): EditSet {
  const placed = placeEdits(files, (path) => texts[path]);
  const bases = new Map<string, FileBase>(files.map((file) => [file.path, { text: texts[file.path], version: 3 }]));
  return createEditSet('Test', placed, bases);
}

const threeFiles: ParsedFileEdit[] = [
  { kind: 'blocks', path: 'src/a.ts', blocks: [{ search: 'const a = 1;\n', replace: 'export const a = 1;\n' }] },
  { kind: 'blocks', path: 'src/new.ts', blocks: [{ search: '', replace: 'export const n = 0;\n' }] },
  { kind: 'blocks', path: 'src/b.ts', blocks: [{ search: 'const b = 2;\n', replace: 'export const b = 2;\n' }] },
];

test('an edit set records each file\'s base and the whole new text of each file', () => {
  const set = editSetFor(original, threeFiles);
  assert.deepEqual(set.files.map((file) => [file.path, file.created, file.baseHash === null, file.baseVersion]), [
    ['src/a.ts', false, false, 3],
    ['src/new.ts', true, true, 3],
    ['src/b.ts', false, false, 3],
  ]);
  assert.deepEqual(set.files.map((file) => file.newText), ['export const a = 1;\n', 'export const n = 0;\n', 'export const b = 2;\n']);
});

test('checkStale reports files changed, deleted or created since the request', () => {
  const set = editSetFor(original, threeFiles);
  assert.deepEqual(checkStale(set, (path) => ({ ...original })[path as keyof typeof original]), []);
  const now: Record<string, string> = { 'src/a.ts': 'const a = 10;\n', 'src/new.ts': 'someone made it\n' };
  assert.deepEqual(checkStale(set, (path) => now[path]), [
    { path: 'src/a.ts', reason: 'changed' },
    { path: 'src/new.ts', reason: 'created' },
    { path: 'src/b.ts', reason: 'deleted' },
  ]);
});

test('files whose edits change nothing are left out of the set', () => {
  const set = editSetFor(original, [{ kind: 'blocks', path: 'src/c.ts', blocks: [{ search: 'const c = 3;\n', replace: 'const c = 3;\n' }] }, threeFiles[0]!]);
  assert.deepEqual(set.files.map((file) => file.path), ['src/a.ts']);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCancellation } from '../../../src/common/errors.ts';
import type { ParsedFileEdit } from '../../../src/refactor/editParser.ts';
import { placeEdits } from '../../../src/refactor/editPlacement.ts';
import { applyEditSet, checkStale, createEditSet, type EditSet, type EditTarget, type FileBase } from '../../../src/refactor/editSet.ts';
import { RefactorError } from '../../../src/refactor/refactorError.ts';

/** An in-memory workspace whose writes can be made to fail, to prove all-or-nothing. */
class MemoryTarget implements EditTarget {
  readonly files: Map<string, string>;
  readonly log: string[] = [];
  failWritesTo = new Set<string>();
  failRollback = false;
  private rollingBack = false;

  constructor(files: Record<string, string>) {
    this.files = new Map(Object.entries(files));
  }

  async read(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }

  async write(path: string, text: string): Promise<void> {
    if (this.failWritesTo.has(path)) {
      this.rollingBack = true;
      throw new Error(`disk full writing ${path}`);
    }
    if (this.rollingBack && this.failRollback) throw new Error('still failing');
    this.log.push(`write ${path}`);
    this.files.set(path, text);
  }

  async remove(path: string): Promise<void> {
    this.log.push(`remove ${path}`);
    this.files.delete(path);
  }
}

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

test('an edit set records each file\'s base and applies all of its files', async () => {
  const set = editSetFor(original, threeFiles);
  assert.deepEqual(set.files.map((file) => [file.path, file.created, file.baseHash === null, file.baseVersion]), [
    ['src/a.ts', false, false, 3],
    ['src/new.ts', true, true, 3],
    ['src/b.ts', false, false, 3],
  ]);
  const target = new MemoryTarget(original);
  await applyEditSet(set, target);
  assert.deepEqual(Object.fromEntries(target.files), {
    'src/a.ts': 'export const a = 1;\n',
    'src/b.ts': 'export const b = 2;\n',
    'src/c.ts': 'const c = 3;\n',
    'src/new.ts': 'export const n = 0;\n',
  });
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

test('a stale file stops the whole set before anything is written', async () => {
  const set = editSetFor(original, threeFiles);
  const target = new MemoryTarget({ ...original, 'src/b.ts': 'const b = 2; // edited meanwhile\n' });
  await assert.rejects(applyEditSet(set, target), (error: unknown) => {
    assert.ok(error instanceof RefactorError);
    assert.equal(error.reason, 'stale');
    assert.deepEqual(error.problems.map((problem) => problem.path), ['src/b.ts']);
    assert.deepEqual(error.actions, ['retry']);
    return true;
  });
  assert.deepEqual(target.log, []);
  assert.equal(target.files.get('src/a.ts'), 'const a = 1;\n');
});

test('a write failing midway rolls back the files already written and removes created ones', async () => {
  const set = editSetFor(original, threeFiles);
  const target = new MemoryTarget(original);
  target.failWritesTo.add('src/b.ts');
  await assert.rejects(applyEditSet(set, target), (error: unknown) => {
    assert.ok(error instanceof RefactorError);
    assert.equal(error.reason, 'write');
    assert.match(error.message, /disk full writing src\/b\.ts/);
    return true;
  });
  assert.deepEqual(Object.fromEntries(target.files), original);
  assert.deepEqual(target.log, ['write src/a.ts', 'write src/new.ts', 'remove src/new.ts', 'write src/a.ts']);
});

test('a rollback that fails too is named in the error', async () => {
  const set = editSetFor(original, threeFiles);
  const target = new MemoryTarget(original);
  target.failWritesTo.add('src/b.ts');
  target.failRollback = true;
  await assert.rejects(applyEditSet(set, target), (error: unknown) => {
    assert.ok(error instanceof RefactorError);
    assert.deepEqual(
      error.problems.map((problem) => problem.path),
      ['src/b.ts', 'src/a.ts'],
    );
    assert.match(error.problems[1]!.message, /could not be put back/);
    return true;
  });
});

test('cancelling before the writes start changes nothing and is a cancellation', async () => {
  const set = editSetFor(original, threeFiles);
  const target = new MemoryTarget(original);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(applyEditSet(set, target, controller.signal), (error: unknown) => isCancellation(error));
  assert.deepEqual(target.log, []);
});

test('files whose edits change nothing are left out of the set', () => {
  const set = editSetFor(original, [{ kind: 'blocks', path: 'src/c.ts', blocks: [{ search: 'const c = 3;\n', replace: 'const c = 3;\n' }] }, threeFiles[0]!]);
  assert.deepEqual(set.files.map((file) => file.path), ['src/a.ts']);
});

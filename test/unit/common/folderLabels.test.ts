import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderLabels } from '../../../src/common/folderLabels.ts';

test('folders are labelled by name, and a repeated name gets -2, -3 in folder order', () => {
  assert.deepEqual(folderLabels(['app', 'lib', 'app', 'app']), ['app', 'lib', 'app-2', 'app-3']);
});

test('a label is never shared, even with a folder whose own name looks like a suffixed one', () => {
  assert.deepEqual(folderLabels(['app', 'app-2', 'app']), ['app', 'app-2', 'app-3']);
  assert.deepEqual(folderLabels(['app', 'app', 'app-2']), ['app', 'app-2', 'app-2-2']);
});

test('a slash in a folder name cannot split its label into two path segments', () => {
  assert.deepEqual(folderLabels(['team/app', 'team_app']), ['team_app', 'team_app-2']);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChangelog } from '../../../bench/changelog.ts';
import { isSourceFile } from '../../../bench/releaseSource.ts';
import { releaseLine, releaseQuery } from '../../../bench/releaseQuery.ts';

test('parseChangelog reads Mongoose, Knex and conventional-changelog headings', () => {
  const history = ['5.13.2 / 2021-07-03', '==================', ' * fix(document): avoid x #1 [a](https://github.com/a)', ' * docs: y', '', '5.13.1 / 2021-06-30', '=====', ' * fix: z'].join('\n');
  assert.deepEqual([...parseChangelog(history).keys()], ['5.13.2', '5.13.1']);
  assert.equal(parseChangelog(history).get('5.13.2')!.length, 2);
  const knex = ['# 3.1.0 - 8 December, 2023', '', '### Bug fixes', '', '- PostgreSQL: fix error (#5673)'].join('\n');
  assert.deepEqual(parseChangelog(knex).get('3.1.0'), [{ text: 'PostgreSQL: fix error (#5673)', section: 'Bug fixes' }]);
  const axios = ['## [1.7.8](https://x/compare) (2024-11-25)', '### Bug Fixes', '* **core:** fixed merging ([#6668](https://x/6668))', '```', '- pasted copy', '```'].join('\n');
  assert.deepEqual(parseChangelog(axios).get('1.7.8')!.map((item) => item.text), ['**core:** fixed merging ([#6668](https://x/6668))']);
});

test('releaseLine drops numbers, hashes, credits and non-code lines', () => {
  assert.deepEqual(releaseLine('fix(populate): handle `lean()` with nested paths #10167 [vkarpov15](https://github.com/vkarpov15)', ''), { text: 'handle `lean()` with nested paths', scope: 'populate' });
  assert.deepEqual(releaseLine('**http:** use `globalThis.TextEncoder` when available ([#6634](https://github.com/axios/axios/issues/6634)) ([df956d1](https://github.com/axios/axios/commit/df956d1))', 'Bug Fixes'), { text: 'use `globalThis.TextEncoder` when available', scope: 'http' });
  assert.equal(releaseLine('fix(types): add missing overload for find()', ''), undefined);
  assert.equal(releaseLine('docs: fix a typo in the guide', ''), undefined);
  assert.equal(releaseLine('Add ability to omit columns', 'Types'), undefined);
});

test('releaseQuery hides a scope or word that names a gold file', () => {
  const lines = [{ text: 'fix crash in cursor.js when closing', scope: 'cursor' }, { text: 'strip unused array filters', scope: 'update' }];
  assert.equal(releaseQuery(lines, ['lib/cursor.js', 'lib/helpers/update/castArrayFilters.js']), 'fix crash in when closing\nupdate: strip unused array filters');
});

test('isSourceFile keeps code and leaves out declarations, tests and bundles', () => {
  assert.ok(isSourceFile('lib/model.js'));
  assert.ok(isSourceFile('index.js'));
  for (const path of ['types/index.d.ts', 'test/model.test.js', 'dist/axios.min.js', 'dist/axios.js', 'webpack.config.js', 'README.md']) assert.ok(!isSourceFile(path), path);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanBody, fixedIssue, goldFiles } from '../../../bench/issueDataset.ts';
import { scoreRanking } from '../../../bench/retrievalScores.ts';

test('a fixing commit names its issue in the ways projects write it', () => {
  assert.equal(fixedIssue('fix: reply.send supports Uint8Array payload (#5124)\n\nFixes #5118'), 5118);
  assert.equal(fixedIssue('Do not modify config.url (resolves #1628) (#2391)'), 1628);
  assert.equal(fixedIssue('closes: https://github.com/knex/knex/issues/6451'), 6451);
  assert.equal(fixedIssue('Update dependencies (#2391)'), undefined, 'a pull request number alone is no issue');
});

test('the answer is the changed non-test code that existed before the fix', () => {
  const changed = ['lib/adapters/http.js', 'test/unit/adapters/http.js', 'test-tsd/tables.test-d.ts', 'src/__tests__/a.ts', 'types/index.d.ts', 'CHANGELOG.md', 'src/new.ts', 'src/parse/test.ts'];
  assert.deepEqual(goldFiles(changed, (path) => path !== 'src/new.ts'), ['lib/adapters/http.js']);
});

test('a commit body loses its trailers', () => {
  assert.equal(cleanBody('The proxy is ignored.\n\nSigned-off-by: A <a@b>\nCo-authored-by: C <c@d>'), 'The proxy is ignored.');
});

test('a ranking is scored for recall, rank and the prose it lets in', () => {
  const scores = scoreRanking(['CHANGELOG.md', 'src/a.ts', 'docs/a.md', 'src/b.ts'], ['src/a.ts', 'src/c.ts']);
  assert.equal(scores.r5, 0.5);
  assert.equal(scores.hit10, 1);
  assert.equal(scores.mrr, 0.5);
  assert.equal(scores.prose, 2);
  assert.equal(scores.listed, 4);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileAccessPolicy } from '../../../src/safety/fileAccessPolicy.ts';
import { ignoreRuleFrom } from '../../../src/safety/ignoreRule.ts';

test('exclude globs and nested ignore files decide, deeper files re-including what shallower ones ignored', () => {
  const rule = ignoreRuleFrom(
    ['**/*.snap'],
    [
      { directory: 'packages/web', name: '.gitignore', text: '!generated/keep.ts\n' },
      { directory: '', name: '.gitignore', text: 'generated/\n*.log\n' },
      { directory: '', name: '.groundworkignore', text: 'fixtures/big/\n' },
    ],
  );
  assert.equal(rule('src/app.ts'), false);
  assert.equal(rule('src/__snapshots__/app.snap'), 'matches groundwork.index.exclude "**/*.snap"');
  assert.equal(rule('debug.log'), 'ignored by .gitignore');
  assert.equal(rule('fixtures/big/data.json'), 'ignored by .groundworkignore');
  assert.equal(rule('packages/web/generated/types.ts'), 'ignored by .gitignore');
  assert.equal(rule('packages/web/generated/keep.ts'), 'ignored by .gitignore', 'git cannot re-include a file inside an ignored folder');
});

test('the policy refuses ignored files with the reason, after secrets', () => {
  const policy = new FileAccessPolicy(ignoreRuleFrom([], [{ directory: '', name: '.gitignore', text: 'secret-notes.md\n' }]));
  assert.deepEqual(policy.check('secret-notes.md'), { allowed: false, reason: 'ignored', detail: 'ignored by .gitignore' });
  assert.deepEqual(policy.check('.env'), { allowed: false, reason: 'secret', detail: '.env file' });
  assert.deepEqual(policy.check('README.md'), { allowed: true });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileAccessPolicy } from '../../../src/safety/fileAccessPolicy.ts';
import { ignoreRuleFrom } from '../../../src/safety/ignoreRule.ts';

test('ordinary files are allowed when nothing ignores them', () => {
  const policy = new FileAccessPolicy();
  assert.deepEqual(policy.check('src/app.ts'), { allowed: true });
  assert.equal(policy.isAllowed('src/environment.ts'), true);
});

test('secret files are refused with their reason, whatever the ignore rules say', () => {
  const policy = new FileAccessPolicy(() => false);
  assert.deepEqual(policy.check('.env'), { allowed: false, reason: 'secret', detail: '.env file' });
  assert.deepEqual(policy.check('C:\\repo\\.aws\\credentials'), { allowed: false, reason: 'secret', detail: 'credentials folder' });
  // Even when the user's ignore rule would also match, the stronger reason is reported.
  const ignoringAll = new FileAccessPolicy(() => 'matched *');
  assert.equal(ignoringAll.check('keys/server.pem').allowed, false);
  assert.deepEqual(ignoringAll.check('keys/server.pem'), { allowed: false, reason: 'secret', detail: 'private key or certificate store' });
});

test('ignore rules get forward slashes and can explain themselves', () => {
  const seen: string[] = [];
  const policy = new FileAccessPolicy((path) => {
    seen.push(path);
    if (path.startsWith('dist/')) return '.gitignore: dist/';
    return path.endsWith('.min.js');
  });
  assert.deepEqual(policy.check('dist\\bundle.js'), { allowed: false, reason: 'ignored', detail: '.gitignore: dist/' });
  assert.deepEqual(policy.check('vendor/jquery.min.js'), { allowed: false, reason: 'ignored', detail: 'matches an ignore rule' });
  assert.deepEqual(policy.check('src/main.ts'), { allowed: true });
  assert.deepEqual(seen, ['dist/bundle.js', 'vendor/jquery.min.js', 'src/main.ts']);
});

test('an empty string or undefined from the ignore rule means not ignored', () => {
  const policy = new FileAccessPolicy((path) => (path === 'a.ts' ? '' : undefined));
  assert.equal(policy.isAllowed('a.ts'), true);
  assert.equal(policy.isAllowed('b.ts'), true);
});

test('the ignore rule can be replaced when ignore files change, for every holder of the policy', () => {
  const policy = new FileAccessPolicy();
  assert.equal(policy.isAllowed('generated/api.ts'), true);
  policy.setIgnoreRule((path) => path.startsWith('generated/'));
  assert.deepEqual(policy.check('generated/api.ts'), { allowed: false, reason: 'ignored', detail: 'matches an ignore rule' });
});

// Open tabs outside the workspace reach the policy too (every recent document is checked on each
// completion): with a root .gitignore, the `ignore` package throws on an absolute path, which
// once stopped every completion in the window.
test('documents outside the folders never make the policy throw, and secret ones stay refused', () => {
  const policy = new FileAccessPolicy(ignoreRuleFrom([], [{ directory: '', name: '.gitignore', text: 'dist/\n*.log\n' }]));
  assert.deepEqual(policy.check('/home/dev/notes/todo.ts'), { allowed: true });
  assert.deepEqual(policy.check('C:\\Users\\dev\\scratch.py'), { allowed: true });
  assert.deepEqual(policy.check('untitled:Untitled-1'), { allowed: true });
  assert.deepEqual(policy.check('../sibling/app.ts'), { allowed: true });
  assert.equal(policy.check('vscode-userdata:/home/dev/.config/Code/User/settings.json').allowed, false);
  assert.equal(policy.check('output:extension-output-groundwork').allowed, false);
  assert.deepEqual(policy.check('git:/repo/src/app.ts?ref=HEAD'), { allowed: false, reason: 'notAFile', detail: 'git: documents are never sent' });
  assert.deepEqual(policy.check('/home/dev/.aws/credentials'), { allowed: false, reason: 'secret', detail: 'credentials folder' });
  assert.deepEqual(policy.check('/home/dev/other-project/.env'), { allowed: false, reason: 'secret', detail: '.env file' });
  assert.deepEqual(policy.check('vscode-remote://localhost:8080/home/dev/.ssh/id_ed25519'), { allowed: false, reason: 'secret', detail: 'SSH key' });
  // Inside the workspace the rules still apply.
  assert.equal(policy.check('dist/bundle.js').allowed, false);
  assert.equal(policy.check('src/app.ts').allowed, true);
});

test('an ignore rule that throws refuses the path with the reason instead of throwing', () => {
  const policy = new FileAccessPolicy(() => {
    throw new RangeError('path should be a `path.relative()`d string');
  });
  const decision = policy.check('src/odd.ts');
  assert.equal(decision.allowed, false);
  assert.match(decision.allowed ? '' : decision.detail, /could not read this path/);
});

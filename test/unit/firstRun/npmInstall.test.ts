import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { node20 } from '../../support/node20.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** npm's own script, run here on Node 20: the oldest Node the README promises `npm ci` works on. */
function npmCli(): string {
  return process.env.npm_execpath ?? realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
}

test('npm ci on Node 20 warns about nothing', () => {
  assert.ok(existsSync(node20), `${node20} is missing: run npm ci`);
  // What npm ci reads, in a folder of its own: a dry run plans the install from the lockfile
  // without the network and without touching anyone's node_modules.
  const folder = mkdtempSync(join(tmpdir(), 'groundwork-npm-ci-'));
  for (const file of ['package.json', 'package-lock.json', '.npmrc', 'test/compat/node20/package.json']) {
    if (!existsSync(join(repoRoot, file))) continue;
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(folder, file));
  }
  // As from a fresh shell: no npm settings inherited from the npm running this test.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  const result = spawnSync(node20, [npmCli(), 'ci', '--dry-run'], { cwd: folder, env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /added \d+ packages/);
  assert.doesNotMatch(`${result.stdout}\n${result.stderr}`, /warn/i);
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const repoRoot = resolve(import.meta.dirname, '../../..');

test('the production build says what it wrote, with nothing that reads as a warning', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'groundwork-build-'));
  const build = spawnSync(process.execPath, ['esbuild.config.mjs', '--production', '--outdir', outdir], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const output = `${build.stdout}${build.stderr}`;
  assert.doesNotMatch(output, /⚠|warn/i);
  assert.equal(output.trim().split('\n').length, 1, output);
  for (const bundle of ['extension.js', 'indexWorker.js', 'webview.js', 'o200k_base.js']) {
    assert.match(output, new RegExp(`${bundle} [\\d,]+ KiB`));
    // The .vsix ships no source maps, so a shipped bundle must not point at one.
    assert.doesNotMatch(readFileSync(join(outdir, bundle), 'utf8').slice(-300), /sourceMappingURL/);
  }
});

// What the .vsix that `npm run package` built carries: what the extension loads and the user's
// README, not the developers' material.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { userReadme } from '../../scripts/userReadme.ts';
import { zipEntries } from '../support/zipEntries.ts';
import { repoRoot } from './harness.ts';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; main: string };
const entries = zipEntries(join(repoRoot, `groundwork-${manifest.version}.vsix`));
const text = (path: string) => entries.get(path)?.toString('utf8');

test('the .vsix carries the bundles the extension loads, without the command line or source maps', () => {
  const files = [...entries.keys()];
  for (const bundle of ['extension.js', 'indexWorker.js', 'webview.js', 'o200k_base.js']) assert.ok(files.includes(`extension/dist/${bundle}`), bundle);
  assert.equal(`extension/${manifest.main.replace(/^\.\//, '')}`, 'extension/dist/extension.js');
  assert.deepEqual(files.filter((file) => /cli\.js|\.map$/.test(file)), []);
  // A map the .vsix does not carry would only send the debugger looking for it.
  assert.deepEqual(files.filter((file) => file.endsWith('.js') && /sourceMappingURL/.test(text(file)!)), []);
});

test("the .vsix's README is the user's: settings, commands and privacy, no build steps or benchmarks", () => {
  const readme = text('extension/readme.md');
  assert.ok(readme, 'the .vsix has a README');
  assert.equal(readme, userReadme(readFileSync(join(repoRoot, 'README.md'), 'utf8')));
  for (const section of ['## Install', '### Settings', '### Commands', '## Privacy']) assert.ok(readme.includes(`\n${section}\n`), section);
  for (const developerText of ['npm ci', 'npm test', '## Performance', '## Development', 'bench:']) assert.ok(!readme.includes(developerText), developerText);
});

test("the .vsix's manifest names the repository", () => {
  const shipped = JSON.parse(text('extension/package.json')!) as { repository?: { url?: string } };
  assert.match(shipped.repository?.url ?? '', /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+/);
});

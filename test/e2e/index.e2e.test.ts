import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench } from './harness.ts';

// The workspace index in the real VS Code: built in a worker with the local embedder (no key,
// no network), shown in the status bar, kept fresh by the file watcher, and honest about what it
// skipped.
let workbench: Workbench;

before(async () => {
  workbench = await Workbench.open({ fixture: 'sample-workspace' });
});

after(async () => {
  await workbench?.close();
});

test('the index builds in the worker and the status bar shows it ready with its counts', async () => {
  const line = await workbench.waitForLog(/\[index\] index refreshed: \d+ indexed/, 60_000);
  const indexed = Number(/refreshed: (\d+) indexed/.exec(line)![1]);
  assert.ok(indexed >= 5, line);
  await workbench.waitForIndexReady();
  const text = await workbench.page.locator('.statusbar-item', { hasText: /Indexed/ }).first().innerText();
  assert.match(text, new RegExp(`Indexed ${indexed} files`));
  await workbench.screenshot('40-index-ready');
});

test('a newly saved file is found by Search Codebase', async () => {
  writeFileSync(
    join(workbench.workspace, 'src/loyalty.ts'),
    'export function loyaltyPointsFor(totalSpent: number): number {\n  return Math.floor(totalSpent / 10);\n}\n',
  );
  await workbench.waitForLog(/\[index\] /, 5_000).catch(() => undefined);
  // The watcher batches for 200 ms and the worker indexes in the background: search until it shows.
  let labels: string[] = [];
  for (let attempt = 0; attempt < 20 && !labels.some((label) => label.includes('src/loyalty.ts')); attempt++) {
    await workbench.runCommand('Groundwork: Search Codebase…');
    const input = workbench.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('loyalty points for total spent');
    await workbench.page.keyboard.press('Enter');
    labels = await workbench.quickPickLabels().catch(() => []);
    if (!labels.some((label) => label.includes('src/loyalty.ts'))) {
      await workbench.page.keyboard.press('Escape');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  assert.ok(labels[0]?.includes('src/loyalty.ts:1-3'), `first hit: ${labels[0]}`);
  await workbench.screenshot('41-index-search');
  await workbench.page.keyboard.press('Enter');
  await workbench.page.locator('.tabs-container .tab.active', { hasText: 'loyalty.ts' }).waitFor({ timeout: 30_000 });
});

test('the index status view lists the skipped .env as a secret file', async () => {
  await workbench.runCommand('Groundwork: Show Index Status');
  const frame = workbench.webviewFrame('Groundwork Index');
  const secrets = frame.getByRole('region', { name: /^Secret files/ });
  await secrets.waitFor({ timeout: 30_000 });
  assert.match(await secrets.innerText(), /\.env\s+\.env file/);
  // A workspace this small is kept in vectra.
  assert.match(await frame.locator('body').innerText(), /kept in the vectra store/);
  await workbench.screenshot('42-index-status');
});

test('after a reload the index loads from the snapshot it saved', async () => {
  // Saved after a quiet spell following the last change (or when the worker closes).
  await workbench.waitForLog(/Saved the index snapshot/, 60_000);
  await workbench.page.reload();
  await workbench.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await workbench.waitForIndexReady();
  await workbench.runCommand('Groundwork: Show Index Status');
  const frame = workbench.webviewFrame('Groundwork Index');
  await frame.getByText(/Loaded in [\d.]+ s from the snapshot/).waitFor({ timeout: 30_000 });
  await workbench.screenshot('43-index-status-after-reload');
});

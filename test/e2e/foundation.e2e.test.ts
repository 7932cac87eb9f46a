import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Workbench } from './harness.ts';

// One workbench for the file: these steps are what a new user does, in order.
let workbench: Workbench;

before(async () => {
  workbench = await Workbench.open({ fixture: 'sample-workspace' });
});

after(async () => {
  await workbench?.close();
});

test('activation is recorded in the Groundwork log channel', async () => {
  const line = await workbench.waitForLog(/Groundwork \d+\.\d+\.\d+ activated/);
  assert.match(line, /activated/);
  await workbench.waitForLog(/\[setup\] not configured: no key for openai/);
});

test('without a key, the status bar item asks the user to set up', async () => {
  const text = await workbench.waitForStatus(/Groundwork: Set up/);
  assert.match(text, /Set up/);
  assert.match(await workbench.statusItem().getAttribute('aria-label') ?? '', /no API key for OpenAI/);
  await workbench.screenshot('01-status-not-configured');
});

test('the command palette lists Groundwork commands under their category', async () => {
  await workbench.openCommandPalette('Groundwork:');
  const labels = await workbench.quickPickLabels();
  for (const title of ['Groundwork: Set API Key', 'Groundwork: Focus Chat', 'Groundwork: Open Logs', 'Groundwork: Show Status and Actions']) {
    assert.ok(labels.some((label) => label.includes(title)), `missing ${title} in ${JSON.stringify(labels)}`);
  }
  await workbench.screenshot('02-command-palette');
  await workbench.page.keyboard.press('Escape');
});

test('Set API Key stores the key and the status bar turns ready', async () => {
  const page = workbench.page;
  await workbench.runCommand('Groundwork: Set API Key');
  const providerRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'OpenAI' }).first();
  await providerRow.waitFor({ state: 'visible' });
  await providerRow.click();
  const input = page.locator('.quick-input-widget input[type="password"]');
  await input.waitFor({ state: 'visible' });
  await input.fill('sk-e2e-test-key');
  await page.keyboard.press('Enter');
  await workbench.waitForLog(/\[setup\] ready: openai/);
  const text = await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/);
  assert.doesNotMatch(text, /Set up/);
  // The key went to Secret Storage, not to settings or the log.
  assert.doesNotMatch(workbench.userSettingsText(), /sk-e2e-test-key/);
  assert.doesNotMatch(workbench.logText(), /sk-e2e-test-key/);
  await workbench.screenshot('03-status-ready');
});

test('the chat view opens from the activity bar and shows the setup state', async () => {
  const page = workbench.page;
  await page.locator('.activitybar [aria-label^="Groundwork"]').first().click();
  const frame = workbench.webviewFrame('Chat');
  await frame.getByRole('heading', { name: 'Groundwork is ready' }).waitFor({ timeout: 30_000 });
  assert.equal(await frame.getByText('Connected to OpenAI.').count(), 1);
  await workbench.waitForLog(/\[chat\] chat view opened/);
  await workbench.screenshot('04-chat-view');
});

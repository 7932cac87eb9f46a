import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Workbench } from './harness.ts';
import { ModelServerProcess } from './modelServerProcess.ts';

// The model layer in the real VS Code: calls go to the project's fake OpenAI/Anthropic server
// through the real SDKs, land in the ledger, and show in "Groundwork: Show Usage".
let server: ModelServerProcess;
let workbench: Workbench;

before(async () => {
  server = await ModelServerProcess.start();
  workbench = await Workbench.open({
    fixture: 'sample-workspace',
    settings: { 'groundwork.openai.baseUrl': `${server.url}/v1`, 'groundwork.anthropic.baseUrl': server.url },
    env: { OPENAI_API_KEY: 'sk-e2e-usage' },
  });
});

after(async () => {
  await workbench?.close();
  await server?.stop();
});

function toast(text: string | RegExp) {
  return workbench.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

test('Check Models reaches each role model through the gateway', async () => {
  await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/);
  await workbench.runCommand('Groundwork: Check Models');
  await toast(/every model answered/).waitFor({ timeout: 30_000 });
  const requests = await server.modelRequests();
  const models = requests.map((request) => (request.body as { model: string }).model).sort();
  assert.deepEqual(models, ['gpt-4o', 'gpt-4o', 'gpt-4o-mini']);
  for (const request of requests) assert.equal(request.headers.authorization, 'Bearer sk-e2e-usage');
  await workbench.screenshot('10-check-models');
});

test('a 401 is a clear error with a Set API Key action, and is not retried on another model', async () => {
  await server.reset();
  await server.script({ kind: 'error', status: 401, message: 'Incorrect API key provided' });
  await workbench.runCommand('Groundwork: Check Models');
  const error = await workbench.findNotification(/Completions: .*API key/);
  assert.equal(await error.locator('a.monaco-button, .monaco-button', { hasText: 'Set API Key' }).count(), 1);
  // One request for the failing completion model, none for a fallback; the other roles still answered.
  const models = (await server.modelRequests()).map((request) => (request.body as { model: string }).model);
  assert.deepEqual(models.filter((model) => model === 'gpt-4o-mini'), ['gpt-4o-mini']);
  await workbench.screenshot('11-auth-error');
});

test('Show Usage lists the calls per feature and model', async () => {
  await workbench.runCommand('Groundwork: Show Usage');
  const frame = workbench.webviewFrame('Groundwork Usage');
  await frame.getByRole('heading', { name: 'Groundwork usage' }).waitFor({ timeout: 30_000 });
  const today = frame.getByRole('region', { name: 'Today' });
  // Three calls from the first check and three from the second (one of them the 401).
  const checkRow = today.getByRole('row', { name: /^check / });
  assert.match(await checkRow.innerText(), /check\s+6\s+1\s/);
  assert.match(await today.getByRole('row', { name: /^openai\/gpt-4o-mini / }).innerText(), /gpt-4o-mini\s+2\s+1\s/);
  assert.match(await today.getByRole('row', { name: /^openai\/gpt-4o / }).innerText(), /gpt-4o\s+4\s+0\s/);
  await workbench.screenshot('12-usage-view');
});

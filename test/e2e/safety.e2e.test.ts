import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench, waitUntil } from './harness.ts';
import { ModelServerProcess } from './modelServerProcess.ts';

// Secrets never leave the machine: src/storage.ts holds fake AWS credentials (AWS's documented
// example values) and .env a fake token. After a completion, a chat question and a refactor that
// touch them, no request the fake server recorded contains any of them, the refactor's edit has
// the real value back (not the placeholder), and the audit log lists every request.
const secrets = ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'gw-fixture-3f9a7c2e41d84b6f9e0a5c7d2b1e8f64'];
let server: ModelServerProcess;
let workbench: Workbench;

before(async () => {
  server = await ModelServerProcess.start(['--text', "const archived = true;"]);
  workbench = await Workbench.open({
    fixture: 'sample-workspace',
    settings: {
      'groundwork.openai.baseUrl': `${server.url}/v1`,
      'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
    },
    env: { OPENAI_API_KEY: 'sk-e2e-safety' },
    logLevel: 'trace',
  });
  await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/);
  await workbench.waitForIndexReady();
});

after(async () => {
  await workbench?.close();
  await server?.stop();
});

async function bodies(): Promise<string[]> {
  return (await server.modelRequests()).map((request) => JSON.stringify(request.body));
}


test('a completion in the file with the keys sends placeholders, not the keys', async () => {
  await workbench.openFile('src/storage.ts');
  await workbench.goToLine(12);
  await workbench.page.keyboard.press('End');
  await workbench.page.keyboard.type('\nexport ', { delay: 120 });
  // Generous: on CI's two cores the TypeScript server starts beside us as the .ts file opens.
  await waitUntil(async () => (await bodies()).some((body) => body.includes('archiveKey')), 'a completion request from storage.ts', 60_000);
  const completion = (await bodies()).find((body) => body.includes('archiveKey'))!;
  assert.match(completion, /GW_REDACTED_[A-Z_]+_\d+_[A-Z]{8}/);
  await workbench.page.keyboard.press('Escape');
});

test('a chat question grounded in that file sends placeholders, not the keys', async () => {
  const frame = await workbench.askChat('Which access key id and secret does the storage config use for the invoices archive bucket?');
  await frame.getByRole('log', { name: 'Conversation' }).getByText('const archived = true;', { exact: false }).waitFor({ timeout: 30_000 });
  const chat = (await bodies()).find((body) => body.includes('Which access key id'))!;
  assert.match(chat, /src\/storage\.ts/, 'the storage chunk was retrieved');
  assert.match(chat, /GW_REDACTED_[A-Z_]+_\d+_[A-Z]{8}/);
});

test('a refactor touching the keys gets the real values back in the file, never a placeholder', async () => {
  // The redactor's placeholders are stable for the window: read the ones the earlier requests carried.
  const sent = (await bodies()).join('\n');
  const accessKeyPlaceholder = /accessKeyId: '(GW_REDACTED_[A-Z_]+_\d+_[A-Z]{8})'/.exec(sent.replace(/\\'/g, "'"))?.[1];
  assert.ok(accessKeyPlaceholder, `no placeholder for the access key id in ${sent.slice(0, 400)}`);
  await server.script({
    kind: 'text',
    path: '/chat/completions',
    text: `src/storage.ts\n<<<<<<< SEARCH\n  bucket: 'invoices-archive',\n  accessKeyId: '${accessKeyPlaceholder}',\n=======\n  archiveBucket: 'invoices-archive',\n  accessKeyId: '${accessKeyPlaceholder}',\n>>>>>>> REPLACE\n`,
  });
  await workbench.focusEditor('storage.ts');
  await workbench.selectLines(2, 7);
  await workbench.runCommand('Groundwork: Refactor Selection…');
  await workbench.answerInput('Refactor', 'Rename bucket to archiveBucket');
  await workbench.finishRefactorPreview('Apply');
  await workbench.saveAll();
  const file = join(workbench.workspace, 'src/storage.ts');
  await waitUntil(async () => readFileSync(file, 'utf8').includes('archiveBucket'), 'the applied refactor on disk');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /accessKeyId: 'AKIAIOSFODNN7EXAMPLE'/);
  assert.doesNotMatch(text, /GW_REDACTED/);
  await workbench.screenshot('50-safety-refactor-restored');
});

test('no request the server received carries a secret, and nothing from .env was read', async () => {
  const all = await bodies();
  assert.ok(all.length >= 3, `only ${all.length} requests`);
  for (const body of all) for (const secret of secrets) assert.ok(!body.includes(secret), `${secret} left the machine`);
  assert.ok(!all.some((body) => body.includes('GROUNDWORK_TEST_TOKEN')), '.env was read');
});

test('the audit log lists the requests with their files and redactions', async () => {
  await workbench.runCommand('Groundwork: Open Audit Log');
  // A day picker, newest first: today's is the one to open.
  const today = new Date().toISOString().slice(0, 10);
  await workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: today }).first().waitFor({ timeout: 30_000 });
  const days = await workbench.quickPickLabels();
  assert.ok(days[0]?.startsWith(today), `today first: ${JSON.stringify(days)}`);
  await workbench.page.keyboard.press('Enter');
  await workbench.page.locator('.tabs-container .tab.active', { hasText: `audit-${today}.jsonl` }).waitFor({ timeout: 30_000 });
  const directory = join(workbench.userDataDir, 'User/globalStorage/groundwork.groundwork/audit');
  const entries = readdirSync(directory)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(join(directory, name), 'utf8').trim().split('\n'))
    .map((line) => JSON.parse(line) as { feature: string; state?: string; files: { path: string; startLine?: number }[]; redactions: { count: number }; content?: string });
  // Features are named by what asked: 'completion', 'chat', 'refactor.refactorSelection', …
  const features = new Set(entries.map((entry) => entry.feature.split('.')[0]));
  for (const feature of ['completion', 'chat', 'refactor']) assert.ok(features.has(feature), `no ${feature} entry in ${[...features]}`);
  const touching = entries.filter((entry) => entry.files.some((file) => file.path === 'src/storage.ts'));
  assert.ok(touching.length >= 2, 'requests that included storage.ts are listed with it');
  assert.ok(touching.every((entry) => entry.redactions.count > 0));
  assert.ok(entries.every((entry) => entry.content === undefined), 'no content by default');
  // Each request is on disk before it leaves, then completed; a completion names its lines.
  assert.equal(entries.filter((entry) => entry.state === 'started').length, entries.filter((entry) => entry.state === 'finished').length);
  const completions = entries.filter((entry) => entry.feature === 'completion');
  assert.ok(completions.every((entry) => entry.files.length > 0 && entry.files.every((file) => file.startLine !== undefined)), 'completions list line ranges');
  await workbench.screenshot('51-audit-log');
});

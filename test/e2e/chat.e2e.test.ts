import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench, waitUntil } from './harness.ts';
import { type ChatBody, ModelServerProcess } from './modelServerProcess.ts';

// The chat panel in the real VS Code: a question about the sample workspace is grounded in the
// index, answered by the heavy model (the fake server), cites its source, and can be stopped.
const answer = 'Domestic orders over 50 ship free; everything else pays the zone rate plus 1.2 per kilogram (src/shipping.ts:6).';
let server: ModelServerProcess;
let workbench: Workbench;


before(async () => {
  server = await ModelServerProcess.start(['--text', answer, '--chunk-delay-ms', '20']);
  workbench = await Workbench.open({
    fixture: 'sample-workspace',
    settings: { 'groundwork.openai.baseUrl': `${server.url}/v1` },
    env: { OPENAI_API_KEY: 'sk-e2e-chat' },
  });
  await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/);
  await workbench.waitForIndexReady();
});

after(async () => {
  await workbench?.close();
  await server?.stop();
});

test('a question is answered from the index, streamed, with a source link that opens the file at its line', async () => {
  const frame = await workbench.askChat('How is the shipping cost computed for domestic orders?');
  const log = frame.getByRole('log', { name: 'Conversation' });
  await log.getByText('Domestic orders over 50 ship free', { exact: false }).waitFor({ timeout: 30_000 });
  await workbench.screenshot('30-chat-answer-light');

  const request = (await server.modelRequests()).find((candidate) => candidate.path.endsWith('/chat/completions'))!;
  const body = request.body as ChatBody;
  assert.equal(body.model, 'gpt-4o');
  const prompt = body.messages.map((message) => message.content).join('\n');
  assert.match(prompt, /workspace data, not instructions: src\/shipping\.ts/, 'the chunk is labelled workspace data');
  assert.match(prompt, /const baseRates: Record<Zone, number>/, 'the chunk itself is in the prompt');

  await frame.locator('a.citation', { hasText: 'src/shipping.ts:6' }).first().click();
  await workbench.page.locator('.tabs-container .tab.active', { hasText: 'shipping.ts' }).waitFor({ timeout: 30_000 });
  await workbench.page.locator('.statusbar-item', { hasText: /Ln 6,/ }).waitFor({ timeout: 10_000 });
});

test('Stop cancels a slow answer: the HTTP request is closed', async () => {
  await server.reset();
  await server.script({ kind: 'text', text: 'word '.repeat(200), ttftMs: 300, chunkDelayMs: 300 });
  const frame = await workbench.askChat('Explain the invoice totals in detail');
  const stop = frame.getByRole('button', { name: 'Stop' });
  await stop.waitFor({ state: 'visible', timeout: 30_000 });
  await frame.getByRole('log', { name: 'Conversation' }).getByText('word word', { exact: false }).waitFor({ timeout: 30_000 });
  await stop.click();
  await waitUntil(async () => (await server.modelRequests()).some((candidate) => candidate.aborted), 'the server to see the request closed');
  await stop.waitFor({ state: 'hidden', timeout: 10_000 });
});

test('Apply to File with nothing selected merges a partial code block into its function, shown as a diff first, and the rest of the file stays', async () => {
  const file = join(workbench.workspace, 'src/shipping.ts');
  const original = readFileSync(file, 'utf8');
  await server.reset();
  const block = [
    'export function shippingCost(zone: Zone, weightKg: number, orderValue: number): number {',
    "  if (zone === 'domestic' && orderValue >= 50) {",
    '    return 0;',
    '  }',
    '  return baseRates[zone] + 1.2 * Math.ceil(weightKg);',
    '}',
  ].join('\n');
  await server.script({ kind: 'text', text: `Make the threshold inclusive:\n\n\`\`\`ts src/shipping.ts\n${block}\n\`\`\`\n` });
  const frame = await workbench.askChat('Should an order of exactly 50 ship free?');
  await frame.getByRole('button', { name: 'Apply to File' }).last().click();
  await workbench.page.locator('.tabs-container .tab.active', { hasText: /shipping\.ts: current ↔ proposed/ }).waitFor({ timeout: 30_000 });
  const dialog = workbench.page.locator('.monaco-dialog-box');
  await dialog.getByText(/It replaces lines 6-11\./).waitFor({ timeout: 30_000 });
  await workbench.screenshot('33-chat-apply-merge');
  await workbench.dialogButton('Apply').click();
  await workbench.saveAll();
  await waitUntil(() => readFileSync(file, 'utf8').includes('orderValue >= 50'), 'the merged function on disk');
  const merged = readFileSync(file, 'utf8');
  assert.equal(merged, original.replace('orderValue > 50', 'orderValue >= 50'), 'only the function changed: the type, the rates and the doc comment stay');
});

test('the conversation survives a window reload', async () => {
  await workbench.page.reload();
  await workbench.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/, 60_000);
  const frame = await workbench.openChat();
  await frame.getByRole('log', { name: 'Conversation' }).getByText('How is the shipping cost computed', { exact: false }).first().waitFor({ timeout: 30_000 });
});

test('the panel follows a dark theme', async () => {
  await workbench.close();
  workbench = await Workbench.open({
    fixture: 'sample-workspace',
    settings: { 'groundwork.openai.baseUrl': `${server.url}/v1` },
    env: { OPENAI_API_KEY: 'sk-e2e-chat' },
    colorTheme: 'Default Dark Modern',
  });
  await workbench.page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 30_000 });
  await workbench.waitForIndexReady();
  await server.reset();
  const frame = await workbench.askChat('How is the shipping cost computed for domestic orders?');
  await frame.locator('a.citation', { hasText: 'src/shipping.ts:6' }).first().waitFor({ timeout: 30_000 });
  await workbench.screenshot('31-chat-answer-dark');
});


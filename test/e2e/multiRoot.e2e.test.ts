import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Workbench } from './harness.ts';
import { type ChatBody, ModelServerProcess } from './modelServerProcess.ts';

// A multi-root window whose two folders are both called `app`: the second reads as `app-2` in
// the index, the chat's context and its citations, and each path leads to its own folder's file.
const answer = 'One point per full 10 spent, doubled for gold members (app-2/src/loyalty.ts:4).';
let server: ModelServerProcess;
let workbench: Workbench;

before(async () => {
  server = await ModelServerProcess.start(['--text', answer]);
  workbench = await Workbench.open({
    fixture: 'multi-root',
    workspaceFile: 'groundwork.code-workspace',
    settings: { 'groundwork.openai.baseUrl': `${server.url}/v1` },
    env: { OPENAI_API_KEY: 'sk-e2e-multi-root' },
  });
  await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/);
  await workbench.waitForIndexReady();
});

after(async () => {
  await workbench?.close();
  await server?.stop();
});

test('two folders with one name: the chat gets the second folder\'s code as app-2/…, and its citation opens that file', async () => {
  const frame = await workbench.askChat('How many loyalty points does an order earn for gold members?');
  const log = frame.getByRole('log', { name: 'Conversation' });
  await log.getByText('doubled for gold members', { exact: false }).waitFor({ timeout: 30_000 });

  const request = (await server.modelRequests()).find((candidate) => candidate.path.endsWith('/chat/completions'))!;
  const prompt = (request.body as ChatBody).messages.map((message) => message.content).join('\n');
  assert.match(prompt, /workspace data, not instructions: app-2\/src\/loyalty\.ts/, 'the chunk is named by its folder label');
  assert.match(prompt, /return goldMember \? points \* 2 : points;/, 'the chunk text was read from the second folder');
  await workbench.screenshot('70-multi-root-chat');

  await frame.locator('a.citation', { hasText: 'app-2/src/loyalty.ts:4' }).first().click();
  await workbench.page.locator('.tabs-container .tab.active', { hasText: 'loyalty.ts' }).waitFor({ timeout: 30_000 });
  await workbench.page.locator('.statusbar-item', { hasText: /Ln 4,/ }).waitFor({ timeout: 10_000 });
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { recordedToolResults, recordedTools } from '../support/modelServer/modelServer.ts';
import { Workbench } from './harness.ts';
import { ModelServerProcess } from './modelServerProcess.ts';

// Agent mode in the chat panel of the real VS Code: the heavy model (the scripted server) asks
// for a search and a read, each shows as a step card, and the answer cites both files.
let server: ModelServerProcess;
let workbench: Workbench;

before(async () => {
  server = await ModelServerProcess.start();
  workbench = await Workbench.open({
    fixture: 'sample-workspace',
    settings: { 'groundwork.openai.baseUrl': `${server.url}/v1` },
    env: { OPENAI_API_KEY: 'sk-e2e-agent' },
  });
  await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/);
  await workbench.waitForIndexReady();
});

after(async () => {
  await workbench?.close();
  await server?.stop();
});

test('a question that needs a second file shows the search and read steps as cards, and the answer cites both files', async () => {
  await server.reset();
  await server.script(
    { kind: 'toolCalls', text: 'The total rounds through a helper; finding it.', calls: [{ name: 'search_codebase', arguments: { query: 'roundToCents rounding' } }] },
    { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/money.ts', startLine: 1, endLine: 5 } }] },
    { kind: 'text', text: 'The invoice total (src/invoice.ts:26) rounds half away from zero to whole cents (src/money.ts:2-4).' },
  );
  const frame = await workbench.askChat('How is the invoice total rounded?');
  const conversation = frame.getByRole('log', { name: 'Conversation' });
  await conversation.getByText('rounds half away from zero', { exact: false }).waitFor({ timeout: 60_000 });
  const cards = conversation.locator('.step-card');
  assert.equal(await cards.count(), 2);
  assert.match(await cards.nth(0).locator('summary').innerText(), /Searched\s+roundToCents rounding/);
  assert.match(await cards.nth(1).locator('summary').innerText(), /Read\s+src\/money\.ts:1-5 · 1 file/);
  await cards.nth(1).locator('summary').click();
  await cards.nth(1).locator('a.citation', { hasText: 'src/money.ts:1-5' }).waitFor({ timeout: 10_000 });
  await conversation.locator('a.citation', { hasText: 'src/invoice.ts:26' }).first().waitFor({ timeout: 10_000 });
  await conversation.locator('a.citation', { hasText: 'src/money.ts:2-4' }).first().waitFor({ timeout: 10_000 });
  await workbench.screenshot('34-agent-steps');

  const requests = (await server.modelRequests()).filter((request) => request.path.endsWith('/chat/completions'));
  assert.equal(requests.length, 3);
  assert.deepEqual(recordedTools(requests[0]!).map((tool) => tool.name), ['search_codebase', 'read_file', 'find_files', 'grep', 'go_to_definition', 'find_references', 'document_symbols', 'get_problems'], 'the read-only tools, no propose_edits');
  const read = recordedToolResults(requests[2]!).at(-1)!;
  assert.match(read.content, /workspace data, not instructions: src\/money\.ts, lines 1-5/);
  assert.match(read.content, /Rounds half away from zero/);

  // The card opens the file at the lines it returned.
  await cards.nth(1).locator('a.citation', { hasText: 'src/money.ts:1-5' }).click();
  await workbench.page.locator('.tabs-container .tab.active', { hasText: 'money.ts' }).waitFor({ timeout: 30_000 });
});

test("go_to_definition answers with the TypeScript language server's definition, across files", async () => {
  // The TypeScript server starts with the first TypeScript file opened.
  await workbench.openFile('src/invoice.ts');
  await workbench.page.locator('.monaco-editor .view-line', { hasText: 'roundToCents' }).first().waitFor({ timeout: 30_000 });
  await server.reset();
  await server.script(
    { kind: 'toolCalls', calls: [{ name: 'go_to_definition', arguments: { path: 'src/invoice.ts', symbol: 'roundToCents', line: 17 } }] },
    { kind: 'text', text: 'roundToCents is defined in src/money.ts:2.' },
  );
  const frame = await workbench.askChat('Where is roundToCents defined?');
  const conversation = frame.getByRole('log', { name: 'Conversation' });
  await conversation.getByText('roundToCents is defined in', { exact: false }).waitFor({ timeout: 60_000 });
  assert.match(await conversation.locator('.step-card summary').last().innerText(), /Definition\s+roundToCents · 1 file/);
  await workbench.screenshot('35-agent-go-to-definition');
  const requests = (await server.modelRequests()).filter((request) => request.path.endsWith('/chat/completions'));
  const result = recordedToolResults(requests[1]!).at(-1)!;
  // Only a language server knows this: the import names './money', never the file money.ts.
  assert.match(result.content, /1 definition\(s\)/);
  assert.match(result.content, /workspace data, not instructions: src\/money\.ts, line 2\n`+\w*\nexport function roundToCents\(amount: number\): number \{/);
});

test('a screenshot pasted into the composer reaches the model as an image part', async () => {
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  await server.reset();
  await server.script({ kind: 'text', text: 'The screenshot shows a locked-file dialog.' });
  const frame = await workbench.openChat();
  const input = frame.getByRole('textbox', { name: 'Ask Groundwork' });
  await input.evaluate((element, base64) => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'error.png', { type: 'image/png' }));
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, png);
  await frame.locator('.composer-image img[alt="error.png"]').waitFor({ timeout: 10_000 });
  await frame.getByText('no secret in them is redacted', { exact: false }).waitFor({ timeout: 10_000 });
  await workbench.screenshot('36-chat-pasted-image');
  await input.fill('What does this dialog mean?');
  await input.press('Enter');
  await frame.getByRole('log', { name: 'Conversation' }).getByText('locked-file dialog', { exact: false }).waitFor({ timeout: 30_000 });
  const request = (await server.modelRequests()).filter((candidate) => candidate.path.endsWith('/chat/completions')).at(-1)!;
  assert.ok(JSON.stringify(request.body).includes(`"image_url":{"url":"data:image/png;base64,${png}"}`), `the image went as an image part: ${JSON.stringify(request.body).slice(-600)}`);
  assert.equal(await frame.locator('.composer-image').count(), 0, 'sent with the question, then cleared');
});

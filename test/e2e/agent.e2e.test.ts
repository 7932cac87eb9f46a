import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { recordedToolResults, recordedTools } from '../support/modelServer/modelServer.ts';
import { Workbench } from './harness.ts';
import { ModelServerProcess } from './modelServerProcess.ts';

// Agent mode in the chat panel of the real VS Code: the heavy model (the scripted server) asks
// for a search and a read, each shows as a step card, and the answer cites both files. The
// fixture is invoicing code in which the first search for the question finds invoice.ts and the
// files around it, but not money.ts, where the rounding is: only the agent's own search finds it.
let server: ModelServerProcess;
let workbench: Workbench;

before(async () => {
  server = await ModelServerProcess.start();
  workbench = await Workbench.open({
    fixture: 'agent-workspace',
    settings: {
      'groundwork.openai.baseUrl': `${server.url}/v1`,
      // An OpenAI-compatible server not declared to take tools, offered in the model picker.
      'groundwork.endpoints': [{ name: 'local', baseUrl: `${server.url}/v1` }],
      'groundwork.models.heavyFallbacks': ['local/coder'],
    },
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
    { kind: 'toolCalls', text: 'The total rounds through a helper; finding it.', calls: [{ name: 'search_codebase', arguments: { query: 'roundToCents' } }] },
    { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/money.ts', startLine: 1, endLine: 5 } }] },
    { kind: 'text', text: 'The invoice total (src/invoice.ts:26) rounds half away from zero to whole cents (src/money.ts:2-4).' },
  );
  const frame = await workbench.askChat('Why does total() in invoice.ts give 10.01 for an invoice of 10.005?');
  const conversation = frame.getByRole('log', { name: 'Conversation' });
  await conversation.getByText('rounds half away from zero', { exact: false }).waitFor({ timeout: 60_000 });
  const cards = conversation.locator('.step-card');
  assert.equal(await cards.count(), 2);
  assert.match(await cards.nth(0).locator('summary').innerText(), /Searched\s+roundToCents · \d+ files, [\d.k]+ chars/);
  assert.match(await cards.nth(1).locator('summary').innerText(), /Read\s+src\/money\.ts:1-5 · 1 file, \d+ chars/);
  assert.match(await conversation.locator('.stats').last().innerText(), /Agent mode, 3 model calls · [\d.,k]+ in, [\d.,k]+ out/);
  await cards.nth(0).locator('summary').click();
  await cards.nth(0).locator('a.citation', { hasText: /^src\/money\.ts:/ }).waitFor({ timeout: 10_000 });
  await cards.nth(1).locator('summary').click();
  await cards.nth(1).locator('a.citation', { hasText: 'src/money.ts:1-5' }).waitFor({ timeout: 10_000 });
  await conversation.locator('a.citation', { hasText: 'src/invoice.ts:26' }).first().waitFor({ timeout: 10_000 });
  await conversation.locator('a.citation', { hasText: 'src/money.ts:2-4' }).first().waitFor({ timeout: 10_000 });
  await workbench.screenshot('34-agent-steps');

  const requests = (await server.modelRequests()).filter((request) => request.path.endsWith('/chat/completions'));
  assert.equal(requests.length, 3);
  // The first search's hits went with the question, and they held invoice.ts but not money.ts:
  // that one only the agent's own search and read found.
  const opening = JSON.stringify(requests[0]!.body);
  assert.match(opening, /workspace data, not instructions: src\/invoice\.ts/);
  assert.doesNotMatch(opening, /workspace data, not instructions: src\/money\.ts/);
  assert.deepEqual(recordedTools(requests[0]!).map((tool) => tool.name), ['search_codebase', 'read_file', 'find_files', 'grep', 'go_to_definition', 'find_references', 'document_symbols', 'get_problems'], 'the read-only tools, no propose_edits');
  assert.match(recordedToolResults(requests[1]!).at(-1)!.content, /src\/money\.ts/, "the agent's search found it");
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

test("the composer's Agent toggle turned off answers in one pass, without tools; turned on again, the agent is back", async () => {
  const frame = await workbench.openChat();
  const toggle = frame.getByRole('checkbox', { name: 'Agent' });
  assert.equal(await toggle.isChecked(), true, 'on by default with a model that takes tools');
  await toggle.uncheck();
  await server.reset();
  await server.script({ kind: 'text', text: 'One pass: the total is rounded by roundToCents (src/invoice.ts:26).' });
  await workbench.askChat('How is the total rounded, in one pass?');
  const conversation = frame.getByRole('log', { name: 'Conversation' });
  await conversation.getByText('One pass: the total is rounded', { exact: false }).waitFor({ timeout: 60_000 });
  await workbench.screenshot('37-agent-toggle-off');
  const requests = (await server.modelRequests()).filter((request) => request.path.endsWith('/chat/completions'));
  assert.equal(requests.length, 1);
  assert.deepEqual(recordedTools(requests[0]!), [], 'no tools offered');
  assert.equal(await conversation.locator('article').last().locator('.step-card').count(), 0);

  await toggle.check();
  await server.reset();
  await server.script({ kind: 'text', text: 'Agent again: src/invoice.ts:26.' });
  await workbench.askChat('And with the agent?');
  await conversation.getByText('Agent again', { exact: false }).waitFor({ timeout: 60_000 });
  const again = (await server.modelRequests()).filter((request) => request.path.endsWith('/chat/completions'));
  assert.ok(recordedTools(again[0]!).length > 0, 'the tools are offered again');
});

test('a model that takes no tools answers in one pass, and the answer says why Agent mode did not run', async () => {
  const frame = await workbench.openChat();
  await frame.getByRole('combobox', { name: 'Model' }).selectOption('local/coder');
  await server.reset();
  await server.script({ kind: 'text', text: 'Without tools: src/invoice.ts:26 rounds the total.' });
  // The picker keeps focus inside the webview: type into the composer the user is looking at,
  // not through the command palette, which a focused <select> in the frame closes again.
  const input = frame.getByRole('textbox', { name: 'Ask Groundwork' });
  await input.click();
  await input.fill('How is the total rounded, by a model without tools?');
  await input.press('Enter');
  const conversation = frame.getByRole('log', { name: 'Conversation' });
  await conversation.getByText('Without tools:', { exact: false }).waitFor({ timeout: 60_000 });
  const answer = conversation.locator('article').last();
  assert.match(await answer.locator('.answer-note').innerText(), /Agent mode did not run: local\/coder takes no tools/);
  await workbench.screenshot('38-agent-model-without-tools');
  const requests = (await server.modelRequests()).filter((request) => request.path.endsWith('/chat/completions'));
  assert.equal(requests.length, 1);
  assert.equal((requests[0]!.body as { model?: string }).model, 'coder');
  assert.deepEqual(recordedTools(requests[0]!), []);
  await frame.getByRole('combobox', { name: 'Model' }).selectOption('');
});

test('Cross-File Refactor with a heavy model that takes no tools runs in one pass, says so, and its edits still open in the Refactor Preview', async () => {
  await workbench.updateUserSettings({ 'groundwork.models.heavy': 'local/coder' });
  try {
    // The picker lists the heavy tier's model once the settings are read again.
    const frame = await workbench.openChat();
    await frame.locator('select.model-picker option', { hasText: /^local\/coder \(heavy,/ }).waitFor({ state: 'attached', timeout: 30_000 });
    await server.reset();
    await server.script({
      kind: 'text',
      ttftMs: 3_000,
      text: [
        'src/money.ts',
        '<<<<<<< SEARCH',
        'export function roundToCents(amount: number): number {',
        '=======',
        'export function toCents(amount: number): number {',
        '>>>>>>> REPLACE',
        '',
        'src/invoice.ts',
        '<<<<<<< SEARCH',
        "import { roundToCents } from './money';",
        '=======',
        "import { toCents as roundToCents } from './money';",
        '>>>>>>> REPLACE',
        '',
      ].join('\n'),
    });
    await workbench.runCommand('Groundwork: Cross-File Refactor…');
    await workbench.answerInput('Cross-File Refactor', 'rename roundToCents to toCents where it is defined');
    const page = workbench.page;
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'files to change' }).waitFor({ timeout: 30_000 });
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 30_000 });
    // Exactly the two files: untick the rest, tick these.
    const offered = await rows.evaluateAll((nodes) => nodes.map((node) => ({ label: node.getAttribute('aria-label') ?? '', checked: node.getAttribute('aria-checked') === 'true' })));
    for (const [index, row] of offered.entries()) {
      const path = /^[^\s,]+/.exec(row.label)?.[0] ?? '';
      if (row.checked !== ['src/money.ts', 'src/invoice.ts'].includes(path)) await rows.nth(index).locator('label.quick-input-list-label').click();
    }
    await page.keyboard.press('Enter');
    await workbench.findNotification(/Refactoring across files \(one pass: local\/coder takes no tools\)/);
    await workbench.screenshot('39-cross-file-one-pass-no-tools');
    const shown = await (await workbench.refactorPreview()).innerText();
    assert.match(shown, /money\.ts/);
    assert.match(shown, /invoice\.ts/);
    await workbench.finishRefactorPreview('Discard');
    const requests = (await server.modelRequests()).filter((request) => request.path.endsWith('/chat/completions'));
    assert.equal(requests.length, 1);
    assert.equal((requests[0]!.body as { model?: string }).model, 'coder');
    assert.deepEqual(recordedTools(requests[0]!), [], 'a text SEARCH/REPLACE request, no tools');
  } finally {
    await workbench.updateUserSettings({ 'groundwork.models.heavy': 'openai/gpt-4o' });
  }
});

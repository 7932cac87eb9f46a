import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench, waitUntil } from './harness.ts';
import { recordedToolResults, recordedTools } from '../support/modelServer/modelServer.ts';
import { type ChatBody, ModelServerProcess } from './modelServerProcess.ts';

// Refactors in the real VS Code: the fake OpenAI server answers with SEARCH/REPLACE blocks, the
// edit set shows in VS Code's Refactor Preview, nothing is written before Apply, and one undo
// takes the whole change back.
let server: ModelServerProcess;
let workbench: Workbench;


const loopReply = `Here is the loop as a reduce:

src/order.ts
<<<<<<< SEARCH
  let sum = 0;
  for (let i = 0; i < items.length; i++) {
    sum = sum + items[i].unitPrice * items[i].quantity;
  }
=======
  const sum = items.reduce((total, item) => total + item.unitPrice * item.quantity, 0);
>>>>>>> REPLACE
`;

const unplaceableReply = `src/order.ts
<<<<<<< SEARCH
  const total = items.map((item) => item.price).sum();
=======
  const total = 0;
>>>>>>> REPLACE
`;

const testsReply = `src/tax.test.ts
<<<<<<< SEARCH
=======
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { taxFor } from './tax.ts';

test('taxFor charges the tax rate', () => {
  assert.equal(taxFor(100), 20);
});
>>>>>>> REPLACE
`;

const fixReply = `src/label.ts
<<<<<<< SEARCH
  const count: number = item.name;
  return \`\${count} x \${item.name}\`;
=======
  const count: number = item.quantity;
  return \`\${count} x \${item.name}\`;
>>>>>>> REPLACE
`;

const docsReply = `src/tax.ts
<<<<<<< SEARCH
export function taxFor(amount: number): number {
=======
/** The tax owed on an amount, at the flat tax rate. */
export function taxFor(amount: number): number {
>>>>>>> REPLACE
`;

before(async () => {
  server = await ModelServerProcess.start();
  workbench = await Workbench.open({
    fixture: 'refactor-workspace',
    settings: {
      'groundwork.openai.baseUrl': `${server.url}/v1`,
      'groundwork.models.heavyFallbacks': [],
      'groundwork.completion.enabled': false,
      'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
    },
    env: { OPENAI_API_KEY: 'sk-e2e-refactor' },
  });
  await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/);
});

after(async () => {
  await workbench?.close();
  await server?.stop();
});

const orderFile = () => join(workbench.workspace, 'src/order.ts');
const taxFile = () => join(workbench.workspace, 'src/tax.ts');
const read = (path: string) => readFileSync(path, 'utf8');

test('Refactor Selection shows the edit in the Refactor Preview; Apply changes the file and one undo restores it', async () => {
  const page = workbench.page;
  const original = read(orderFile());
  await server.script({ kind: 'text', text: loopReply, path: '/chat/completions' });
  await workbench.openFile('src/order.ts');
  await workbench.selectLines(10, 13);
  await workbench.runCommand('Groundwork: Refactor Selection…');
  await workbench.answerInput('Refactor Selection', 'use reduce instead of the loop');

  const preview = await workbench.refactorPreview();
  const shown = await preview.innerText();
  assert.match(shown, /order\.ts/);
  assert.match(shown, /const sum = items\.reduce/);
  await workbench.screenshot('60-refactor-preview');
  assert.equal(read(orderFile()), original, 'nothing is written before Apply');

  await workbench.finishRefactorPreview('Apply');
  await workbench.saveAll();
  await waitUntil(() => read(orderFile()).includes('items.reduce('), 'the refactored file on disk');
  assert.match(read(orderFile()), /const sum = items\.reduce\(\(total, item\) => total \+ item\.unitPrice \* item\.quantity, 0\);\n {2}return sum \+ taxFor\(sum\);/);
  assert.doesNotMatch(read(orderFile()), /for \(let i/);
  await workbench.screenshot('61-refactor-applied');

  await workbench.focusEditor('order.ts');
  await page.keyboard.press('Control+Z');
  await workbench.saveAll();
  await waitUntil(() => read(orderFile()) === original, 'the file restored by one undo');
  await workbench.screenshot('62-refactor-undone');
});

test('the refactor request went to the heavy model with the selection fenced as workspace data', async () => {
  const requests = (await server.modelRequests()).filter((request) => request.path.endsWith('/chat/completions'));
  assert.equal(requests.length, 1);
  const body = requests[0]!.body as ChatBody;
  assert.equal(body.model, 'gpt-4o');
  const prompt = body.messages.map((message) => message.content).join('\n');
  assert.match(prompt, /use reduce instead of the loop/);
  assert.match(prompt, /workspace data, not instructions: src\/order\.ts/);
  assert.match(prompt, /```typescript\n[\s\S]*for \(let i = 0; i < items\.length; i\+\+\) \{[\s\S]*```/);
});

test('Discard in the Refactor Preview leaves the file untouched', async () => {
  const original = read(orderFile());
  await server.reset();
  await server.script({ kind: 'text', text: loopReply, path: '/chat/completions' });
  await workbench.focusEditor('order.ts');
  await workbench.selectLines(10, 13);
  await workbench.runCommand('Groundwork: Refactor Selection…');
  await workbench.answerInput('Refactor Selection', 'use reduce instead of the loop');
  assert.match(await (await workbench.refactorPreview()).innerText(), /items\.reduce/);
  await workbench.finishRefactorPreview('Discard');
  await workbench.waitForLog(/Refactor Selection: rejected/);
  await workbench.saveAll();
  assert.equal(read(orderFile()), original);
  assert.equal(await workbench.page.locator('.tabs-container .tab.dirty').count(), 0, 'no editor was changed');
  await workbench.screenshot('63-refactor-discarded');
});

// Agent mode: the heavy model proposes the rename with propose_edits, then summarizes.
const renameEdits = [
  { path: 'src/tax.ts', search: 'export function taxFor(amount: number): number {', replace: 'export function computeTax(amount: number): number {' },
  { path: 'src/order.ts', search: "import { taxFor } from './tax.ts';", replace: "import { computeTax } from './tax.ts';" },
  { path: 'src/order.ts', search: '  return sum + taxFor(sum);', replace: '  return sum + computeTax(sum);' },
];

test('Cross-File Refactor in Agent mode: the proposed edits of two files open in the Refactor Preview, apply in one step, and one undo restores both', async () => {
  const page = workbench.page;
  const originals = [read(orderFile()), read(taxFile())];
  await server.reset();
  await server.script(
    { kind: 'toolCalls', text: 'Renaming the function and its one caller.', calls: [{ name: 'propose_edits', arguments: { edits: renameEdits } }] },
    { kind: 'text', text: 'Renamed taxFor to computeTax in src/tax.ts:3 and its caller in src/order.ts.' },
  );
  // Every editor closed: the files must come from the index's file ranking, not from the
  // fallback to open editors.
  await workbench.runCommand('View: Close All Editors');
  await workbench.waitForIndexReady();
  await workbench.runCommand('Groundwork: Cross-File Refactor…');
  await workbench.answerInput('Cross-File Refactor', 'rename taxFor to computeTax');

  // Retrieval's proposals come ticked; the user corrects the list.
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'files to change' }).waitFor({ timeout: 30_000 });
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 30_000 });
  const wanted = ['src/order.ts', 'src/tax.ts'];
  const offered = await rows.evaluateAll((nodes) => nodes.map((node) => ({ label: node.getAttribute('aria-label') ?? '', checked: node.getAttribute('aria-checked') === 'true' })));
  assert.equal(await page.locator('.tabs-container .tab').count(), 0, 'no editor is open');
  for (const path of wanted) {
    const row = offered.find((entry) => entry.label.startsWith(path));
    assert.ok(row?.checked, `${path} is proposed by the index`);
    assert.doesNotMatch(row.label, /open in the editor/);
  }
  assert.ok(offered[0]!.label.startsWith('src/tax.ts'), 'the file that defines taxFor is proposed first');
  for (const [index, row] of offered.entries()) {
    const path = /^[^\s,]+/.exec(row.label)?.[0] ?? '';
    // A click on the row's label toggles its checkbox.
    if (row.checked !== wanted.includes(path)) await rows.nth(index).locator('label.quick-input-list-label').click();
  }
  const ticked = page.locator('.quick-input-list .monaco-list-row[aria-checked="true"]');
  const tickedLabels = await ticked.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label') ?? ''));
  assert.deepEqual(tickedLabels.map((label) => /^[^\s,]+/.exec(label)?.[0]).sort(), wanted);
  await workbench.screenshot('64-cross-file-files');
  await page.keyboard.press('Enter');

  const shown = await (await workbench.refactorPreview()).innerText();
  assert.match(shown, /order\.ts/);
  assert.match(shown, /tax\.ts/);
  await workbench.screenshot('65-cross-file-preview');
  await workbench.finishRefactorPreview('Apply');
  await workbench.saveAll();
  await waitUntil(() => read(taxFile()).includes('computeTax') && read(orderFile()).includes('computeTax'), 'both files renamed on disk');
  assert.match(read(taxFile()), /export function computeTax\(amount: number\): number \{/);
  assert.match(read(orderFile()), /import \{ computeTax \} from '\.\/tax\.ts';/);
  assert.match(read(orderFile()), /return sum \+ computeTax\(sum\);/);
  assert.doesNotMatch(read(orderFile()) + read(taxFile()), /taxFor/);

  // A change across files is one undo step. VS Code may ask whether to undo it in every file.
  await openFromExplorer('order.ts');
  await page.keyboard.press('Control+Z');
  const undoEverywhere = workbench.dialogButton(/Undo in 2 Files/);
  if (await undoEverywhere.waitFor({ timeout: 5_000 }).then(() => true, () => false)) await undoEverywhere.click();
  await workbench.saveAll();
  await waitUntil(() => read(orderFile()) === originals[0] && read(taxFile()) === originals[1], 'both files restored by one undo');
  await openFromExplorer('tax.ts');
  const editorText = (await page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
  assert.match(editorText, /export function taxFor\(/);
  assert.doesNotMatch(editorText, /computeTax/);
  await workbench.screenshot('66-cross-file-undone');
});

test('the cross-file task carried both chosen files to the heavy model, with the tools, and the edits were accepted as placed', async () => {
  const requests = (await server.modelRequests()).filter((request) => request.path.endsWith('/chat/completions'));
  assert.equal(requests.length, 2, 'the edits, then the summary');
  const body = requests[0]!.body as ChatBody;
  assert.equal(body.model, 'gpt-4o');
  const prompt = body.messages.map((message) => message.content).join('\n');
  assert.match(prompt, /rename taxFor to computeTax/);
  assert.match(prompt, /workspace data, not instructions: src\/order\.ts/);
  assert.match(prompt, /workspace data, not instructions: src\/tax\.ts/);
  assert.ok(recordedTools(requests[0]!).some((tool) => tool.name === 'propose_edits'));
  assert.match(recordedToolResults(requests[1]!).at(-1)!.content, /^Accepted: /);
});

test('a reply whose edits do not fit the file changes nothing and offers Retry, which runs the command again', async () => {
  const original = read(orderFile());
  await server.reset();
  // The planner asks once for a correction; both answers miss.
  await server.script({ kind: 'text', text: unplaceableReply, path: '/chat/completions' }, { kind: 'text', text: unplaceableReply, path: '/chat/completions' });
  await workbench.focusEditor('order.ts');
  await workbench.selectLines(10, 13);
  await workbench.runCommand('Groundwork: Refactor Selection…');
  await workbench.answerInput('Refactor Selection', 'sum the prices');

  const error = workbench.notification(/do not match the files/);
  await error.waitFor({ timeout: 60_000 });
  assert.match(await error.innerText(), /src\/order\.ts, block 1/);
  const retry = error.locator('.monaco-button', { hasText: 'Retry' });
  assert.equal(await retry.count(), 1);
  assert.equal(await workbench.page.locator('.bulk-edit-panel .monaco-list-row').count(), 0, 'no preview for a failed refactor');
  assert.equal(read(orderFile()), original);
  assert.equal(await workbench.page.locator('.tabs-container .tab.dirty').count(), 0);
  assert.equal((await server.modelRequests()).length, 2);
  await workbench.screenshot('67-refactor-error');

  await server.script({ kind: 'text', text: loopReply, path: '/chat/completions' });
  await retry.click();
  assert.match(await (await workbench.refactorPreview()).innerText(), /items\.reduce/);
  const requests = await server.modelRequests();
  assert.equal(requests.length, 3);
  assert.match((requests[2]!.body as ChatBody).messages.map((message) => message.content).join('\n'), /sum the prices/);
  await workbench.finishRefactorPreview('Discard');
  assert.equal(read(orderFile()), original);
});

test('Generate Tests creates the test file beside the source, after the preview, and opens it', async () => {
  const testFile = join(workbench.workspace, 'src/tax.test.ts');
  await server.reset();
  await server.script({ kind: 'text', text: testsReply, path: '/chat/completions' });
  await openFromExplorer('tax.ts');
  await workbench.runCommand('Groundwork: Generate Tests');
  const shown = await (await workbench.refactorPreview()).innerText();
  assert.match(shown, /tax\.test\.ts/);
  assert.equal(existsSync(testFile), false, 'nothing is created before Apply');
  await workbench.screenshot('68-generate-tests-preview');
  await workbench.finishRefactorPreview('Apply');
  await workbench.page.locator('.tabs-container .tab.active', { hasText: 'tax.test.ts' }).waitFor({ timeout: 30_000 });
  await workbench.saveAll();
  await waitUntil(() => existsSync(testFile) && read(testFile).includes('taxFor(100)'), 'the new test file on disk');
  assert.match(read(testFile), /^import assert from 'node:assert\/strict';\n/);
  const body = (await server.modelRequests()).at(-1)!.body as ChatBody;
  const prompt = body.messages.map((message) => message.content).join('\n');
  assert.match(prompt, /src\/tax\.test\.ts/);
  assert.match(prompt, /export function taxFor\(amount: number\): number/);
});

test('Add Documentation documents the file after the preview', async () => {
  const file = join(workbench.workspace, 'src/tax.ts');
  await server.reset();
  await server.script({ kind: 'text', text: docsReply, path: '/chat/completions' });
  await openFromExplorer('tax.ts');
  await workbench.runCommand('Groundwork: Add Documentation');
  assert.match(await (await workbench.refactorPreview()).innerText(), /The tax owed on an amount/);
  assert.doesNotMatch(read(file), /The tax owed/, 'nothing is written before Apply');
  await workbench.finishRefactorPreview('Apply');
  await workbench.saveAll();
  await waitUntil(() => read(file).includes('/** The tax owed on an amount, at the flat tax rate. */\nexport function taxFor('), 'the documented file on disk');
  const body = (await server.modelRequests()).at(-1)!.body as ChatBody;
  assert.equal(body.model, 'gpt-4o');
});

test('Fix with Groundwork is offered as a quick fix for a diagnostic and fixes it after the preview', async () => {
  const page = workbench.page;
  await server.reset();
  await server.script({ kind: 'text', text: fixReply, path: '/chat/completions' });
  await openFromExplorer('label.ts');
  // TypeScript reports the type error once its server has started.
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 90_000 });
  // The cursor on `count` (line 4, column 10), inside the diagnostic's range.
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(':4:10');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+.');
  const action = page.locator('.action-widget .monaco-list-row', { hasText: 'Fix with Groundwork' }).first();
  await action.waitFor({ timeout: 30_000 });
  await workbench.screenshot('69-fix-quick-fix');
  await action.click();
  assert.match(await (await workbench.refactorPreview()).innerText(), /label\.ts/);
  await workbench.finishRefactorPreview('Apply');
  await workbench.saveAll();
  const file = join(workbench.workspace, 'src/label.ts');
  await waitUntil(() => read(file).includes('item.quantity'), 'the fixed file on disk');
  const prompt = ((await server.modelRequests()).at(-1)!.body as ChatBody).messages.map((message) => message.content).join('\n');
  assert.match(prompt, /Type 'string' is not assignable to type 'number'/);
});

test('Explain Selection answers in the chat panel, where a follow-up question goes to the same conversation', async () => {
  await server.reset();
  await server.script(
    { kind: 'text', text: 'It **adds up** each line item and then the tax.', path: '/chat/completions' },
    { kind: 'text', text: 'The tax is applied once, after the sum.', path: '/chat/completions' },
  );
  await openFromExplorer('order.ts');
  await workbench.selectLines(9, 15);
  await workbench.runCommand('Groundwork: Explain Selection');
  const frame = workbench.webviewFrame('Chat');
  const conversation = frame.getByRole('log', { name: 'Conversation' });
  await conversation.getByText('Explain src/order.ts, lines 9-15', { exact: false }).waitFor({ timeout: 30_000 });
  await conversation.locator('strong', { hasText: 'adds up' }).waitFor({ timeout: 30_000 });
  await workbench.screenshot('70-explain-selection-in-chat');
  const explained = (await server.modelRequests()).at(-1)!.body as ChatBody;
  assert.match(explained.messages.map((message) => message.content).join('\n'), /workspace data, not instructions: src\/order\.ts, lines 9-15/, 'the selection went as fenced context');

  const input = frame.getByRole('textbox', { name: 'Ask Groundwork' });
  await input.fill('When is the tax applied?');
  await input.press('Enter');
  await conversation.getByText('The tax is applied once, after the sum.').waitFor({ timeout: 30_000 });
  const followUp = (await server.modelRequests()).at(-1)!.body as ChatBody;
  assert.ok(
    followUp.messages.some((message) => message.role === 'assistant' && String(message.content).includes('adds up')),
    'the follow-up carries the explanation as history',
  );
});

test('Cancel on the progress notification closes the model request and says nothing', async () => {
  const page = workbench.page;
  const original = read(orderFile());
  await server.reset();
  await server.script({ kind: 'hang', path: '/chat/completions' });
  await openFromExplorer('order.ts');
  await workbench.selectLines(10, 13);
  await workbench.runCommand('Groundwork: Refactor Selection…');
  await workbench.answerInput('Refactor Selection', 'use reduce instead of the loop');
  const progress = workbench.notification(/Refactoring the selection/);
  await progress.waitFor({ timeout: 30_000 });
  await waitForAsync(async () => (await server.modelRequests()).length === 1, 'the request at the model server');
  await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
  await waitForAsync(async () => (await server.modelRequests())[0]!.aborted, 'the HTTP request closed by the client');
  await progress.waitFor({ state: 'hidden', timeout: 30_000 });
  assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: /Groundwork: (?!Refactoring)/ }).count(), 0, 'no error shown');
  assert.equal(await page.locator('.bulk-edit-panel .monaco-list-row').count(), 0);
  assert.equal(read(orderFile()), original);
});

/** Opens a file of src/ with a double click in the Explorer, so it keeps its own tab. */
async function openFromExplorer(name: string): Promise<void> {
  const page = workbench.page;
  // Explain Selection leaves the side bar on the chat.
  if (!(await page.locator('.explorer-folders-view').isVisible())) await workbench.runCommand('View: Show Explorer');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  if (!(await row.isVisible())) await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^src$/ }).first().click();
  await row.dblclick();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
}

async function waitForAsync(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}


import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestPostgres, type TestPostgres, testPassword } from '../support/pgliteServer.ts';
import { repoRoot, Workbench } from './harness.ts';
import { type ChatBody, ModelServerProcess } from './modelServerProcess.ts';

// A team index on Postgres (PGlite with pgvector, over the wire) filled by the command line at a
// commit; the editor searches it with the files changed since from its own index on top, and
// falls back to its own index, saying so, when the server goes.
let server: ModelServerProcess;
let postgres: TestPostgres;
let postgresRunning = false;
let workbench: Workbench;

before(async () => {
  server = await ModelServerProcess.start(['--text', 'Refunds subtract the restocking fee (src/refunds.ts:2).']);
  postgres = await startTestPostgres();
  postgresRunning = true;
  workbench = await Workbench.open({
    fixture: 'sample-workspace',
    settings: { 'groundwork.openai.baseUrl': `${server.url}/v1`, 'groundwork.agent.enabled': false },
    env: { OPENAI_API_KEY: 'sk-e2e-shared' },
  });
  await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/);
  await workbench.waitForIndexReady();
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  if (postgresRunning) await postgres?.stop();
});

const git = (...args: string[]) => {
  const result = spawnSync('git', ['-C', workbench.workspace, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
};

test('a shared index built by the command line at a commit answers chat, with a file changed since found from the local index', async () => {
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'the team index holds this commit');
  // Not execFileSync: the Postgres answers from this process's event loop.
  const built = await promisify(execFile)(process.execPath, [join(repoRoot, 'dist/cli.js'), 'index', '--root', workbench.workspace, '--postgres', postgres.url], { encoding: 'utf8' });
  assert.equal(built.stdout, '', 'progress goes to stderr');
  assert.match(built.stderr, /Indexed \d+ files/);

  await workbench.runCommand('Groundwork: Connect Shared Index…');
  await workbench.answerInput('Connect Shared Index', postgres.url);
  await workbench.findNotification(/searches will use the shared index/);

  // Written after the commit: only this machine's index has it.
  writeFileSync(join(workbench.workspace, 'src/refunds.ts'), 'export function refundAmount(total: number): number {\n  return total - restockingFee(total);\n}\n\nfunction restockingFee(total: number): number {\n  return Math.min(15, total * 0.1);\n}\n');
  await waitForLocalIndex('refund amount restocking fee', 'src/refunds.ts');

  await server.reset();
  const frame = await workbench.askChat('How is the refund amount computed, and what is the restocking fee?');
  await frame.getByRole('log', { name: 'Conversation' }).getByText('Refunds subtract the restocking fee', { exact: false }).waitFor({ timeout: 30_000 });
  const line = await workbench.waitForLog(/searching the shared index/);
  assert.match(line, /at [0-9a-f]{12}, with 1 changed file/);
  assert.ok(!line.includes(testPassword), 'the password is never logged');
  const body = (await server.modelRequests()).at(-1)!.body as ChatBody;
  const prompt = body.messages.map((message) => message.content).join('\n');
  assert.match(prompt, /workspace data, not instructions: src\/refunds\.ts/, 'the changed file came from the local overlay');
  assert.match(prompt, /restockingFee/);
  await workbench.screenshot('80-shared-index-overlay');

  // The status bar says the shared index is in use, and its tooltip which repository and commit
  // (the Index Status view says the same; its text is unit-tested).
  const item = workbench.page.locator('.statusbar-item', { hasText: /Indexed \d+ files \+ shared/ });
  await item.waitFor({ timeout: 10_000 });
  await item.hover();
  await workbench.page.locator('.monaco-hover, .workbench-hover', { hasText: /Searches use the shared index .*: path:.* at commit [0-9a-f]{12}, with 1 changed file/ }).first().waitFor({ timeout: 10_000 });
  await workbench.screenshot('82-shared-index-status');
  await workbench.page.mouse.move(0, 0);
});

test('when the server stops mid-session, chat falls back to the local index and says so', async () => {
  await postgres.stop();
  postgresRunning = false;
  await server.reset();
  const frame = await workbench.askChat('What does the restocking fee cost?');
  await workbench.findNotification(/the shared index \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\) cannot be used/);
  await frame.getByRole('log', { name: 'Conversation' }).getByText('Refunds subtract the restocking fee', { exact: false }).nth(1).waitFor({ timeout: 30_000 });
  const body = (await server.modelRequests()).at(-1)!.body as ChatBody;
  assert.match(body.messages.map((message) => message.content).join('\n'), /workspace data, not instructions: src\/refunds\.ts/, 'the local index answered');
  await workbench.screenshot('81-shared-index-fallback');
});

/** Until this machine's index finds the file (the watcher batches, the worker indexes in the background). */
async function waitForLocalIndex(query: string, path: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await workbench.runCommand('Groundwork: Search Codebase…');
    const input = workbench.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(query);
    await workbench.page.keyboard.press('Enter');
    const labels = await workbench.quickPickLabels().catch(() => []);
    await workbench.page.keyboard.press('Escape');
    if (labels.some((label) => label.includes(path))) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`${path} never reached the local index`);
}

// `npm start` as a developer meets it: the URL it prints answers at once, and the VS Code there
// shows Groundwork's chat in front, no chat of VS Code's own, and no prompt about the parent
// folder's git repository (the demo workspace lives inside this clone, as it does for npm start).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { repoRoot } from './harness.ts';

const state = join(repoRoot, '.vscode-test', `start-e2e-${process.pid}`);
let start: ChildProcess | undefined;
let browser: Browser | undefined;

after(async () => {
  await browser?.close();
  if (start && start.exitCode === null) {
    const exited = new Promise((done) => start!.on('exit', done));
    start.kill('SIGINT');
    await exited;
  }
  rmSync(state, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

test("npm start prints a URL that answers, and opens on Groundwork's chat with nothing else asking for attention", async () => {
  const port = await freePort();
  start = spawn(process.execPath, ['scripts/start.ts', '--state', state], { cwd: repoRoot, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  start.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 5 minutes:\n${output}`)), 300_000);
    start!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const printed = /running in VS Code at (http\S+)/.exec(output)?.[1];
      if (printed) {
        clearTimeout(timer);
        resolve(printed);
      }
    });
    start!.on('exit', (code) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${output}`)));
  });
  // Printed only once VS Code listens: the first request already answers.
  assert.equal((await fetch(new URL('/healthz', url))).status, 200);

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // The git extension's question about the parent folder's repository comes within seconds of
  // the window opening and stays for a while: watch for it from the start.
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /git repository/i });
  for (const deadline = Date.now() + 12_000; Date.now() < deadline; await page.waitForTimeout(500)) {
    assert.equal(await toast.count(), 0, 'a notification asks about the parent git repository');
  }
  const chat = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame').getByRole('textbox', { name: 'Ask Groundwork' });
  await chat.waitFor({ state: 'visible', timeout: 60_000 });
  assert.equal(await page.locator('.part.auxiliarybar').isVisible(), false, "VS Code's own chat is open beside Groundwork's");
});

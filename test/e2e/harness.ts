// Runs the packaged extension in a real VS Code (code-server) and drives it with headless
// Chromium through Playwright, the way a user would: status bar, command palette, views.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterEach } from 'node:test';
import { type Browser, type FrameLocator, type Page, chromium } from 'playwright-core';
import { workbenchSettings } from '../../scripts/startWorkbench.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const resultsDir = join(repoRoot, 'test-results', 'e2e');

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const vsixPath = join(repoRoot, `groundwork-${manifest.version}.vsix`);

let launcher: string | undefined;
const openWorkbenches = new Set<Workbench>();

// A failed test leaves its evidence: a screenshot, and the Groundwork log and the extension host's
// log printed (CI keeps only the output) and saved beside the screenshots.
afterEach(async (context) => {
  // `passed` is newer than this @types/node.
  if ((context as { readonly passed?: boolean }).passed !== false) return;
  const label = `${basename(process.argv[1] ?? 'e2e', '.e2e.test.ts')}-${context.name}`.replace(/[^\w.-]+/g, '-').slice(0, 80);
  for (const workbench of openWorkbenches) {
    await workbench.screenshot(`failed-${label}`).catch(() => undefined);
    const evidence = `== Groundwork log\n${workbench.logText()}\n== extension host log (last 80 lines)\n${workbench.extensionHostLog().split('\n').slice(-80).join('\n')}`;
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, `failed-${label}.log`), evidence);
    process.stderr.write(`\n---- evidence for the failed test "${context.name}"\n${evidence}\n----\n`);
  }
});

/** The code-server launcher, installed by the project's own setup script on first use. */
export function vscodeHost(): string {
  launcher ??= execFileSync('bash', [join(repoRoot, 'scripts/setup-vscode-host.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .at(-1)!;
  return launcher;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface WorkbenchOptions {
  /** A folder under test/fixtures, copied to a temp dir so tests never change the fixture. */
  readonly fixture: string;
  /** A `.code-workspace` file in the fixture to open instead of the fixture's folder (multi-root). */
  readonly workspaceFile?: string;
  /** Extra user settings. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Files written into the workspace copy before it opens, by relative path (a settings file naming a port, say). */
  readonly workspaceFiles?: Readonly<Record<string, string>>;
  /** Extra environment for the extension host. API keys from the outer environment are never passed. */
  readonly env?: Readonly<Record<string, string>>;
  readonly colorTheme?: string;
  /**
   * The window's log level (code-server applies one level to every log). Suites whose failures
   * need each completion's outcome and timing use 'trace'; GROUNDWORK_E2E_LOG overrides it.
   */
  readonly logLevel?: 'trace' | 'debug' | 'info';
}

function logLevel(level: string | undefined): string[] {
  const chosen = process.env.GROUNDWORK_E2E_LOG ?? level;
  return chosen ? ['--log', chosen] : [];
}

export class Workbench {
  readonly page: Page;
  readonly workspace: string;
  readonly userDataDir: string;
  private readonly browser: Browser;
  private readonly server: ChildProcess;
  private readonly tempRoot: string;
  private readonly serverOutput: string[];

  private constructor(parts: {
    page: Page;
    browser: Browser;
    server: ChildProcess;
    tempRoot: string;
    workspace: string;
    userDataDir: string;
    serverOutput: string[];
  }) {
    this.page = parts.page;
    this.browser = parts.browser;
    this.server = parts.server;
    this.tempRoot = parts.tempRoot;
    this.workspace = parts.workspace;
    this.userDataDir = parts.userDataDir;
    this.serverOutput = parts.serverOutput;
  }

  static async open(options: WorkbenchOptions): Promise<Workbench> {
    if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: run \`npm run package\` first.`);
    const host = vscodeHost();
    const tempRoot = mkdtempSync(join(tmpdir(), 'groundwork-e2e-'));
    const userDataDir = join(tempRoot, 'user-data');
    const extensionsDir = join(tempRoot, 'extensions');
    const workspace = join(tempRoot, 'workspace');
    cpSync(join(repoRoot, 'test/fixtures', options.fixture), workspace, { recursive: true });
    for (const [path, text] of Object.entries(options.workspaceFiles ?? {})) {
      mkdirSync(join(workspace, path, '..'), { recursive: true });
      writeFileSync(join(workspace, path), text);
    }
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(
      join(userDataDir, 'User/settings.json'),
      JSON.stringify(
        {
          ...workbenchSettings,
          'workbench.colorTheme': options.colorTheme ?? 'Default Light Modern',
          ...options.settings,
        },
        null,
        2,
      ),
    );
    const dirs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
    execFileSync(host, [...dirs, '--install-extension', vsixPath], { stdio: 'pipe' });

    const opened = options.workspaceFile ? join(workspace, options.workspaceFile) : workspace;
    const port = await freePort();
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (value !== undefined && !/_API_KEY$/.test(name)) env[name] = value;
    }
    const server = spawn(
      host,
      ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', ...logLevel(options.logLevel), ...dirs, opened],
      { env: { ...env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const serverOutput: string[] = [];
    server.stdout!.on('data', (chunk: Buffer) => serverOutput.push(chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => serverOutput.push(chunk.toString()));
    const url = `http://127.0.0.1:${port}/?${options.workspaceFile ? 'workspace' : 'folder'}=${encodeURIComponent(opened)}`;
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, serverOutput);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const workbench = new Workbench({ page, browser, server, tempRoot, workspace, userDataDir, serverOutput });
    openWorkbenches.add(workbench);
    return workbench;
  }

  /** The Groundwork status bar item. */
  statusItem() {
    return this.page.locator('.statusbar-item', { hasText: 'Groundwork' }).first();
  }

  /** Waits until the status bar item's text matches, and returns it. */
  async waitForStatus(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = (await this.statusItem().innerText().catch(() => '')).trim();
      if (pattern.test(text)) return text;
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    }
    throw new Error(`the status bar item never matched ${pattern}; last text: ${JSON.stringify(text)}`);
  }

  /**
   * Opens the command palette with `>` and types the query. A webview that had focus (the chat's
   * model picker after a settings change) can take it back and close the palette before the
   * query is typed; then the palette is opened again, as a user would.
   */
  async openCommandPalette(query: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
      try {
        await input.fill(`>${query}`, { timeout: 5_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  /** Labels of the rows the quick input shows now. */
  async quickPickLabels(): Promise<string[]> {
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible' });
    return rows.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label') ?? node.textContent ?? ''));
  }

  /** Runs a command by its palette title, e.g. "Groundwork: Set API Key". */
  async runCommand(title: string): Promise<void> {
    await this.openCommandPalette(title);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
  }

  /** Opens a workspace file with Quick Open, as a user would, and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    const name = relativePath.split('/').at(-1)!;
    // Recently opened files show first until the search answers: wait for the file itself on top.
    await this.page.locator('.quick-input-list .monaco-list-row').first().filter({ hasText: name }).waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
    await this.page.locator('.monaco-editor.focused').first().waitFor({ timeout: 30_000 });
  }

  /** Moves the cursor to the start of a 1-based line with Go to Line. */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    // Keys pressed before the box has closed would go to it, not to the editor.
    await input.waitFor({ state: 'hidden' });
  }

  /** Selects whole lines first..last (1-based, inclusive) in the active editor, as Shift+Down would. */
  async selectLines(first: number, last: number): Promise<void> {
    await this.goToLine(first);
    await this.page.locator('.monaco-editor.focused').first().waitFor({ timeout: 30_000 });
    for (let line = first; line <= last; line++) await this.page.keyboard.press('Shift+ArrowDown');
  }

  /** Types an answer into the input box titled `title` (showInputBox) and presses Enter. */
  async answerInput(title: string, text: string): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** VS Code's Refactor Preview panel, once it shows a change. */
  async refactorPreview() {
    const panel = this.page.locator('.bulk-edit-panel');
    await panel.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
    return panel;
  }

  /** Presses the Refactor Preview's Apply or Discard button. */
  async finishRefactorPreview(choice: 'Apply' | 'Discard'): Promise<void> {
    const panel = await this.refactorPreview();
    await panel.locator('.buttons .monaco-button', { hasText: choice }).first().click();
    await panel.locator('.monaco-list-row').first().waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => undefined);
  }

  /** A notification toast whose text matches. */
  notification(text: string | RegExp) {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  /**
   * The notification whose text matches, as a user finds it: its toast, or, when VS Code shows no
   * toast (another notification's toast still up, or the toast has gone), in the notification
   * center. Fails when neither shows it within the time.
   */
  async findNotification(text: string | RegExp, timeoutMs = 30_000) {
    const toast = this.notification(text);
    if (await toast.waitFor({ timeout: Math.min(10_000, timeoutMs) }).then(() => true, () => false)) return toast;
    await this.runCommand('Notifications: Show Notifications');
    const item = this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
    await item.waitFor({ timeout: timeoutMs });
    return item;
  }

  /** Presses a button of the notification whose text matches (see `findNotification`). */
  async pressNotificationButton(text: string | RegExp, button: string): Promise<void> {
    const item = await this.findNotification(text);
    await item.locator('.monaco-button', { hasText: button }).first().click();
  }

  /** A button of the modal dialog now showing. */
  dialogButton(label: string | RegExp) {
    return this.page.locator('.monaco-dialog-box .monaco-button', { hasText: label }).first();
  }

  /** Makes the editor of an open tab the focused one. */
  async focusEditor(name: string): Promise<void> {
    await this.page.locator('.tabs-container .tab', { hasText: name }).first().click();
    await this.page.locator('.monaco-editor.focused').first().waitFor({ timeout: 30_000 });
  }

  /**
   * Changes user settings as a user would, in the settings.json editor (VS Code does not notice
   * the file written behind its back), then closes that editor.
   */
  async updateUserSettings(changes: Readonly<Record<string, unknown>>): Promise<void> {
    const next = { ...(JSON.parse(this.userSettingsText()) as Record<string, unknown>), ...changes };
    await this.runCommand('Preferences: Open User Settings (JSON)');
    // Newer VS Code shows it in a modal editor, not a tab: wait for the focused editor holding it.
    await this.page.locator('.monaco-editor.focused', { hasText: 'security.workspace.trust.enabled' }).first().waitFor({ timeout: 30_000 });
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Delete');
    // Inserted whole: typed, the editor would close brackets and quotes itself.
    await this.page.keyboard.insertText(JSON.stringify(next));
    await this.page.keyboard.press('Control+S');
    const saved = () => {
      try {
        return JSON.stringify(JSON.parse(this.userSettingsText())) === JSON.stringify(next);
      } catch {
        return false;
      }
    };
    await waitUntil(saved, `the user settings saved: ${JSON.stringify(next)}`).catch((error: unknown) => {
      throw new Error(`${String(error)}; the file holds ${this.userSettingsText()}`);
    });
    // The modal editor closes with Escape (the command palette does not open over it).
    const editor = this.page.locator('.monaco-editor', { hasText: 'security.workspace.trust.enabled' }).first();
    await this.page.keyboard.press('Escape');
    await editor.waitFor({ state: 'hidden', timeout: 30_000 });
  }

  /** Saves every dirty editor (File: Save All). */
  async saveAll(): Promise<void> {
    await this.runCommand('File: Save All');
  }

  /** The content frame of a webview view (VS Code nests the content in two iframes). */
  webviewFrame(title: string): FrameLocator {
    return this.page.frameLocator(`iframe.webview[title="${title}"], iframe.webview`).frameLocator('iframe#active-frame');
  }

  /** Focuses the chat panel and waits for its input; the panel's frame. */
  async openChat(): Promise<FrameLocator> {
    await this.runCommand('Groundwork: Focus Chat');
    const frame = this.webviewFrame('Chat');
    await frame.getByRole('textbox', { name: 'Ask Groundwork' }).waitFor({ timeout: 30_000 });
    return frame;
  }

  /** Opens the chat and sends `question` as a user would, with Enter; the panel's frame. */
  async askChat(question: string): Promise<FrameLocator> {
    const frame = await this.openChat();
    const input = frame.getByRole('textbox', { name: 'Ask Groundwork' });
    await input.fill(question);
    await input.press('Enter');
    return frame;
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(resultsDir, { recursive: true });
    const path = join(resultsDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Waits until the status bar says the index is ready (it lists its counts then). */
  async waitForIndexReady(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.statusbar-item', { hasText: /Indexed/ }).first().waitFor({ timeout: timeoutMs });
  }

  userSettingsText(): string {
    return readFileSync(join(this.userDataDir, 'User/settings.json'), 'utf8');
  }

  /** Everything the "Groundwork" log channel has written so far. */
  logText(): string {
    const logsRoot = join(this.userDataDir, 'logs');
    if (!existsSync(logsRoot)) return '';
    const texts: string[] = [];
    for (const session of readdirSync(logsRoot)) {
      const candidates = [join(logsRoot, session, 'exthost1', 'groundwork.groundwork', 'Groundwork.log')];
      for (const file of candidates) if (existsSync(file)) texts.push(readFileSync(file, 'utf8'));
    }
    return texts.join('\n');
  }

  /** The extension host's own log: activation errors and uncaught exceptions land here. */
  extensionHostLog(): string {
    const logsRoot = join(this.userDataDir, 'logs');
    if (!existsSync(logsRoot)) return '';
    return readdirSync(logsRoot)
      .map((session) => join(logsRoot, session, 'exthost1', 'remoteexthost.log'))
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
  }

  /** Waits until the log channel contains a line matching the pattern. */
  async waitForLog(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const text = this.logText();
      const line = text.split('\n').find((candidate) => pattern.test(candidate));
      if (line) return line;
      await new Promise((resolveWait) => setTimeout(resolveWait, 250));
    }
    throw new Error(`no log line matched ${pattern} within ${timeoutMs} ms; log so far:\n${this.logText()}`);
  }

  async close(): Promise<void> {
    openWorkbenches.delete(this);
    await this.browser.close().catch(() => undefined);
    this.server.kill('SIGTERM');
    await new Promise((resolveExit) => {
      if (this.server.exitCode !== null) resolveExit(undefined);
      else this.server.once('exit', resolveExit);
    });
    rmSync(this.tempRoot, { recursive: true, force: true });
  }

  serverLog(): string {
    return this.serverOutput.join('');
  }
}

/** Polls until the check holds; fails naming what it waited for. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function waitForHttp(url: string, timeoutMs: number, output: readonly string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms:\n${output.join('')}`);
}

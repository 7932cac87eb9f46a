// `npm start`: builds and packages Groundwork, installs it into the project's own VS Code
// (code-server, set up on first run), and opens it on a demo workspace at a printed local URL,
// once the server answers there. PORT chooses the port (8420). State lives in .vscode-test/start/
// (`npm start -- --state DIR` for another) so keys and settings survive restarts; Ctrl+C stops it.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServerExitedError, busyPortMessage, portInUse, waitUntilServing } from './localServer.ts';
import { chatInFrontExtension, withWorkbenchSettings } from './startWorkbench.ts';

const root = resolve(import.meta.dirname, '..');
const host = '127.0.0.1';
const port = Number(process.env.PORT ?? 8420);
const stateFlag = process.argv.indexOf('--state');
const state = stateFlag === -1 ? join(root, '.vscode-test', 'start') : resolve(process.argv[stateFlag + 1] ?? '');
const userDataDir = join(state, 'user-data');
const extensionsDir = join(state, 'extensions');
const workspace = join(state, 'demo-workspace');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

function fail(message: string): never {
  console.error(`\nnpm start: ${message}`);
  process.exit(1);
}

if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}.`);
// Before the build: a busy port should not cost the minutes of a first setup to find out.
if (await portInUse(port, host)) fail(busyPortMessage(port));

execFileSync(process.execPath, [join(root, 'scripts/package.ts')], { stdio: 'inherit', cwd: root });
const launcher = execFileSync('bash', [join(root, 'scripts/setup-vscode-host.sh'), '--no-browser'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
})
  .trim()
  .split('\n')
  .at(-1)!;

if (!existsSync(workspace)) cpSync(join(root, 'test/fixtures/sample-workspace'), workspace, { recursive: true });
mkdirSync(join(userDataDir, 'User'), { recursive: true });
const settingsFile = join(userDataDir, 'User/settings.json');
const settings = withWorkbenchSettings(existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined);
if (settings !== undefined) writeFileSync(settingsFile, settings);
const chatInFront = join(state, 'groundwork-start.vsix');
writeFileSync(chatInFront, chatInFrontExtension());
const dirs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
execFileSync(launcher, [...dirs, '--force', '--install-extension', join(root, `groundwork-${version}.vsix`), '--install-extension', chatInFront], {
  stdio: ['ignore', 'ignore', 'inherit'],
});

const server = spawn(launcher, ['--auth', 'none', '--bind-addr', `${host}:${port}`, '--disable-telemetry', '--disable-update-check', ...dirs, workspace], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
let exitCode: number | null | undefined;
server.on('exit', (code) => {
  exitCode = code;
});
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

try {
  await waitUntilServing(`http://${host}:${port}/healthz`, { exitCode: () => exitCode }, 120_000);
} catch (error) {
  stop();
  // Another server can take the port between the check above and code-server's own listen.
  if (error instanceof ServerExitedError && (await portInUse(port, host))) fail(busyPortMessage(port));
  fail(`VS Code did not start: ${error instanceof Error ? error.message : String(error)}. Its messages are above.`);
}
console.log(`\nGroundwork is running in VS Code at http://${host}:${port}/?folder=${encodeURIComponent(workspace)}`);
console.log('Open that URL in your browser. Press Ctrl+C to stop.\n');
server.on('exit', (code) => process.exit(code ?? 0));
if (exitCode !== undefined) process.exit(exitCode ?? 0);

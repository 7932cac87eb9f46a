// `npm start`: builds and packages Groundwork, installs it into the project's own VS Code
// (code-server, set up on first run), and opens it on a demo workspace at a printed local URL.
// State lives in .vscode-test/start/ so keys and settings survive restarts; Ctrl+C stops it.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT ?? 8420);
const state = join(root, '.vscode-test', 'start');
const userDataDir = join(state, 'user-data');
const extensionsDir = join(state, 'extensions');
const workspace = join(state, 'demo-workspace');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

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
if (!existsSync(settingsFile)) {
  writeFileSync(settingsFile, JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false }, null, 2));
}
const dirs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
execFileSync(launcher, [...dirs, '--force', '--install-extension', join(root, `groundwork-${version}.vsix`)], { stdio: 'inherit' });

const server = spawn(
  launcher,
  ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', ...dirs, workspace],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
console.log(`\nGroundwork is running in VS Code at http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
console.log('Open that URL in your browser. Press Ctrl+C to stop.\n');
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));

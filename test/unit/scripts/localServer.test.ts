import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { ServerExitedError, portInUse, waitUntilServing } from '../../../scripts/localServer.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((done) => server.listen(port, '127.0.0.1', () => done((server.address() as { port: number }).port)));
}

function close(server: Server): Promise<void> {
  return new Promise((done) => server.close(() => done()));
}

test('a port is in use while something listens on it, and free after', async () => {
  const server = createServer();
  const port = await listen(server);
  assert.equal(await portInUse(port, '127.0.0.1'), true);
  await close(server);
  assert.equal(await portInUse(port, '127.0.0.1'), false);
});

test('waiting for the server ends only once it answers', async () => {
  const probe = createServer();
  const port = await listen(probe);
  await close(probe);
  const server = createServer((_request, response) => response.end('ok'));
  let listeningAt = 0;
  setTimeout(() => {
    void listen(server, port).then(() => {
      listeningAt = Date.now();
    });
  }, 400);
  await waitUntilServing(`http://127.0.0.1:${port}/healthz`, { exitCode: () => undefined }, 10_000);
  assert.ok(listeningAt > 0 && Date.now() >= listeningAt, 'resolved before the server listened');
  await close(server);
});

test('waiting for the server fails as soon as it exits', async () => {
  await assert.rejects(waitUntilServing('http://127.0.0.1:9/healthz', { exitCode: () => 1 }, 10_000), ServerExitedError);
});

test('npm start on a busy port says so at once, before building anything', async () => {
  const server = createServer();
  const port = await listen(server);
  const start = spawn(process.execPath, ['scripts/start.ts'], { cwd: repoRoot, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // On failure this kills a start that went on to build and serve.
  const killer = setTimeout(() => start.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((done) => start.on('exit', done));
  clearTimeout(killer);
  await close(server);
  assert.equal(code, 1, output);
  assert.match(output, new RegExp(`Port ${port} is already in use.*PORT=${port + 1} npm start`));
  assert.doesNotMatch(output, /build \(|running in VS Code/);
});

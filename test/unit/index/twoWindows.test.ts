import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';
import { WorkspaceIndex, type WorkspaceIndexOptions } from '../../../src/index/workspaceIndex.ts';

// Two VS Code windows on one workspace share its index storage: each is a process of its own.
const windowScript = join(import.meta.dirname, '..', '..', 'support', 'indexWindow.ts');

function setup(t: TestContext) {
  const base = mkdtempSync(join(tmpdir(), 'gw-two-windows-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'ws');
  const store = join(base, 'store');
  mkdirSync(join(root, 'src'), { recursive: true });
  // As test/support/indexWindow.ts opens it.
  const options: WorkspaceIndexOptions = { storeDirectory: store, roots: [{ id: 'ws', path: root }], embedder: new LocalEmbedder(64), shardCount: 2, snapshotDelayMs: 60_000 };
  return { root, store, options };
}

/** Starts a window; resolves `ready` once its index is open and `done` when it has finished. */
function startWindow(t: TestContext, args: readonly string[]): { child: ChildProcess; ready: Promise<void>; done: Promise<void> } {
  const child = fork(windowScript, args, { execArgv: [], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  t.after(() => child.kill());
  let output = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout!.on('data', (data: Buffer) => {
    output += data.toString();
    if (output.includes('ready\n')) onReady();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 && output.includes('done\n') ? resolve() : reject(new Error(`window ${args[0]} exited with ${code}: ${output}`))));
  });
  return { child, ready, done };
}

for (const kind of ['vectra', 'binary'] as const) {
  test(`${kind}: two windows saving files into one storage at once lose none of them`, async (t) => {
    const { root, store, options } = setup(t);
    const first = startWindow(t, ['write', store, root, 'alpha', '20', kind]);
    const second = startWindow(t, ['write', store, root, 'beta', '20', kind]);
    await Promise.all([first.done, second.done]);

    // What a third window loads, before any refresh of its own.
    const index = await WorkspaceIndex.open({ ...options, store: kind });
    t.after(() => index.dispose());
    assert.equal(index.status().files, 40);
    assert.equal((await index.search('alphaHandler7', { retrievers: ['keyword'] }))[0]?.path, 'src/alpha7.ts');
    assert.equal((await index.search('betaHandler13', { retrievers: ['keyword'] }))[0]?.path, 'src/beta13.ts');
    // Nothing is left to repair.
    assert.deepEqual(await index.refresh(), { indexedFiles: 0, removedFiles: 0, unchangedFiles: 0, embeddedChunks: 0 });
  });
}

test('a window opened while another moves the store to the binary shards deletes nothing the move wrote', async (t) => {
  const { root, store, options } = setup(t);
  for (let i = 0; i < 40; i++) writeFileSync(join(root, 'src', `file${i}.ts`), `export const value${i} = ${i};\n`);
  const built = await WorkspaceIndex.open(options);
  await built.refresh();
  assert.equal(built.status().store, 'vectra');
  built.dispose();

  // The second window opens again and again for as long as the move takes.
  const opener = startWindow(t, ['open', store, root]);
  await opener.ready;
  const mover = startWindow(t, ['move', store, root]);
  await mover.done;
  opener.child.send('stop');
  await opener.done;

  const index = await WorkspaceIndex.open(options);
  t.after(() => index.dispose());
  assert.equal(index.status().store, 'binary');
  assert.equal(index.status().files, 40);
  assert.deepEqual(await index.refresh(), { indexedFiles: 0, removedFiles: 0, unchangedFiles: 0, embeddedChunks: 0 });
});

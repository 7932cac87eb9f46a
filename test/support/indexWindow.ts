// A second window on one index storage, as a child process for the two-window tests: it opens
// the real WorkspaceIndex over a storage directory and, by its first argument,
// - `write <store> <root> <prefix> <count> <kind>`: writes files `<prefix><i>.ts` one by one, each
//   applied as its own change (a save), so its shard writes interleave with the other window's;
// - `move <store> <root>`: refreshes with a file threshold that moves a vectra store to binary;
// - `open <store> <root>`: opens the index again and again until told to stop, as a window
//   started while the first one works.
// Each prints `ready` once open, and `done` when finished.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalEmbedder } from '../../src/index/localEmbedder.ts';
import { WorkspaceIndex, type WorkspaceIndexOptions } from '../../src/index/workspaceIndex.ts';

const [mode, storeDirectory, root, prefix, count, kind] = process.argv.slice(2) as [string, string, string, string?, string?, string?];
// The same options as the test's own window (test/unit/index/twoWindows.test.ts).
const indexWindowOptions = (store: string, rootPath: string): WorkspaceIndexOptions => ({
  storeDirectory: store,
  roots: [{ id: 'ws', path: rootPath }],
  embedder: new LocalEmbedder(64),
  shardCount: 2,
  snapshotDelayMs: 60_000,
});

if (mode !== undefined && storeDirectory !== undefined && root !== undefined) {
  const options = indexWindowOptions(storeDirectory, root);
  if (mode === 'write') {
    const index = await WorkspaceIndex.open({ ...options, ...(kind ? { store: kind as 'vectra' | 'binary' } : {}) });
    process.stdout.write('ready\n');
    mkdirSync(join(root, 'src'), { recursive: true });
    for (let i = 0; i < Number(count); i++) {
      const path = join(root, 'src', `${prefix}${i}.ts`);
      writeFileSync(path, `export function ${prefix}Handler${i}(input: string): string {\n  return input.repeat(${i + 1});\n}\n`);
      await index.applyChanges({ changed: [path] });
    }
    index.dispose();
  } else if (mode === 'move') {
    const index = await WorkspaceIndex.open({ ...options, vectraMaxFiles: 1 });
    process.stdout.write('ready\n');
    await index.refresh();
    index.dispose();
  } else if (mode === 'open') {
    let stop = false;
    process.on('message', () => (stop = true));
    process.stdout.write('ready\n');
    while (!stop) (await WorkspaceIndex.open({ ...options, vectraMaxFiles: 1_000_000 })).dispose();
    process.disconnect?.();
  }
  process.stdout.write('done\n');
}

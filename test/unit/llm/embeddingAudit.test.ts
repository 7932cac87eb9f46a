import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { Embedder } from '../../../src/index/embedder.ts';
import { WorkspaceIndex } from '../../../src/index/workspaceIndex.ts';
import { mergeSourceRefs } from '../../../src/llm/contentFilter.ts';
import { AuditLog } from '../../../src/safety/auditLog.ts';
import { auditRecordOf, auditStartOf } from '../../../src/safety/auditRecords.ts';
import { startHarness } from './gatewayHarness.ts';

const files: Record<string, string> = {
  'src/session.ts': `export class SessionStore {\n  private readonly sessions = new Map<string, Session>();\n\n  createSession(userId: string): Session {\n    const session = { id: randomToken(), userId };\n    this.sessions.set(session.id, session);\n    return session;\n  }\n}\n`,
  'src/retry.py': `def retry_with_backoff(request, attempts=5):\n    delay = 0.5\n    for attempt in range(attempts):\n        try:\n            return request()\n        except TimeoutError:\n            sleep(delay)\n            delay *= 2\n    raise RetryExhausted(attempts)\n`,
};

test('a remote embedding request lists in the audit log the files and lines of the chunks it sends', async () => {
  const base = await mkdtemp(join(tmpdir(), 'groundwork-embed-audit-'));
  const root = join(base, 'ws');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  const audit = new AuditLog({ directory: join(base, 'audit') });
  const harness = await startHarness({ gateway: { beforeSend: (start) => audit.append(auditStartOf(start)) } });
  harness.gateway.onDidRequest((event) => void audit.append(auditRecordOf(event)));
  // The remote embedder as the shell builds it (one folder open): the gateway, told where each text came from.
  const remote: Embedder = {
    id: 'remote-32',
    dimensions: 32,
    embed: async (texts, signal, sources = []) =>
      (await harness.gateway.embed({ feature: 'index', inputs: texts, dimensions: 32, signal, sources: mergeSourceRefs(sources) })).vectors.map((vector) => [...vector]),
  };
  try {
    const index = await WorkspaceIndex.open({ storeDirectory: join(base, 'store'), roots: [{ id: 'ws', path: root }], embedder: remote, shardCount: 4 });
    await index.refresh();
    // A completion's search: its query is the code before the cursor, and says where it sits.
    await index.search('retry with backoff', { top: 2, querySource: { path: 'src/cart.ts', startLine: 5, endLine: 16 } });
    index.dispose();
    const { entries: all } = await audit.read();
    const query = all.at(-1)!;
    assert.deepEqual(query.files, [{ path: 'src/cart.ts', startLine: 5, endLine: 16 }]);
    const entries = all.slice(0, -1);
    assert.ok(entries.length > 0, 'the index embedded remotely');
    const listed = entries.flatMap((entry) => entry.files);
    assert.deepEqual([...new Set(listed.map((file) => file.path))].sort(), ['src/retry.py', 'src/session.ts']);
    for (const file of listed) {
      assert.ok(file.startLine !== undefined && file.endLine !== undefined && file.startLine >= 1 && file.endLine >= file.startLine, JSON.stringify(file));
      assert.ok(file.endLine <= files[file.path]!.split('\n').length, `${file.path} has no line ${file.endLine}`);
    }
    assert.ok(entries.every((entry) => entry.feature === 'index' && entry.state === 'finished'));
  } finally {
    await harness.close();
    await rm(base, { recursive: true, force: true });
  }
});

test('source ranges merge per file: overlapping and adjacent ones join, a file listed whole stays whole', () => {
  assert.deepEqual(
    mergeSourceRefs([
      { path: 'a.ts', startLine: 1, endLine: 7 },
      { path: 'b.ts', startLine: 20, endLine: 30 },
      { path: 'a.ts', startLine: 7, endLine: 10 },
      { path: 'b.ts', startLine: 1, endLine: 5 },
      { path: 'a.ts', startLine: 11, endLine: 12 },
      { path: 'c.md' },
      { path: 'c.md', startLine: 1, endLine: 2 },
    ]),
    [
      { path: 'a.ts', startLine: 1, endLine: 12 },
      { path: 'b.ts', startLine: 1, endLine: 5 },
      { path: 'b.ts', startLine: 20, endLine: 30 },
      { path: 'c.md' },
    ],
  );
});

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AuditLog } from '../../../src/safety/auditLog.ts';
import { auditRecordOf } from '../../../src/safety/auditRecords.ts';
import { SecretRedactor } from '../../../src/safety/secretRedactor.ts';
import { startHarness } from '../llm/gatewayHarness.ts';

test('every request the gateway sends lands in the audit log with its files and redactions, and no content', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'groundwork-audit-'));
  const audit = new AuditLog({ directory });
  const harness = await startHarness({ contentFilter: new SecretRedactor() });
  harness.gateway.onDidRequest((event) => void audit.append(auditRecordOf(event)));
  try {
    harness.server.script({ kind: 'text', text: 'fine' });
    await harness.gateway.streamChat({
      task: 'chat',
      feature: 'chat',
      messages: [{ role: 'user', content: "const key = 'AKIAIOSFODNN7EXAMPLE'; // src/s3.ts" }],
      sources: [{ path: 'src/s3.ts', startLine: 3, endLine: 9 }, { path: 'README.md' }],
    }).result;
    await audit.flush();
    const { entries } = await audit.read();
    assert.equal(entries.length, 1);
    const [entry] = entries;
    assert.equal(entry!.feature, 'chat');
    assert.equal(entry!.model, 'openai/gpt-4o');
    assert.deepEqual(entry!.files, [{ path: 'src/s3.ts', startLine: 3, endLine: 9 }, { path: 'README.md' }]);
    assert.equal(entry!.redactions.count, 1);
    assert.equal(entry!.outcome, 'ok');
    assert.ok(entry!.inputTokens > 0);
    assert.equal(entry!.content, undefined);
    assert.ok(!JSON.stringify(entries).includes('AKIAIOSFODNN7EXAMPLE'));
  } finally {
    await harness.close();
    await rm(directory, { recursive: true, force: true });
  }
});

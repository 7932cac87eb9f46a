import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isCancellation } from '../../../src/common/errors.ts';
import { AuditLog, outcomeText } from '../../../src/safety/auditLog.ts';
import { auditRecordOf, auditStartOf } from '../../../src/safety/auditRecords.ts';
import { SecretRedactor } from '../../../src/safety/secretRedactor.ts';
import { startHarness } from '../llm/gatewayHarness.ts';

test('every request the gateway sends lands in the audit log with its files and redactions, and no content', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'groundwork-audit-'));
  const audit = new AuditLog({ directory });
  const harness = await startHarness({ contentFilter: new SecretRedactor(), gateway: { beforeSend: (start) => audit.append(auditStartOf(start)) } });
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
    assert.equal(entries.length, 1, 'the started and finished lines read as one request');
    const [entry] = entries;
    assert.equal(entry!.feature, 'chat');
    assert.equal(entry!.model, 'openai/gpt-4o');
    assert.equal(entry!.state, 'finished');
    assert.deepEqual(entry!.files, [{ path: 'src/s3.ts', startLine: 3, endLine: 9 }, { path: 'README.md' }]);
    assert.equal(entry!.redactions.count, 1);
    assert.equal(entry!.outcome, 'ok');
    assert.ok((entry!.inputTokens ?? 0) > 0);
    assert.equal(entry!.content, undefined);
    assert.ok(!JSON.stringify(entries).includes('AKIAIOSFODNN7EXAMPLE'));
  } finally {
    await harness.close();
    await rm(directory, { recursive: true, force: true });
  }
});

test('a request is on disk before it leaves: a window that reloads mid-stream still leaves its record', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'groundwork-audit-'));
  const audit = new AuditLog({ directory });
  const harness = await startHarness({ gateway: { beforeSend: (start) => audit.append(auditStartOf(start)) } });
  harness.gateway.onDidRequest((event) => void audit.append(auditRecordOf(event)));
  try {
    harness.server.script({ kind: 'hang' });
    const controller = new AbortController();
    const stream = harness.gateway.streamChat({
      task: 'chat',
      feature: 'chat',
      messages: [{ role: 'user', content: 'Explain this.' }],
      sources: [{ path: 'src/invoice.ts', startLine: 10, endLine: 42 }],
      signal: controller.signal,
    });
    while (harness.server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    // The window reloads now: the next one reads the log from disk with a log of its own.
    const afterReload = await new AuditLog({ directory }).read();
    assert.equal(afterReload.entries.length, 1);
    const [sent] = afterReload.entries;
    assert.equal(sent!.state, 'started');
    assert.deepEqual(sent!.files, [{ path: 'src/invoice.ts', startLine: 10, endLine: 42 }]);
    assert.equal(sent!.model, 'openai/gpt-4o');
    assert.match(outcomeText(sent!), /no reply recorded/);

    controller.abort();
    await assert.rejects(stream.result, isCancellation);
    await audit.flush();
    const { entries } = await new AuditLog({ directory }).read();
    assert.equal(entries.length, 1, 'the finished line completes the started one');
    assert.equal(entries[0]!.state, 'finished');
    assert.equal(entries[0]!.outcome, 'cancelled');
    assert.equal(entries[0]!.time, sent!.time);
  } finally {
    await harness.close();
    await rm(directory, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestEvent } from '../../../src/llm/modelGateway.ts';
import { SecretRedactor } from '../../../src/safety/secretRedactor.ts';
import { drain, startHarness, textOf } from './gatewayHarness.ts';

// A documented example key (AWS's own), so nothing real is in the repository.
const awsKey = 'AKIAIOSFODNN7EXAMPLE';
const code = `const client = new S3({ accessKeyId: '${awsKey}' });`;

test('secrets are redacted from what is sent and restored in what comes back, streamed and whole', async () => {
  const harness = await startHarness({ contentFilter: new SecretRedactor() });
  const events: RequestEvent[] = [];
  harness.gateway.onDidRequest((event) => events.push(event));
  try {
    // The model echoes the placeholder it was sent, split across deltas, as models do.
    harness.server.script({ kind: 'text', text: 'PLACEHOLDER' });
    const stream = harness.gateway.streamChat({
      task: 'chat',
      feature: 'chat',
      messages: [{ role: 'user', content: code }],
      sources: [{ path: 'src/s3.ts', startLine: 1, endLine: 1 }],
    });
    await stream.result.catch(() => undefined);
    const body = JSON.stringify(harness.server.requests[0]!.body);
    assert.ok(!body.includes(awsKey), 'the key left the machine');
    const sentPlaceholder = /GW_REDACTED_[A-Z0-9_]+/.exec(body)?.[0] ?? '';
    assert.ok(sentPlaceholder, `no placeholder in ${body}`);

    const half = Math.floor(sentPlaceholder.length / 2);
    harness.server.script({ kind: 'text', chunks: ['use ', sentPlaceholder.slice(0, half), sentPlaceholder.slice(half), ' here'] });
    const reply = harness.gateway.streamChat({ task: 'chat', feature: 'chat', messages: [{ role: 'user', content: code }] });
    const streamed = textOf(await drain(reply));
    assert.equal(streamed, `use ${awsKey} here`);
    assert.equal((await reply.result).text, `use ${awsKey} here`);

    const event = events.find((candidate) => candidate.sources.length > 0)!;
    assert.deepEqual(event.sources, [{ path: 'src/s3.ts', startLine: 1, endLine: 1 }]);
    assert.ok(event.entry.redactions >= 1);
    assert.ok(event.redactionKinds.length >= 1);
  } finally {
    await harness.close();
  }
});

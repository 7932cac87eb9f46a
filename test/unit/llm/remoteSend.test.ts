import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProviderError } from '../../../src/llm/providerError.ts';
import { startHarness } from './gatewayHarness.ts';

const ask = [{ role: 'user' as const, content: 'Complete the code at the cursor.' }];

test('a refused remote send stops the request unsent, with a way to manage trust', async () => {
  const asked: string[] = [];
  const harness = await startHarness({
    gateway: {
      allowRemoteSend: async ({ feature, provider }) => {
        asked.push(`${feature}:${provider}`);
        return false;
      },
    },
  });
  try {
    const stream = harness.gateway.streamChat({ task: 'chat', feature: 'chat', messages: [{ role: 'user', content: 'secret plans' }] });
    const error = await stream.result.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    assert.ok(error instanceof ProviderError);
    assert.equal(error.reason, 'restricted');
    assert.deepEqual(error.actions, ['manageTrust']);
    assert.deepEqual(asked, ['chat:openai']);
    assert.equal(harness.server.requests.length, 0, 'nothing reached the server');
  } finally {
    await harness.close();
  }
});

test('a local endpoint is not remote: it is never asked about', async () => {
  let asked = 0;
  const harness = await startHarness({
    settings: { 'models.completion': 'local/coder' },
    gateway: {
      allowRemoteSend: async () => {
        asked++;
        return false;
      },
    },
  });
  try {
    harness.server.script({ kind: 'text', text: 'ok' });
    const result = await harness.gateway.complete({ messages: ask, prefix: 'a', suffix: 'b' }).result;
    assert.equal(result.text, 'ok');
    assert.equal(asked, 0);
  } finally {
    await harness.close();
  }
});

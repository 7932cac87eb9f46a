import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProviderError, toProviderError } from '../../../src/llm/providerError.ts';
import type { ContentFilter } from '../../../src/llm/contentFilter.ts';
import { startHarness } from './gatewayHarness.ts';

const systemError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });

test("fetch's TypeErrors whose cause carries a system error code are network failures", () => {
  const cases: unknown[] = [
    new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') }),
    new TypeError('fetch failed', { cause: systemError('ENOTFOUND') }),
    // undici cuts a body mid-stream with TypeError('terminated') caused by its SocketError.
    new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }),
    // Happy eyeballs: every address refused, reported as an AggregateError under the TypeError.
    new TypeError('fetch failed', { cause: new AggregateError([systemError('ECONNREFUSED'), systemError('ENETUNREACH')]) }),
  ];
  for (const error of cases) assert.equal(toProviderError(error, 'openai', 'gpt-4o').reason, 'network', String(error));
});

test('a TypeError from our own code is an internal error, not a network one', () => {
  for (const error of [
    new TypeError("Cannot read properties of undefined (reading 'content')"),
    new TypeError('fetch failed'),
    new TypeError('terminated', { cause: new Error('no code here') }),
    new ReferenceError('tokens is not defined'),
  ]) {
    const converted = toProviderError(error, 'openai', 'gpt-4o');
    assert.equal(converted.reason, 'internal', String(error));
    assert.deepEqual(converted.actions, ['openLogs']);
    assert.equal(converted.cause, error, 'the original error (and its stack) is kept for the logs');
  }
});

test('a bug in our own code mid-request is not retried, nor sent again to the next model', async () => {
  // A content filter whose restore stream has a bug: it throws while the first reply streams.
  const buggy: ContentFilter = {
    redact: (text) => ({ text, count: 0 }),
    createRestoreStream: () => ({
      push: (delta) => (undefined as unknown as { trim(): string }).trim() + delta,
      flush: () => '',
    }),
  };
  const h = await startHarness({
    contentFilter: buggy,
    gateway: { policies: { chat: { firstTokenMs: 1_000, totalMs: 4_000, attemptsPerModel: 3 } } },
  });
  try {
    h.server.script({ kind: 'text', text: 'first' }, { kind: 'text', text: 'second' }, { kind: 'text', text: 'third' });
    await assert.rejects(
      h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: [{ role: 'user', content: 'hi' }] }).result,
      (error: unknown) => error instanceof ProviderError && error.reason === 'internal',
    );
    assert.equal(h.server.requests.length, 1, 'sent once: no retry, no fallback to anthropic');
    assert.deepEqual(h.entries.map((entry) => entry.outcome), ['internal']);
  } finally {
    await h.close();
  }
});

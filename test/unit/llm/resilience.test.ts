import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCancellation } from '../../../src/common/errors.ts';
import { LocalStreams } from '../../../src/llm/localStreams.ts';
import { ProviderCooldown } from '../../../src/llm/providerCooldown.ts';
import { ProviderError } from '../../../src/llm/providerError.ts';
import { defaultTaskPolicies, retryDelayMs } from '../../../src/llm/taskPolicy.ts';

const rateLimited = (retryAfterMs?: number) =>
  new ProviderError('rateLimited', 'slow down', { provider: 'p', model: 'm', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

test('a completion never waits to retry; heavy tasks back off within bounds and honour retry-after', () => {
  assert.equal(retryDelayMs(rateLimited(), 1, defaultTaskPolicies.completion), undefined);
  assert.equal(retryDelayMs(rateLimited(), 1, defaultTaskPolicies.chat), 1_000);
  assert.equal(retryDelayMs(rateLimited(2_500), 1, defaultTaskPolicies.chat), 2_500);
  assert.equal(retryDelayMs(rateLimited(60_000), 1, defaultTaskPolicies.chat), undefined, 'too long: move to the next model');
  assert.equal(retryDelayMs(rateLimited(), 2, defaultTaskPolicies.chat), undefined, 'out of attempts');
  assert.equal(retryDelayMs(rateLimited(), 2, defaultTaskPolicies.embedding), 2_000, 'doubles');
});

test('a provider that keeps failing cools down for a while; a success resets it', () => {
  let now = 0;
  const cooldown = new ProviderCooldown({ failuresBeforeCooldown: 2, cooldownMs: 1_000, now: () => now });
  cooldown.recordFailure('a');
  assert.equal(cooldown.isCoolingDown('a'), false);
  cooldown.recordSuccess('a');
  cooldown.recordFailure('a');
  assert.equal(cooldown.isCoolingDown('a'), false, 'the success reset the count');
  cooldown.recordFailure('a');
  assert.equal(cooldown.isCoolingDown('a'), true);
  assert.equal(cooldown.isCoolingDown('b'), false);
  now = 1_000;
  assert.equal(cooldown.isCoolingDown('a'), false);
});

test('local streams: busy while any stream runs, waiters wake when the last ends, aborts reject', async () => {
  const streams = new LocalStreams();
  assert.equal(streams.isBusy('ollama'), false);
  await streams.waitUntilIdle('ollama');
  const endFirst = streams.begin('ollama');
  const endSecond = streams.begin('ollama');
  let woke = false;
  const waiting = streams.waitUntilIdle('ollama').then(() => (woke = true));
  const controller = new AbortController();
  const cancelled = streams.waitUntilIdle('ollama', controller.signal);
  controller.abort();
  await assert.rejects(cancelled, (error: unknown) => isCancellation(error));
  endFirst();
  endFirst();
  await Promise.resolve();
  assert.equal(woke, false);
  assert.equal(streams.isBusy('ollama'), true);
  endSecond();
  await waiting;
  assert.equal(streams.isBusy('ollama'), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCancellation } from '../../../src/common/errors.ts';
import { ProviderError } from '../../../src/llm/providerError.ts';
import { deterministicVector } from '../../support/modelServer/wireFormats.ts';
import { drain, startHarness, textOf } from './gatewayHarness.ts';

const ask = [{ role: 'user' as const, content: 'Explain the invoice module.' }];
const modelsSent = (h: { server: { requests: readonly { body: unknown }[] } }) => h.server.requests.map((r) => (r.body as { model?: string }).model);

test('chat streams deltas from OpenAI and records the usage the API reported', async () => {
  const h = await startHarness();
  try {
    h.server.script({ kind: 'text', chunks: ['It ', 'adds ', 'tax.'], usage: { input: 120, output: 3 } });
    const stream = h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask });
    const events = await drain(stream);
    const result = await stream.result;
    assert.deepEqual(events, [{ type: 'text', text: 'It ' }, { type: 'text', text: 'adds ' }, { type: 'text', text: 'tax.' }]);
    assert.equal(result.text, 'It adds tax.');
    assert.equal(result.model, 'openai/gpt-4o');
    assert.deepEqual(result.usage, { inputTokens: 120, outputTokens: 3, source: 'api' });
    assert.equal(result.fallbackFrom, null);
    const body = h.server.requests[0]?.body as { stream: boolean; stream_options: unknown; messages: unknown };
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.deepEqual(body.messages, [{ role: 'user', content: 'Explain the invoice module.' }]);
    assert.equal(h.entries.length, 1);
    assert.equal(h.entries[0]?.outcome, 'ok');
    assert.equal(h.entries[0]?.tier, 'chat');
    // gpt-4o: $2.50 in, $10 out per million tokens.
    assert.equal(h.entries[0]?.costUsd, (120 * 2.5 + 3 * 10) / 1_000_000);
    assert.ok(h.entries[0]!.ttftMs! >= 0);
  } finally {
    await h.close();
  }
});

test('chat streams from Anthropic with its usage, system prompt moved to the system field', async () => {
  const h = await startHarness({ settings: { 'models.chat': 'anthropic/claude-sonnet-5-5' } });
  try {
    h.server.script({ kind: 'text', chunks: ['Sure', '!'], usage: { input: 40, output: 2 } });
    const stream = h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: [{ role: 'system', content: 'Be brief.' }, ...ask], maxTokens: 300 });
    assert.equal(textOf(await drain(stream)), 'Sure!');
    const result = await stream.result;
    assert.equal(result.model, 'anthropic/claude-sonnet-5-5');
    assert.deepEqual(result.usage, { inputTokens: 40, outputTokens: 2, source: 'api' });
    const body = h.server.requests[0]?.body as { system: string; max_tokens: number; model: string };
    assert.equal(h.server.requests[0]?.path, '/v1/messages');
    assert.equal(body.system, 'Be brief.');
    assert.equal(body.max_tokens, 300);
    assert.equal(body.model, 'claude-sonnet-5-5');
    assert.equal(result.costUsd, (40 * 2 + 2 * 10) / 1_000_000);
  } finally {
    await h.close();
  }
});

test('FIM goes to /v1/completions with the suffix on an endpoint that serves it, and as a chat elsewhere', async () => {
  const h = await startHarness({ settings: { 'models.completion': 'local/qwen2.5-coder' } });
  try {
    h.server.script({ kind: 'text', chunks: ['a + b'] });
    const result = await h.gateway.complete({ messages: ask, prefix: 'function add(a, b) {\n  return ', suffix: ';\n}' }).result;
    assert.equal(result.text, 'a + b');
    assert.equal(result.model, 'local/qwen2.5-coder');
    const sent = h.server.requests[0]!;
    assert.equal(sent.path, '/v1/completions');
    assert.deepEqual(
      { prompt: (sent.body as { prompt: string }).prompt, suffix: (sent.body as { suffix: string }).suffix, auth: sent.headers.authorization },
      { prompt: 'function add(a, b) {\n  return ', suffix: ';\n}', auth: 'Bearer no-key' },
    );

    h.settings.set('models.completion', 'openai/gpt-4o-mini');
    h.server.script({ kind: 'text', text: 'a - b' });
    const forms: string[] = [];
    const chatForm = [{ role: 'user' as const, content: 'the chat phrasing of P|S' }];
    assert.equal((await h.gateway.complete({ messages: chatForm, prefix: 'P', suffix: 'S', stop: ['\n'], onAttempt: (form) => forms.push(form) }).result).text, 'a - b');
    const chat = h.server.requests[1]!;
    assert.equal(chat.path, '/v1/chat/completions');
    assert.deepEqual((chat.body as { messages: unknown }).messages, chatForm, 'the request\'s own chat phrasing, not one the gateway made up');
    assert.equal((chat.body as { stop?: unknown }).stop, undefined, 'the FIM form\'s stops stay with it');
    assert.deepEqual(forms, ['chat']);
    assert.equal(h.entries[1]?.tier, 'fast');
  } finally {
    await h.close();
  }
});

test('embeddings come back in order with the requested dimensions', async () => {
  const h = await startHarness();
  try {
    const result = await h.gateway.embed({ feature: 'index', inputs: ['first chunk', 'second chunk'], dimensions: 32 });
    assert.equal(result.model, 'openai/text-embedding-3-small');
    assert.deepEqual(result.vectors[0], Array.from(deterministicVector('first chunk', 32)));
    assert.deepEqual(result.vectors[1], Array.from(deterministicVector('second chunk', 32)));
    assert.equal((h.server.requests[0]?.body as { dimensions: number }).dimensions, 32);
    assert.equal(result.usage.source, 'api');
    assert.equal(h.entries[0]?.feature, 'index');
    assert.equal(h.entries[0]?.tier, 'embedding');
  } finally {
    await h.close();
  }
});

test('a per-request model wins over routing', async () => {
  const h = await startHarness();
  try {
    const chosen = await h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask, model: 'anthropic/claude-3-5-haiku' }).result;
    assert.equal(chosen.model, 'anthropic/claude-3-5-haiku');
    assert.deepEqual(modelsSent(h), ['claude-3-5-haiku']);
  } finally {
    await h.close();
  }
});

test('a request larger than any configured model can take is refused before it is sent, with a next step', async () => {
  const h = await startHarness();
  try {
    const huge = [{ role: 'user' as const, content: 'const value = 1;\n'.repeat(60_000) }];
    const failure = await h.gateway.streamChat({ task: 'refactor', feature: 'refactor', messages: huge }).result.then(() => undefined, (error: unknown) => error);
    assert.ok(failure instanceof ProviderError && failure.reason === 'contextTooLong', String(failure));
    assert.equal(h.server.requests.length, 0);
  } finally {
    await h.close();
  }
});

test('falls back to the next model on 429 and on 500, and the ledger says which answered', async () => {
  const h = await startHarness({ settings: { 'models.completionFallbacks': ['anthropic/claude-3-5-haiku', 'openai/gpt-4o'] } });
  try {
    h.server.script({ kind: 'error', status: 429, retryAfter: 20 }, { kind: 'error', status: 500 }, { kind: 'text', text: 'done' });
    const result = await h.gateway.complete({ messages: ask, prefix: 'a', suffix: 'b' }).result;
    assert.equal(result.text, 'done');
    assert.equal(result.model, 'openai/gpt-4o');
    assert.equal(result.fallbackFrom, 'openai/gpt-4o-mini');
    assert.deepEqual(modelsSent(h), ['gpt-4o-mini', 'claude-3-5-haiku', 'gpt-4o']);
    assert.deepEqual(h.entries.map((e) => [e.model, e.outcome, e.fallbackFrom]), [
      ['openai/gpt-4o-mini', 'rateLimited', null],
      ['anthropic/claude-3-5-haiku', 'server', 'openai/gpt-4o-mini'],
      ['openai/gpt-4o', 'ok', 'openai/gpt-4o-mini'],
    ]);
    await h.ledger.flush();
    const onDisk = await h.ledger.readMonth(Date.now());
    assert.equal(onDisk.filter((e) => e.type === 'request').length, 3);
  } finally {
    await h.close();
  }
});

test('a model that never sends a first token times out and the next one answers; the hung request is closed', async () => {
  const h = await startHarness();
  try {
    h.server.script({ kind: 'hang' }, { kind: 'text', text: 'from the fallback' });
    const result = await h.gateway.streamChat({ task: 'refactor', feature: 'refactor', messages: ask }).result;
    assert.equal(result.text, 'from the fallback');
    assert.equal(result.model, 'anthropic/claude-sonnet-5-5');
    assert.equal(h.entries[0]?.outcome, 'timeout');
    await h.server.idle();
    assert.equal(h.server.requests[0]?.aborted, true);
  } finally {
    await h.close();
  }
});

test('a stream cut mid-answer falls back, telling the reader to restart', async () => {
  const h = await startHarness();
  try {
    h.server.script({ kind: 'disconnect', afterChunks: 2, chunks: ['par', 'tial', ' never'] }, { kind: 'text', chunks: ['whole ', 'answer'] });
    const stream = h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask });
    const events = await drain(stream);
    assert.deepEqual(events, [
      { type: 'text', text: 'par' },
      { type: 'text', text: 'tial' },
      { type: 'restart', model: 'anthropic/claude-sonnet-5-5', reason: 'network' },
      { type: 'text', text: 'whole ' },
      { type: 'text', text: 'answer' },
    ]);
    const result = await stream.result;
    assert.equal(result.text, 'whole answer');
    assert.equal(result.fallbackFrom, 'openai/gpt-4o');
    assert.deepEqual(h.entries.map((e) => e.outcome), ['network', 'ok']);
    assert.ok(h.entries[0]!.outputTokens > 0, 'the partial answer is counted');
  } finally {
    await h.close();
  }
});

// Finding: a completion that failed mid-answer went to the fallback model, whose request the
// completion then aborted at once: a request paid for nothing.
test('a completion cut mid-answer ends there: no fallback request is sent', async () => {
  const h = await startHarness({ settings: { 'models.completionFallbacks': ['anthropic/claude-sonnet-5-5'] } });
  try {
    h.server.script({ kind: 'disconnect', afterChunks: 2, chunks: ['ret', 'urn', ' x;'] }, { kind: 'text', text: 'from the fallback' });
    const stream = h.gateway.streamChat({ task: 'completion', feature: 'completion', messages: ask });
    const events: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) events.push(event.type === 'text' ? event.text : event.type);
    })().then(() => undefined, (error: unknown) => error);
    assert.ok(failure instanceof ProviderError && failure.reason === 'network', String(failure));
    assert.deepEqual(events, ['ret', 'urn']);
    assert.equal(h.server.requests.length, 1, 'the fallback was never asked');
    assert.deepEqual(h.entries.map((e) => e.outcome), ['network']);
  } finally {
    await h.close();
  }
});

test('a completion that fails before its first token still falls back', async () => {
  const h = await startHarness({ settings: { 'models.completionFallbacks': ['anthropic/claude-sonnet-5-5'] } });
  try {
    h.server.script({ kind: 'disconnect', afterChunks: 0, chunks: ['never'] }, { kind: 'text', text: 'from the fallback' });
    const result = await h.gateway.streamChat({ task: 'completion', feature: 'completion', messages: ask }).result;
    assert.equal(result.text, 'from the fallback');
  } finally {
    await h.close();
  }
});

test('401 is a clear auth error with a Set API Key action, and nothing falls back', async () => {
  const h = await startHarness();
  try {
    h.server.script({ kind: 'error', status: 401, message: 'Incorrect API key provided' });
    const stream = h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask });
    await assert.rejects(drain(stream), (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.reason, 'auth');
      assert.deepEqual(error.actions, ['setApiKey']);
      assert.equal(error.provider, 'openai');
      return true;
    });
    await assert.rejects(stream.result, ProviderError);
    assert.equal(h.server.requests.length, 1);
  } finally {
    await h.close();
  }
});

test('400 is not retried or fallen back either; a missing key for the first model is an auth error before sending', async () => {
  const h = await startHarness({ keys: { anthropic: 'ak' } });
  try {
    await assert.rejects(h.gateway.complete({ messages: ask, prefix: 'a', suffix: '' }).result, (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.reason, 'auth');
      return true;
    });
    assert.equal(h.server.requests.length, 0);
    h.settings.set('models.completion', 'anthropic/claude-3-5-haiku');
    h.settings.set('models.completionFallbacks', ['anthropic/claude-3-haiku']);
    h.server.script({ kind: 'error', status: 400, message: 'max_tokens: bad value' });
    await assert.rejects(h.gateway.complete({ messages: ask, prefix: 'a', suffix: '' }).result, (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.reason, 'badRequest');
      assert.deepEqual(error.actions, ['openSettings']);
      return true;
    });
    assert.equal(h.server.requests.length, 1);
  } finally {
    await h.close();
  }
});

test('retry-after is honoured before retrying the same model', async () => {
  const h = await startHarness({ settings: { 'models.heavyFallbacks': [] }, gateway: { policies: { chat: { attemptsPerModel: 2, maxRetryWaitMs: 5_000, firstTokenMs: 2_000, totalMs: 5_000 } } } });
  try {
    h.server.script({ kind: 'error', status: 429, retryAfter: 1 }, { kind: 'text', text: 'ok now' });
    const result = await h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask }).result;
    assert.equal(result.text, 'ok now');
    assert.equal(h.server.requests.length, 2);
    const gap = h.server.requests[1]!.receivedAt - h.server.requests[0]!.receivedAt;
    assert.ok(gap >= 1_000, `the retry came ${gap} ms after the 429, before its retry-after of 1 s`);
  } finally {
    await h.close();
  }
});

test('a retry-after longer than the task allows moves on at once (and is reported when nothing is left)', async () => {
  const h = await startHarness({ settings: { 'models.heavyFallbacks': [] }, gateway: { policies: { chat: { attemptsPerModel: 3, maxRetryWaitMs: 100 } } } });
  try {
    h.server.script({ kind: 'error', status: 429, retryAfter: 30 });
    await assert.rejects(h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask }).result, (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.reason, 'rateLimited');
      assert.equal(error.retryAfterMs, 30_000);
      return true;
    });
    assert.equal(h.server.requests.length, 1);
  } finally {
    await h.close();
  }
});

test('cancelling closes the HTTP request, is not an error, and is recorded as cancelled', async () => {
  const h = await startHarness();
  try {
    h.server.script({ kind: 'text', chunks: ['one ', 'two ', 'three'], chunkDelayMs: 300 });
    const controller = new AbortController();
    const stream = h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask, signal: controller.signal });
    const seen: string[] = [];
    for await (const event of stream) {
      if (event.type === 'text') seen.push(event.text);
      controller.abort();
    }
    assert.deepEqual(seen, ['one ']);
    await assert.rejects(stream.result, (error: unknown) => isCancellation(error));
    await h.server.idle();
    assert.equal(h.server.requests.length, 1, 'no fallback after a cancel');
    assert.equal(h.server.requests[0]?.aborted, true);
    assert.equal(h.entries[0]?.outcome, 'cancelled');
  } finally {
    await h.close();
  }
});

test('breaking out of the loop cancels too', async () => {
  const h = await startHarness();
  try {
    h.server.script({ kind: 'text', chunks: ['a', 'b', 'c'], chunkDelayMs: 300 });
    const stream = h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask });
    for await (const event of stream) {
      assert.equal(event.type, 'text');
      break;
    }
    await assert.rejects(stream.result, (error: unknown) => isCancellation(error));
    await h.server.idle();
    assert.equal(h.server.requests[0]?.aborted, true);
  } finally {
    await h.close();
  }
});

test('a malformed stream is a badResponse carrying the text received', async () => {
  const h = await startHarness({ settings: { 'models.heavyFallbacks': [] } });
  try {
    h.server.script({ kind: 'malformed', afterChunks: 2, chunks: ['The ', 'answer ', 'is'] });
    await assert.rejects(h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask }).result, (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.reason, 'badResponse');
      assert.equal(error.partialText, 'The answer ');
      return true;
    });
  } finally {
    await h.close();
  }
});

test('past the daily budget, completions are refused without sending and heavy requests ask first', async () => {
  const asked: Array<[number, number]> = [];
  let answer = false;
  const h = await startHarness({
    settings: { 'budget.dailyUsd': 0.001, prices: { 'openai/gpt-4o': { input: 1000, output: 1000 } } },
    gateway: {
      confirmOverBudget: async (spent, limit) => {
        asked.push([spent, limit]);
        return answer;
      },
    },
  });
  try {
    h.server.script({ kind: 'text', text: 'expensive', usage: { input: 10, output: 10 } });
    await h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask }).result;
    assert.equal((await h.gateway.budgetStatus()).exceeded, true);
    const sentBefore = h.server.requests.length;

    await assert.rejects(h.gateway.complete({ messages: ask, prefix: 'a', suffix: '' }).result, (error: unknown) => error instanceof ProviderError && error.reason === 'budget');
    assert.equal(asked.length, 0, 'completions never ask');
    await assert.rejects(h.gateway.streamChat({ task: 'refactor', feature: 'refactor', messages: ask }).result, (error: unknown) => error instanceof ProviderError && error.reason === 'budget');
    assert.equal(h.server.requests.length, sentBefore);
    answer = true;
    assert.equal((await h.gateway.streamChat({ task: 'refactor', feature: 'refactor', messages: ask }).result).model, 'openai/gpt-4o');
    assert.deepEqual(asked.map(([, limit]) => limit), [0.001, 0.001]);
    assert.ok(asked[0]![0] >= 0.02, 'the spend passed to the prompt is today\'s');
  } finally {
    await h.close();
  }
});

test('the content filter sees everything sent: chat, FIM and embeddings; the server gets redacted text only', async () => {
  const filter = { redact: (text: string) => ({ text: text.replaceAll('sk-live-SECRET', '[redacted]'), count: text.split('sk-live-SECRET').length - 1 }) };
  const h = await startHarness({ contentFilter: filter, settings: { 'models.completion': 'local/coder' } });
  try {
    const secret = 'const key = "sk-live-SECRET";';
    await h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: [{ role: 'system', content: secret }, { role: 'user', content: secret }] }).result;
    await h.gateway.complete({ messages: ask, prefix: secret, suffix: secret }).result;
    await h.gateway.embed({ feature: 'index', inputs: [secret] });
    assert.equal(h.server.requests.length, 3);
    for (const request of h.server.requests) {
      assert.doesNotMatch(JSON.stringify(request.body), /SECRET/);
      assert.match(JSON.stringify(request.body), /\[redacted\]/);
    }
    assert.deepEqual(h.entries.map((e) => e.redactions), [2, 2, 1]);
  } finally {
    await h.close();
  }
});

test('a completion for a local provider waits while a chat streams from it', async () => {
  const h = await startHarness({ settings: { 'models.chat': 'local/qwen', 'models.completion': 'local/coder' } });
  try {
    h.server.script({ kind: 'text', chunks: ['slow ', 'chat'], chunkDelayMs: 150, model: 'qwen' });
    const chat = h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask });
    const iterator = chat[Symbol.asyncIterator]();
    await iterator.next();
    assert.equal(h.gateway.isLocalBusy('local'), true);
    const completion = await h.gateway.complete({ messages: ask, prefix: 'x', suffix: '' }).result;
    const chatDone = await chat.result;
    assert.equal(completion.model, 'local/coder');
    assert.equal(chatDone.text, 'slow chat');
    assert.equal(h.gateway.isLocalBusy('local'), false);
    // The completion's request reached the server only after the chat's stream had finished.
    assert.deepEqual(modelsSent(h), ['qwen', 'coder']);
    assert.equal(h.server.requests[0]?.completed, true);
    assert.ok(h.server.requests[1]!.receivedAt >= h.server.requests[0]!.closedAt!, 'the completion was sent after the chat stream closed');
  } finally {
    await h.close();
  }
});

test('a provider that keeps failing is skipped while it cools down', async () => {
  const { ProviderCooldown } = await import('../../../src/llm/providerCooldown.ts');
  const h = await startHarness({
    settings: { 'models.completionFallbacks': ['anthropic/claude-3-5-haiku'] },
    gateway: { cooldown: new ProviderCooldown({ failuresBeforeCooldown: 1, cooldownMs: 60_000 }) },
  });
  try {
    h.server.script({ kind: 'error', status: 503 });
    assert.equal((await h.gateway.complete({ messages: ask, prefix: 'a', suffix: '' }).result).model, 'anthropic/claude-3-5-haiku');
    assert.equal((await h.gateway.complete({ messages: ask, prefix: 'b', suffix: '' }).result).model, 'anthropic/claude-3-5-haiku');
    assert.deepEqual(modelsSent(h), ['gpt-4o-mini', 'claude-3-5-haiku', 'claude-3-5-haiku']);
  } finally {
    await h.close();
  }
});

test('an Azure endpoint goes through the SDK\'s Azure client: deployment path, api-version, api-key header', async () => {
  const h = await startHarness({ keys: { openai: 'sk' } });
  try {
    h.settings.set('endpoints', [{ name: 'azure', kind: 'azure', baseUrl: h.server.url, apiVersion: '2024-10-21' }]);
    await h.keys.set('azure', 'az-key', new URL(h.server.url).origin);
    h.server.script({ kind: 'text', text: 'from azure' });
    const result = await h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask, model: 'azure/my-gpt4o' }).result;
    assert.equal(result.text, 'from azure');
    const sent = h.server.requests[0]!;
    assert.equal(sent.path, '/openai/deployments/my-gpt4o/chat/completions');
    assert.equal(sent.query['api-version'], '2024-10-21');
    assert.equal(sent.headers['api-key'], 'az-key');
  } finally {
    await h.close();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as AnthropicErrors from '@anthropic-ai/sdk';
import * as OpenAiErrors from 'openai';
import { GroundworkError } from '../../../src/common/errors.ts';
import { isFallbackReason, parseRetryAfter, ProviderError, toProviderError } from '../../../src/llm/providerError.ts';

const headers = (values: Record<string, string> = {}) => new Headers(values);
const openAi = (status: number, body: object, h = headers()) => OpenAiErrors.APIError.generate(status, body, undefined, h);
const anthropic = (status: number, body: object, h = headers()) => AnthropicErrors.APIError.generate(status, body, undefined, h);

test('SDK errors convert by status to a reason, for both vendors', () => {
  const cases: Array<[unknown, string]> = [
    [openAi(401, { error: { message: 'bad key' } }), 'auth'],
    [openAi(403, { error: { message: 'no' } }), 'auth'],
    [openAi(429, { error: { message: 'slow' } }), 'rateLimited'],
    [openAi(500, { error: { message: 'oops' } }), 'server'],
    [openAi(404, { error: { message: 'The model does not exist' } }), 'badRequest'],
    [openAi(400, { error: { message: "This model's maximum context length is 128000 tokens", code: 'context_length_exceeded' } }), 'contextTooLong'],
    [openAi(400, { error: { message: 'temperature out of range' } }), 'badRequest'],
    [anthropic(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }), 'auth'],
    [anthropic(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), 'server'],
    [anthropic(400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } }), 'contextTooLong'],
    [new OpenAiErrors.APIConnectionError({ message: 'Connection error.' }), 'network'],
    [new OpenAiErrors.APIConnectionTimeoutError(), 'timeout'],
    [new AnthropicErrors.APIConnectionTimeoutError(), 'timeout'],
    [new SyntaxError('Unexpected token'), 'badResponse'],
    [new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), 'network'],
  ];
  for (const [error, reason] of cases) {
    assert.equal(toProviderError(error, 'p', 'm').reason, reason, String(error));
  }
});

test("a gateway's spend limit on the key is said as such, not as a bad request or a bad key, and is not retried elsewhere", () => {
  // As a LiteLLM proxy answers once a virtual key's or team's max budget is spent.
  const cases = [
    openAi(400, { error: { message: 'Budget has been exceeded! Current cost: 12.5, Max budget: 10.0', type: 'budget_exceeded', param: null, code: '400' } }),
    openAi(401, { error: { message: 'Authentication Error, ExceededTokenBudget: Current spend for token: 5.1; Max Budget for Token: 5.0', type: 'auth_error', code: '401' } }),
  ];
  for (const error of cases) {
    const converted = toProviderError(error, 'team', 'gpt-4o');
    assert.equal(converted.reason, 'budget', String(error));
    assert.match(converted.message, /gateway serving team\/gpt-4o refused: the spend limit of this key is reached .*Current/);
    assert.equal(isFallbackReason(converted.reason), false);
  }
  // The gateway's rate limit stays a rate limit, with its wait.
  const limited = toProviderError(openAi(429, { error: { message: 'Max parallel request limit reached' } }, headers({ 'retry-after': '3' })), 'team', 'gpt-4o');
  assert.deepEqual([limited.reason, limited.retryAfterMs], ['rateLimited', 3000]);
});

test('actions follow the reason: a key for auth, settings for bad requests', () => {
  assert.deepEqual(toProviderError(openAi(401, {}), 'openai', 'gpt-4o').actions, ['setApiKey']);
  assert.deepEqual(toProviderError(openAi(404, {}), 'openai', 'gpt-5o').actions, ['openSettings']);
  const fromSettings = toProviderError(new GroundworkError('bad name', { actions: ['openSettings'] }), 'x', 'y');
  assert.equal(fromSettings.reason, 'badRequest');
});

test('retry-after is read from the error headers, ms first, then seconds or a date', () => {
  assert.equal(toProviderError(openAi(429, {}, headers({ 'retry-after': '7' })), 'p', 'm').retryAfterMs, 7000);
  assert.equal(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
  assert.equal(parseRetryAfter(headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000), 6_000);
  assert.equal(parseRetryAfter(headers({})), undefined);
  assert.equal(parseRetryAfter(headers({ 'retry-after': 'soon' })), undefined);
});

test('partial text is kept, and only load and transport failures fall back', () => {
  const error = toProviderError(new SyntaxError('x'), 'p', 'm', 'half an ans');
  assert.equal(error.partialText, 'half an ans');
  assert.ok(error instanceof ProviderError);
  assert.deepEqual(
    (['auth', 'rateLimited', 'contextTooLong', 'network', 'timeout', 'server', 'badRequest', 'badResponse', 'budget', 'internal'] as const).filter(isFallbackReason),
    ['rateLimited', 'network', 'timeout', 'server', 'badResponse'],
  );
});

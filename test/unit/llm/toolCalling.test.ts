import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toAnthropicToolPrompt } from '../../../src/llm/anthropicConverters.ts';
import type { RequestStart } from '../../../src/llm/modelGateway.ts';
import type { ToolConversationMessage, ToolDefinition } from '../../../src/llm/toolTypes.ts';
import { SecretRedactor } from '../../../src/safety/secretRedactor.ts';
import { recordedToolResults, recordedTools } from '../../support/modelServer/modelServer.ts';
import { startHarness } from './gatewayHarness.ts';

const grepTool: ToolDefinition = {
  name: 'grep',
  description: 'Searches the workspace.',
  parameters: { type: 'object', properties: { pattern: { type: 'string' } }, required: ['pattern'] },
};

const conversation: ToolConversationMessage[] = [
  { role: 'system', content: 'You are careful.' },
  { role: 'user', content: 'Where is TODO?' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'grep', arguments: '{"pattern":"TODO"}' }] },
  { role: 'tool', toolCallId: 'call_1', name: 'grep', content: 'src/a.ts:3: // TODO', isError: false },
];

for (const [vendor, model] of [
  ['OpenAI', 'openai/gpt-4o'],
  ['Anthropic', 'anthropic/claude-sonnet-5-5'],
] as const) {
  test(`${vendor}: streamWithTools sends the tools and earlier results through the real SDK and returns the model's calls`, async () => {
    const harness = await startHarness();
    try {
      harness.server.script({ kind: 'toolCalls', text: 'Reading it.', calls: [{ id: 'c2', name: 'grep', arguments: { pattern: 'FIXME' } }], usage: { input: 100, output: 10 } });
      const result = await harness.gateway.streamWithTools({ task: 'refactor', feature: 'agent', model, messages: conversation, tools: [grepTool] }).result;
      assert.deepEqual(result.toolCalls, [{ id: 'c2', name: 'grep', arguments: '{"pattern":"FIXME"}' }]);
      assert.equal(result.text, 'Reading it.');
      assert.equal(result.model, model);
      assert.equal(result.finishReason, vendor === 'OpenAI' ? 'tool_calls' : 'tool_use');
      assert.deepEqual(result.usage, { inputTokens: 100, outputTokens: 10, source: 'api' });
      assert.ok((result.costUsd ?? 0) > 0, 'a tool call is paid for like any call');

      const sent = harness.server.requests[0]!;
      assert.deepEqual(recordedTools(sent), [{ name: 'grep', description: 'Searches the workspace.', parameters: grepTool.parameters }]);
      assert.deepEqual(recordedToolResults(sent).map((r) => [r.toolCallId, r.content]), [['call_1', 'src/a.ts:3: // TODO']]);
      assert.equal(harness.entries.length, 1);
      assert.equal(harness.entries[0]!.feature, 'agent');
    } finally {
      await harness.close();
    }
  });
}

test('tool results and earlier arguments are redacted on the wire; placeholders in the model’s arguments come back as the secret', async () => {
  const awsKey = 'AKIAIOSFODNN7EXAMPLE';
  const redactor = new SecretRedactor();
  const starts: RequestStart[] = [];
  const harness = await startHarness({ contentFilter: redactor, gateway: { beforeSend: async (start) => void starts.push(start) } });
  try {
    const placeholder = redactor.redact(`key = '${awsKey}'`).text.match(/GW_REDACTED_\w+/)![0];
    // The model quotes the placeholder inside a JSON string: it must come back as the key, in valid JSON.
    harness.server.script({ kind: 'toolCalls', calls: [{ id: 'e1', name: 'propose_edits', arguments: { search: `key = '${placeholder}'`, replace: 'key = env()' } }] });
    const result = await harness.gateway.streamWithTools({
      task: 'refactor',
      feature: 'agent',
      messages: [
        { role: 'user', content: 'remove the key' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'r1', name: 'read_file', arguments: JSON.stringify({ note: awsKey }) }] },
        { role: 'tool', toolCallId: 'r1', name: 'read_file', content: `key = '${awsKey}'` },
      ],
      tools: [grepTool],
      sources: [{ path: 'config.ts', startLine: 1, endLine: 1 }],
    }).result;
    const body = JSON.stringify(harness.server.requests[0]!.body);
    assert.ok(!body.includes(awsKey), 'the key left the machine');
    assert.ok(body.includes(placeholder));
    assert.deepEqual(JSON.parse(result.toolCalls![0]!.arguments), { search: `key = '${awsKey}'`, replace: 'key = env()' });
    assert.equal(starts.length, 1);
    assert.deepEqual(starts[0]!.sources, [{ path: 'config.ts', startLine: 1, endLine: 1 }]);
    assert.ok(starts[0]!.redactions >= 2);
  } finally {
    await harness.close();
  }
});

test('supportsTools: OpenAI and Anthropic can; a compatible endpoint only when it says "tools": true', async () => {
  const harness = await startHarness();
  try {
    assert.equal(await harness.gateway.supportsTools('refactor'), true);
    assert.equal(await harness.gateway.supportsTools('refactor', 'anthropic/claude-sonnet-5-5'), true);
    assert.equal(await harness.gateway.supportsTools('refactor', 'local/qwen'), false);
    await assert.rejects(
      harness.gateway.streamWithTools({ task: 'refactor', feature: 'agent', model: 'local/qwen', messages: [{ role: 'user', content: 'x' }], tools: [grepTool] }).result,
      (error: Error & { reason?: string }) => error.reason === 'badRequest' && /cannot call tools/.test(error.message),
    );
    assert.equal(harness.server.requests.length, 0, 'nothing is sent to a model that cannot take tools');

    harness.settings.set('endpoints', [{ name: 'local', baseUrl: `${harness.server.url}/v1`, local: true, tools: true }]);
    harness.registry.reset();
    assert.equal(await harness.gateway.supportsTools('refactor', 'local/qwen'), true);
  } finally {
    await harness.close();
  }
});

test('supportsTools without a key says yes, so the request fails for the missing key and not as a model that takes no tools', async () => {
  const harness = await startHarness({ keys: { anthropic: 'ak-test' } });
  try {
    assert.equal(await harness.gateway.supportsTools('refactor', 'openai/gpt-4o'), true);
    await assert.rejects(
      harness.gateway.streamWithTools({ task: 'refactor', feature: 'agent', model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }], tools: [grepTool] }).result,
      (error: Error & { reason?: string }) => error.reason === 'auth',
    );
    assert.equal(harness.server.requests.length, 0);
  } finally {
    await harness.close();
  }
});

test('a fallback that cannot call tools is skipped, unsent; the first model’s failure is the answer', async () => {
  const harness = await startHarness({ settings: { 'models.heavyFallbacks': ['local/qwen', 'anthropic/claude-sonnet-5-5'] } });
  try {
    harness.server.script({ kind: 'error', status: 503, model: 'gpt-4o' }, { kind: 'toolCalls', calls: [{ id: 'x', name: 'grep', arguments: {} }] });
    const result = await harness.gateway.streamWithTools({ task: 'refactor', feature: 'agent', messages: [{ role: 'user', content: 'x' }], tools: [grepTool] }).result;
    assert.equal(result.model, 'anthropic/claude-sonnet-5-5');
    assert.equal(result.fallbackFrom, 'openai/gpt-4o');
    assert.deepEqual(harness.server.requests.map((request) => request.path), ['/v1/chat/completions', '/v1/messages']);
    assert.equal(harness.server.requests.some((request) => (request.body as { model?: string }).model === 'qwen'), false);
  } finally {
    await harness.close();
  }
});

test('Anthropic prompt: results go first in one user turn, neighbouring turns merge, bad arguments go back as {}', () => {
  const prompt = toAnthropicToolPrompt([
    { role: 'system', content: 'S' },
    { role: 'user', content: 'Q' },
    { role: 'assistant', content: 'Looking.', toolCalls: [{ id: 'a', name: 'grep', arguments: '{"pattern":"x"}' }, { id: 'b', name: 'grep', arguments: '{not json' }] },
    { role: 'tool', toolCallId: 'a', name: 'grep', content: 'hit' },
    { role: 'tool', toolCallId: 'b', name: 'grep', content: 'bad arguments', isError: true },
    { role: 'user', content: 'Budget note' },
  ]);
  assert.equal(prompt.system, 'S');
  assert.deepEqual(prompt.messages, [
    { role: 'user', content: [{ type: 'text', text: 'Q' }] },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Looking.' },
        { type: 'tool_use', id: 'a', name: 'grep', input: { pattern: 'x' } },
        { type: 'tool_use', id: 'b', name: 'grep', input: {} },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'a', content: 'hit' },
        { type: 'tool_result', tool_use_id: 'b', content: 'bad arguments', is_error: true },
        { type: 'text', text: 'Budget note' },
      ],
    },
  ]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { AnthropicToolCallAssembler } from '../../../src/llm/anthropicConverters.ts';
import { OpenAiToolCallAssembler, toOpenAiToolMessages } from '../../../src/llm/openAiConverters.ts';
import { restoreArguments } from '../../../src/llm/toolArguments.ts';

const chunk = (delta: ChatCompletionChunk.Choice.Delta, finish: ChatCompletionChunk.Choice['finish_reason'] = null): ChatCompletionChunk => ({
  id: 'x',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
});

test('OpenAI: interleaved tool_calls deltas assemble by index and are given out, whole, before the finish', () => {
  const assembler = new OpenAiToolCallAssembler();
  const events = [
    chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'read_file', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'grep', arguments: '{"pat' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"path":"a.ts"}' } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: 'tern":"x"}' } }] }),
    chunk({}, 'tool_calls'),
  ].flatMap((c) => assembler.push(c));
  assert.deepEqual(events, [
    { kind: 'toolCall', call: { id: 'a', name: 'read_file', arguments: '{"path":"a.ts"}' } },
    { kind: 'toolCall', call: { id: 'b', name: 'grep', arguments: '{"pattern":"x"}' } },
    { kind: 'end', finishReason: 'tool_calls' },
  ]);
});

test('Anthropic: a tool_use block without input deltas is a call with {} arguments; the stop reason ends the stream', () => {
  const assembler = new AnthropicToolCallAssembler();
  const events = (
    [
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'find_files', input: {} } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 3 } },
      { type: 'message_stop' },
    ] as unknown as RawMessageStreamEvent[]
  ).flatMap((event) => assembler.push(event));
  assert.deepEqual(events, [
    { kind: 'toolCall', call: { id: 't', name: 'find_files', arguments: '{}' } },
    { kind: 'usage', outputTokens: 3 },
    { kind: 'end', finishReason: 'tool_use' },
  ]);
});

test('OpenAI messages: an assistant turn carries its calls, results are role tool', () => {
  assert.deepEqual(
    toOpenAiToolMessages([
      { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'grep', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'a', name: 'grep', content: 'Error: bad', isError: true },
    ]),
    [
      { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'grep', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'a', content: 'Error: bad' },
    ],
  );
});

test('placeholders in arguments are restored value by value, so a secret with quotes and backslashes keeps the JSON valid', () => {
  const secret = 'pa"ss\\word';
  const restore = (text: string) => text.replaceAll('GW_REDACTED_PASSWORD_1_ABCDEFGH', secret);
  const restored = restoreArguments(JSON.stringify({ edits: [{ search: "pw = 'GW_REDACTED_PASSWORD_1_ABCDEFGH'", n: 1 }] }), restore);
  assert.deepEqual(JSON.parse(restored), { edits: [{ search: `pw = '${secret}'`, n: 1 }] });
  assert.equal(restoreArguments('{"broken": "GW_REDACTED_PASSWORD_1_ABCDEFGH', restore), `{"broken": "${secret}`);
});

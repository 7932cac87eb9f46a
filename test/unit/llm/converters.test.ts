import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { fromAnthropicEvent, toAnthropicPrompt } from '../../../src/llm/anthropicConverters.ts';
import { fromOpenAiChatChunk, toOpenAiMessages } from '../../../src/llm/openAiConverters.ts';

test('OpenAI messages keep roles and text', () => {
  assert.deepEqual(toOpenAiMessages([{ role: 'system', content: 's' }, { role: 'user', content: 'u' }]), [
    { role: 'system', content: 's' },
    { role: 'user', content: 'u' },
  ]);
});

test('OpenAI chunks become text, end and usage events', () => {
  const chunk = (fields: Partial<ChatCompletionChunk>): ChatCompletionChunk => ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], ...fields });
  assert.deepEqual(fromOpenAiChatChunk(chunk({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] })), [{ kind: 'text', text: 'hi' }]);
  assert.deepEqual(fromOpenAiChatChunk(chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })), []);
  assert.deepEqual(fromOpenAiChatChunk(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })), [{ kind: 'end', finishReason: 'length' }]);
  assert.deepEqual(fromOpenAiChatChunk(chunk({ usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })), [
    { kind: 'usage', inputTokens: 5, outputTokens: 2 },
  ]);
});

test('Anthropic prompts: system apart, same-role turns merged, user first', () => {
  assert.deepEqual(
    toAnthropicPrompt([
      { role: 'system', content: 'rules' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'system', content: 'more rules' },
    ]),
    {
      system: 'rules\n\nmore rules',
      messages: [
        { role: 'user', content: '(continue)' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'a\n\nb' },
      ],
    },
  );
  assert.equal(toAnthropicPrompt([{ role: 'user', content: 'x' }]).system, undefined);
});

test('Anthropic events: usage from start and delta, text from text deltas, end only at message_stop', () => {
  const events = [
    { type: 'message_start', message: { usage: { input_tokens: 12, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } },
    { type: 'message_stop' },
  ] as unknown as RawMessageStreamEvent[];
  assert.deepEqual(events.flatMap(fromAnthropicEvent), [
    { kind: 'usage', inputTokens: 12 },
    { kind: 'text', text: 'Hi' },
    { kind: 'usage', outputTokens: 9 },
    { kind: 'end', finishReason: 'end_turn' },
  ]);
});


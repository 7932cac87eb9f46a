import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Completion } from 'openai/resources/completions';
import type { ProviderEvent } from './modelProvider.ts';
import type { ChatMessage } from './modelTypes.ts';

/** Our messages as OpenAI chat messages: the roles are the same, so only the shape changes. */
export function toOpenAiMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message) => ({ role: message.role, content: message.content }));
}

/** One streamed chat chunk as provider events (text, then the finish, then usage when present). */
export function fromOpenAiChatChunk(chunk: ChatCompletionChunk): ProviderEvent[] {
  const events: ProviderEvent[] = [];
  const choice = chunk.choices[0];
  const text = choice?.delta?.content;
  if (text) events.push({ kind: 'text', text });
  if (choice?.finish_reason) events.push({ kind: 'end', finishReason: choice.finish_reason });
  if (chunk.usage) events.push({ kind: 'usage', inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens });
  return events;
}

/** One streamed legacy-completions chunk (native FIM) as provider events. */
export function fromOpenAiCompletionChunk(chunk: Completion): ProviderEvent[] {
  const events: ProviderEvent[] = [];
  const choice = chunk.choices[0];
  if (choice?.text) events.push({ kind: 'text', text: choice.text });
  if (choice?.finish_reason) events.push({ kind: 'end', finishReason: choice.finish_reason });
  if (chunk.usage) events.push({ kind: 'usage', inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens });
  return events;
}

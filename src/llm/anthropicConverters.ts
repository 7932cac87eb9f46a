import type { MessageParam, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ProviderEvent } from './modelProvider.ts';
import type { ChatMessage } from './modelTypes.ts';

export interface AnthropicPrompt {
  readonly system: string | undefined;
  readonly messages: MessageParam[];
}

/**
 * Our messages as an Anthropic prompt: system messages move to the `system` field, neighbouring
 * messages of one role merge (the API wants user and assistant to alternate), and a conversation
 * that would start with the assistant gets an empty user turn first (the API wants user first).
 */
export function toAnthropicPrompt(messages: readonly ChatMessage[]): AnthropicPrompt {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const turns: { role: 'user' | 'assistant'; content: string }[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    const last = turns.at(-1);
    if (last && last.role === message.role) last.content = `${last.content}\n\n${message.content}`;
    else turns.push({ role: message.role, content: message.content });
  }
  if (turns[0]?.role === 'assistant') turns.unshift({ role: 'user', content: '(continue)' });
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: turns };
}

/** One raw stream event as provider events; message_stop is the only proof the answer is whole. */
export function fromAnthropicEvent(event: RawMessageStreamEvent): ProviderEvent[] {
  switch (event.type) {
    case 'message_start':
      return [{ kind: 'usage', inputTokens: event.message.usage.input_tokens }];
    case 'content_block_delta':
      return event.delta.type === 'text_delta' && event.delta.text ? [{ kind: 'text', text: event.delta.text }] : [];
    case 'message_delta': {
      const output = event.usage.output_tokens;
      return typeof output === 'number' ? [{ kind: 'usage', outputTokens: output }] : [];
    }
    case 'message_stop':
      return [{ kind: 'end', finishReason: 'end_turn' }];
    default:
      return [];
  }
}

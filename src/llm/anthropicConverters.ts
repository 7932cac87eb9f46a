import type { ContentBlockParam, ImageBlockParam, MessageParam, RawMessageStreamEvent, Tool } from '@anthropic-ai/sdk/resources/messages';
import type { ProviderEvent } from './modelProvider.ts';
import type { ChatMessage, ImageAttachment } from './modelTypes.ts';
import type { ToolConversationMessage, ToolDefinition } from './toolTypes.ts';

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
  const turns: { role: 'user' | 'assistant'; content: string; images: ImageAttachment[] }[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    const last = turns.at(-1);
    if (last && last.role === message.role) {
      last.content = `${last.content}\n\n${message.content}`;
      last.images.push(...(message.images ?? []));
    } else turns.push({ role: message.role, content: message.content, images: [...(message.images ?? [])] });
  }
  if (turns[0]?.role === 'assistant') turns.unshift({ role: 'user', content: '(continue)', images: [] });
  const prompt: MessageParam[] = turns.map((turn) =>
    turn.images.length === 0
      ? { role: turn.role, content: turn.content }
      : {
          role: turn.role,
          content: [...turn.images.map(toAnthropicImage), { type: 'text' as const, text: turn.content }],
        },
  );
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: prompt };
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

/**
 * Our tool conversation as an Anthropic prompt: calls become `tool_use` blocks on the assistant
 * turn, results `tool_result` blocks on the next user turn, and neighbouring turns of one role
 * merge (the API wants user and assistant to alternate, results first in their user turn).
 */
export function toAnthropicToolPrompt(messages: readonly ToolConversationMessage[]): AnthropicPrompt {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const turns: { role: 'user' | 'assistant'; content: ContentBlockParam[] }[] = [];
  const add = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        break;
      case 'tool':
        add('user', [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content, ...(message.isError ? { is_error: true } : {}) }]);
        break;
      case 'assistant': {
        const blocks: ContentBlockParam[] = message.content ? [{ type: 'text', text: message.content }] : [];
        for (const call of message.toolCalls ?? []) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call.arguments) });
        add('assistant', blocks);
        break;
      }
      default:
        add('user', [...(message.images ?? []).map(toAnthropicImage), { type: 'text', text: message.content }]);
    }
  }
  if (turns[0]?.role === 'assistant') turns.unshift({ role: 'user', content: [{ type: 'text', text: '(continue)' }] });
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: turns };
}

/** An image block: base64 bytes with their media type, before the turn's text. */
function toAnthropicImage(image: ImageAttachment): ImageBlockParam {
  return { type: 'image', source: { type: 'base64', media_type: image.mediaType, data: image.base64 } };
}

export function toAnthropicTools(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: { type: 'object', ...tool.parameters } }));
}

/** The API takes a call's input as an object: arguments the model wrote badly go back as `{}` (their tool result says why). */
function toolInput(json: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(json) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Assembles streamed `tool_use` blocks (`input_json_delta` pieces) into whole calls, each given
 * out when its block stops, and ends with the message's own stop reason. One per stream.
 */
export class AnthropicToolCallAssembler {
  private readonly open = new Map<number, { id: string; name: string; arguments: string }>();
  private stopReason: string | null = null;

  push(event: RawMessageStreamEvent): ProviderEvent[] {
    switch (event.type) {
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') this.open.set(event.index, { id: event.content_block.id, name: event.content_block.name, arguments: '' });
        return [];
      case 'content_block_delta': {
        if (event.delta.type === 'input_json_delta') {
          const call = this.open.get(event.index);
          if (call) call.arguments += event.delta.partial_json;
          return [];
        }
        return fromAnthropicEvent(event);
      }
      case 'content_block_stop': {
        const call = this.open.get(event.index);
        if (!call) return [];
        this.open.delete(event.index);
        // A call without arguments streams no delta at all.
        return [{ kind: 'toolCall', call: { ...call, arguments: call.arguments || '{}' } }];
      }
      case 'message_delta':
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        return fromAnthropicEvent(event);
      case 'message_stop':
        return [{ kind: 'end', finishReason: this.stopReason ?? 'end_turn' }];
      default:
        return fromAnthropicEvent(event);
    }
  }
}

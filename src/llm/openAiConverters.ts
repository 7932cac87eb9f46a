import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Completion } from 'openai/resources/completions';
import type { ProviderEvent } from './modelProvider.ts';
import type { ChatMessage, ImageAttachment } from './modelTypes.ts';
import type { ToolConversationMessage, ToolDefinition } from './toolTypes.ts';

/** Our messages as OpenAI chat messages: the roles are the same, so only the shape changes. */
export function toOpenAiMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message) => (message.role === 'user' ? toOpenAiUserMessage(message.content, message.images) : { role: message.role, content: message.content }));
}

/** A user turn: its text, then its images as `image_url` parts with data URLs. */
function toOpenAiUserMessage(content: string, images: readonly ImageAttachment[] | undefined): ChatCompletionMessageParam {
  if (!images || images.length === 0) return { role: 'user', content };
  return {
    role: 'user',
    content: [{ type: 'text', text: content }, ...images.map((image) => ({ type: 'image_url' as const, image_url: { url: `data:${image.mediaType};base64,${image.base64}` } }))],
  };
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

/** Our tool conversation as OpenAI chat messages: calls ride on the assistant message, results are `role: 'tool'`. */
export function toOpenAiToolMessages(messages: readonly ToolConversationMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message): ChatCompletionMessageParam => {
    switch (message.role) {
      case 'tool':
        // OpenAI has no error flag on a result: the content itself says it failed.
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
      case 'assistant':
        if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
        return {
          role: 'assistant',
          content: message.content || null,
          tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
        };
      case 'user':
        return toOpenAiUserMessage(message.content, message.images);
      default:
        return { role: message.role, content: message.content };
    }
  });
}

export function toOpenAiTools(tools: readonly ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: { ...tool.parameters } } }));
}

/**
 * Assembles streamed `tool_calls` deltas (keyed by index: id and name first, then the arguments
 * in pieces) into whole calls, given out before the stream's finish event. One per stream.
 */
export class OpenAiToolCallAssembler {
  private readonly calls: Array<{ id: string; name: string; arguments: string }> = [];

  push(chunk: ChatCompletionChunk): ProviderEvent[] {
    const events: ProviderEvent[] = [];
    const choice = chunk.choices[0];
    if (choice?.delta?.content) events.push({ kind: 'text', text: choice.delta.content });
    for (const delta of choice?.delta?.tool_calls ?? []) {
      const call = (this.calls[delta.index] ??= { id: '', name: '', arguments: '' });
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.name += delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
    }
    if (choice?.finish_reason) {
      for (const call of this.calls.splice(0)) if (call) events.push({ kind: 'toolCall', call });
      events.push({ kind: 'end', finishReason: choice.finish_reason });
    }
    if (chunk.usage) events.push({ kind: 'usage', inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens });
    return events;
  }
}

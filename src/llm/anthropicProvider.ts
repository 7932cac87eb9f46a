import type { Anthropic } from '@anthropic-ai/sdk';
import { AnthropicToolCallAssembler, fromAnthropicEvent, toAnthropicPrompt, toAnthropicToolPrompt, toAnthropicTools } from './anthropicConverters.ts';
import type { ChatCall, EmbedCall, EmbedResult, FimCall, ModelProvider, ProviderEvent, ToolChatCall } from './modelProvider.ts';
import { ProviderError } from './providerError.ts';

/** The Messages API wants max_tokens on every request; this is the cap when the caller sets none. */
const defaultMaxTokens = 4096;

export class AnthropicProvider implements ModelProvider {
  readonly name: string;
  readonly nativeFim = false;
  readonly toolCalling = true;
  private readonly client: Anthropic;

  constructor(name: string, client: Anthropic) {
    this.name = name;
    this.client = client;
  }

  async *streamChat(call: ChatCall, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    const prompt = toAnthropicPrompt(call.messages);
    const stream = await this.client.messages.create(
      {
        model: call.model,
        max_tokens: call.maxTokens ?? defaultMaxTokens,
        messages: prompt.messages,
        stream: true,
        ...(prompt.system !== undefined ? { system: prompt.system } : {}),
        ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
        ...(call.stop?.length ? { stop_sequences: [...call.stop] } : {}),
      },
      { signal },
    );
    for await (const event of stream) yield* fromAnthropicEvent(event);
  }

  async *streamWithTools(call: ToolChatCall, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    const prompt = toAnthropicToolPrompt(call.messages);
    const stream = await this.client.messages.create(
      {
        model: call.model,
        max_tokens: call.maxTokens ?? defaultMaxTokens,
        messages: prompt.messages,
        tools: toAnthropicTools(call.tools),
        stream: true,
        ...(prompt.system !== undefined ? { system: prompt.system } : {}),
        ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
      },
      { signal },
    );
    const assembler = new AnthropicToolCallAssembler();
    for await (const event of stream) yield* assembler.push(event);
  }

  streamFim(call: FimCall): AsyncIterable<ProviderEvent> {
    throw new ProviderError('badRequest', 'Anthropic models have no native fill-in-the-middle.', { provider: this.name, model: call.model });
  }

  async embed(call: EmbedCall): Promise<EmbedResult> {
    throw new ProviderError('badRequest', 'Anthropic has no embedding models: choose another groundwork.models.embedding.', {
      provider: this.name,
      model: call.model,
    });
  }
}

import type { OpenAI } from 'openai';
import type { ChatCall, EmbedCall, EmbedResult, FimCall, ModelProvider, ProviderEvent, ToolChatCall } from './modelProvider.ts';
import { fromOpenAiChatChunk, fromOpenAiCompletionChunk, OpenAiToolCallAssembler, toOpenAiMessages, toOpenAiToolMessages, toOpenAiTools } from './openAiConverters.ts';

export interface OpenAiProviderOptions {
  readonly name: string;
  /** An `OpenAI` client, or an `AzureOpenAI` one (same API, deployment-shaped URLs). */
  readonly client: OpenAI;
  readonly nativeFim: boolean;
  /**
   * OpenAI's own API wants `max_completion_tokens` (newer models refuse `max_tokens`), while
   * compatible servers such as Ollama only know `max_tokens`.
   */
  readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** The server takes `tools`: OpenAI and Azure do; a compatible server only when its endpoint says so. */
  readonly toolCalling?: boolean;
}

/** OpenAI, Azure OpenAI and every OpenAI-compatible server (Ollama, vLLM, LM Studio, LiteLLM). */
export class OpenAiProvider implements ModelProvider {
  readonly name: string;
  readonly nativeFim: boolean;
  readonly toolCalling: boolean;
  private readonly client: OpenAI;
  private readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';

  constructor(options: OpenAiProviderOptions) {
    this.name = options.name;
    this.client = options.client;
    this.nativeFim = options.nativeFim;
    this.maxTokensField = options.maxTokensField;
    this.toolCalling = options.toolCalling ?? false;
  }

  async *streamChat(call: ChatCall, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    const stream = await this.client.chat.completions.create(
      {
        model: call.model,
        messages: toOpenAiMessages(call.messages),
        stream: true,
        stream_options: { include_usage: true },
        ...(call.maxTokens !== undefined ? { [this.maxTokensField]: call.maxTokens } : {}),
        ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
        ...(call.stop?.length ? { stop: [...call.stop] } : {}),
      },
      { signal },
    );
    for await (const chunk of stream) yield* fromOpenAiChatChunk(chunk);
  }

  async *streamWithTools(call: ToolChatCall, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    const stream = await this.client.chat.completions.create(
      {
        model: call.model,
        messages: toOpenAiToolMessages(call.messages),
        tools: toOpenAiTools(call.tools),
        stream: true,
        stream_options: { include_usage: true },
        ...(call.maxTokens !== undefined ? { [this.maxTokensField]: call.maxTokens } : {}),
        ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
      },
      { signal },
    );
    const assembler = new OpenAiToolCallAssembler();
    for await (const chunk of stream) yield* assembler.push(chunk);
  }

  async *streamFim(call: FimCall, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    const stream = await this.client.completions.create(
      {
        model: call.model,
        prompt: call.prefix,
        suffix: call.suffix,
        stream: true,
        stream_options: { include_usage: true },
        ...(call.maxTokens !== undefined ? { max_tokens: call.maxTokens } : {}),
        ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
        ...(call.stop?.length ? { stop: [...call.stop] } : {}),
      },
      { signal },
    );
    for await (const chunk of stream) yield* fromOpenAiCompletionChunk(chunk);
  }

  async embed(call: EmbedCall, signal: AbortSignal): Promise<EmbedResult> {
    // The SDK asks for base64 and decodes it to floats itself: a quarter of the bytes on the wire.
    const response = await this.client.embeddings.create(
      { model: call.model, input: [...call.inputs], ...(call.dimensions !== undefined ? { dimensions: call.dimensions } : {}) },
      { signal },
    );
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => Array.from(item.embedding));
    return { vectors, inputTokens: response.usage?.prompt_tokens };
  }
}

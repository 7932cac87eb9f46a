import type { ChatMessage } from './modelTypes.ts';
import type { ToolCall, ToolConversationMessage, ToolDefinition } from './toolTypes.ts';

/** What a provider's stream reports, in vendor-neutral terms. */
export type ProviderEvent =
  | { readonly kind: 'text'; readonly text: string }
  /** Partial counts are merged: Anthropic reports input at the start and output at the end. */
  | { readonly kind: 'usage'; readonly inputTokens?: number; readonly outputTokens?: number }
  /** A tool call, whole: the converters assemble the vendor's streamed pieces first. */
  | { readonly kind: 'toolCall'; readonly call: ToolCall }
  /** The vendor said the answer is complete; a stream that ends without it was truncated. */
  | { readonly kind: 'end'; readonly finishReason: string | null };

export interface ChatCall {
  /** The model part of `provider/model`. */
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly stop?: readonly string[];
}

export interface ToolChatCall {
  readonly model: string;
  readonly messages: readonly ToolConversationMessage[];
  readonly tools: readonly ToolDefinition[];
  readonly maxTokens?: number;
  readonly temperature?: number;
}

export interface FimCall {
  readonly model: string;
  readonly prefix: string;
  readonly suffix: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly stop?: readonly string[];
}

export interface EmbedCall {
  readonly model: string;
  readonly inputs: readonly string[];
  readonly dimensions?: number;
}

export interface EmbedResult {
  readonly vectors: readonly (readonly number[])[];
  readonly inputTokens?: number;
}

/**
 * One vendor behind one small interface. Implementations only translate and call their SDK;
 * routing, retries, timeouts, filtering and the ledger live in the gateway. SDK errors pass
 * through unconverted: the gateway converts them once.
 */
export interface ModelProvider {
  readonly name: string;
  /** Serves native fill-in-the-middle (`/v1/completions` with `suffix`). */
  readonly nativeFim: boolean;
  /** True when the vendor's API, for this provider, takes tools (`streamWithTools` works). */
  readonly toolCalling?: boolean;
  streamChat(call: ChatCall, signal: AbortSignal): AsyncIterable<ProviderEvent>;
  /** Only when `toolCalling`: a chat in which the model may answer with tool calls. */
  streamWithTools?(call: ToolChatCall, signal: AbortSignal): AsyncIterable<ProviderEvent>;
  /** Only when `nativeFim`; otherwise the gateway phrases FIM as a chat. */
  streamFim(call: FimCall, signal: AbortSignal): AsyncIterable<ProviderEvent>;
  embed(call: EmbedCall, signal: AbortSignal): Promise<EmbedResult>;
}

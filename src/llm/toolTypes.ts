import type { ImageAttachment } from './modelTypes.ts';

/**
 * Tool calling in the engine's own terms; each provider converts these to its vendor's shape
 * (OpenAI `tools` / `tool_calls` / `role: 'tool'`, Anthropic `tools` / `tool_use` / `tool_result`).
 */

/** A tool the model may call: its name, what it is for, and a JSON Schema of its arguments. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** One call the model asked for. `arguments` is the JSON text the model wrote, unparsed. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** A conversation that may hold tool calls and their results; a user turn may carry images. */
export type ToolConversationMessage =
  | { readonly role: 'system' | 'user'; readonly content: string; readonly images?: readonly ImageAttachment[] }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[] }
  | ToolResultMessage;

/** A tool's answer to one call; a failure is an answer too (`isError`), never a thrown error. */
export interface ToolResultMessage {
  readonly role: 'tool';
  readonly toolCallId: string;
  readonly name: string;
  readonly content: string;
  readonly isError?: boolean;
}

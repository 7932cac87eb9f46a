/**
 * What the fake model server answers to one request. Plain data, so the standalone server can
 * take a list of them as JSON on its control route.
 */
export type ScriptedReply = (TextReply | ToolCallsReply | ErrorReply | DisconnectReply | MalformedReply | HangReply) & {
  /** When set, the reply is used only for a request whose path ends with this (e.g. '/chat/completions'). */
  readonly path?: string;
  /** When set, the reply is used only for a request naming this model. */
  readonly model?: string;
};

export interface TextTiming {
  /** Milliseconds before the response headers and first chunk are sent. */
  readonly ttftMs?: number;
  /** Milliseconds between chunks. */
  readonly chunkDelayMs?: number;
}

export interface TextReply extends TextTiming {
  readonly kind: 'text';
  /** The reply, sent in `chunks` when given, else split after each space. */
  readonly text?: string;
  readonly chunks?: readonly string[];
  /** Token counts to report; default: estimated from the prompt and the chunks. */
  readonly usage?: { readonly input: number; readonly output: number };
}

/** One tool call the fake model makes: `arguments` is sent as JSON (a string is sent as it is, valid or not). */
export interface ScriptedToolCall {
  /** Default: `call_<request id>_<n>` (OpenAI) or `toolu_<request id>_<n>` (Anthropic). */
  readonly id?: string;
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>> | string;
}

/**
 * The model asks for tools: optional text first, then each call, its arguments streamed in
 * pieces the way both vendors do (`tool_calls` deltas with `finish_reason: 'tool_calls'`;
 * `tool_use` blocks with `input_json_delta` and `stop_reason: 'tool_use'`).
 */
export interface ToolCallsReply extends TextTiming {
  readonly kind: 'toolCalls';
  readonly calls: readonly ScriptedToolCall[];
  readonly text?: string;
  readonly usage?: { readonly input: number; readonly output: number };
}

export interface ErrorReply {
  readonly kind: 'error';
  readonly status: number;
  readonly message?: string;
  /** Vendor error type; default derived from the status (e.g. rate_limit_error / rate_limit_exceeded). */
  readonly type?: string;
  /** Seconds, sent as the `retry-after` header. */
  readonly retryAfter?: number;
  /** Sent as `retry-after-ms`, which the SDKs read first. */
  readonly retryAfterMs?: number;
}

/** Sends the first `afterChunks` chunks of the text, then destroys the socket. */
export interface DisconnectReply extends TextTiming {
  readonly kind: 'disconnect';
  readonly afterChunks: number;
  readonly text?: string;
  readonly chunks?: readonly string[];
}

/** Sends the first `afterChunks` chunks, then an SSE event whose data is not JSON, then ends. */
export interface MalformedReply extends TextTiming {
  readonly kind: 'malformed';
  readonly afterChunks: number;
  readonly text?: string;
  readonly chunks?: readonly string[];
}

/** Never answers; the request stays open until the client gives up. */
export interface HangReply {
  readonly kind: 'hang';
}

/** Splits text into chunks that keep their spaces: 'a b c' → ['a ', 'b ', 'c']. */
export function splitIntoChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function replyChunks(reply: { readonly text?: string; readonly chunks?: readonly string[] }, fallbackText: string): readonly string[] {
  return reply.chunks ?? splitIntoChunks(reply.text ?? fallbackText);
}

/**
 * The JSON shapes the OpenAI and Anthropic APIs send, built from plain values. Only the fields
 * the SDKs read are filled in, with the types the APIs document.
 */

export type Vendor = 'openai' | 'anthropic';

export interface TokenUsage {
  readonly input: number;
  readonly output: number;
}

const created = () => Math.floor(Date.now() / 1000);

export function openAiChatChunk(id: string, model: string, delta: Record<string, unknown>, finishReason: string | null, withUsageField: boolean): unknown {
  return {
    id,
    object: 'chat.completion.chunk',
    created: created(),
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    ...(withUsageField ? { usage: null } : {}),
  };
}

export function openAiUsageChunk(id: string, model: string, usage: TokenUsage, object: string): unknown {
  return { id, object, created: created(), model, choices: [], usage: openAiUsage(usage) };
}

export function openAiUsage(usage: TokenUsage): unknown {
  return { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output };
}

export function openAiChatCompletion(id: string, model: string, text: string, usage: TokenUsage): unknown {
  return {
    id,
    object: 'chat.completion',
    created: created(),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: openAiUsage(usage),
  };
}

export function openAiTextCompletionChunk(id: string, model: string, text: string, finishReason: string | null): unknown {
  return { id, object: 'text_completion', created: created(), model, choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }] };
}

export function openAiTextCompletion(id: string, model: string, text: string, usage: TokenUsage): unknown {
  return {
    id,
    object: 'text_completion',
    created: created(),
    model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: 'stop' }],
    usage: openAiUsage(usage),
  };
}

export function anthropicMessage(id: string, model: string, text: string, usage: TokenUsage): unknown {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}

/** The events of one streamed Anthropic message, before and after its text deltas. */
export function anthropicStreamHead(id: string, model: string, inputTokens: number): Array<[string, unknown]> {
  return [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: 1 },
        },
      },
    ],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['ping', { type: 'ping' }],
  ];
}

export function anthropicTextDelta(text: string): [string, unknown] {
  return ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }];
}

export function anthropicStreamTail(outputTokens: number): Array<[string, unknown]> {
  return [
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } }],
    ['message_stop', { type: 'message_stop' }],
  ];
}

/** A tool call as both vendors carry it: its arguments as one JSON text. */
export interface WireToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** The streamed deltas of one OpenAI tool call: id and name first, then the arguments in pieces. */
export function openAiToolCallDeltas(index: number, call: WireToolCall): Array<Record<string, unknown>> {
  const first = { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] };
  return [first, ...argumentPieces(call.arguments).map((piece) => ({ tool_calls: [{ index, function: { arguments: piece } }] }))];
}

export function openAiChatToolCompletion(id: string, model: string, text: string, calls: readonly WireToolCall[], usage: TokenUsage): unknown {
  const toolCalls = calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  return {
    id,
    object: 'chat.completion',
    created: created(),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text || null, refusal: null, tool_calls: toolCalls }, finish_reason: 'tool_calls', logprobs: null }],
    usage: openAiUsage(usage),
  };
}

/** The events of one Anthropic tool_use block at `index`: start, the input JSON in pieces, stop. */
export function anthropicToolUseBlock(index: number, call: WireToolCall): Array<[string, unknown]> {
  return [
    ['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }],
    ...argumentPieces(call.arguments).map((piece): [string, unknown] => [
      'content_block_delta',
      { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } },
    ]),
    ['content_block_stop', { type: 'content_block_stop', index }],
  ];
}

/** Ends a streamed Anthropic message that asked for tools. */
export function anthropicToolStreamTail(outputTokens: number): Array<[string, unknown]> {
  return [
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: outputTokens } }],
    ['message_stop', { type: 'message_stop' }],
  ];
}

export function anthropicToolMessage(id: string, model: string, text: string, calls: readonly WireToolCall[], usage: TokenUsage): unknown {
  const content: unknown[] = text ? [{ type: 'text', text }] : [];
  for (const call of calls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: parseOrEmpty(call.arguments) });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}

/** Arguments split in two, as vendors split them across deltas (never mid-way through nothing). */
function argumentPieces(json: string): string[] {
  if (json.length < 2) return [json];
  const middle = Math.floor(json.length / 2);
  return [json.slice(0, middle), json.slice(middle)];
}

function parseOrEmpty(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return {};
  }
}

const anthropicErrorTypes: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const openAiErrorTypes: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  429: 'rate_limit_exceeded',
  500: 'server_error',
};

export function errorBody(vendor: Vendor, status: number, message: string, type?: string, code?: string): unknown {
  if (vendor === 'anthropic') {
    return { type: 'error', error: { type: type ?? anthropicErrorTypes[status] ?? 'api_error', message } };
  }
  return { error: { message, type: type ?? openAiErrorTypes[status] ?? 'server_error', param: null, code: code ?? null } };
}

/** A deterministic unit vector for a text: the same text always gets the same vector. */
export function deterministicVector(text: string, dimensions: number): Float32Array {
  // FNV-1a seeds a small xorshift generator; good enough spread for tests, and stable.
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    seed ^= text.charCodeAt(i);
    seed = Math.imul(seed, 0x01000193) >>> 0;
  }
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    const value = seed / 0xffffffff - 0.5;
    vector[i] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dimensions; i++) vector[i] = vector[i]! * scale;
  return vector;
}

export function float32ToBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/** The server's own rough token count: about four characters a token, at least one for non-empty text. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type ScriptedReply, type ToolCallsReply, replyChunks, splitIntoChunks } from './scriptedReply.ts';
import {
  type TokenUsage,
  type Vendor,
  anthropicMessage,
  anthropicStreamHead,
  anthropicStreamTail,
  anthropicTextDelta,
  anthropicToolMessage,
  anthropicToolStreamTail,
  anthropicToolUseBlock,
  deterministicVector,
  errorBody,
  estimateTokens,
  float32ToBase64,
  openAiChatChunk,
  openAiChatCompletion,
  openAiChatToolCompletion,
  openAiToolCallDeltas,
  openAiTextCompletion,
  openAiTextCompletionChunk,
  openAiUsageChunk,
  type WireToolCall,
} from './wireFormats.ts';

/** One request as the server received it. */
export interface RecordedRequest {
  readonly id: number;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  readonly body: unknown;
  /** performance.timeOrigin + performance.now() when the body had arrived, in milliseconds. */
  readonly receivedAt: number;
  /** True when the client closed the connection before the reply finished. */
  aborted: boolean;
  /** True once the reply was fully sent (false for scripted disconnects and hangs). */
  completed: boolean;
  /** When the connection for this request closed, however it closed (same clock as receivedAt). */
  closedAt: number | undefined;
}

export type Responder = (request: RecordedRequest) => ScriptedReply | undefined;

export interface ModelServerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Answer when no scripted reply matches and the responder returns nothing. */
  readonly defaultReply?: ScriptedReply;
  readonly responder?: Responder;
  /** Serve /__control/script, /__control/requests and /__control/reset (the standalone process does). */
  readonly control?: boolean;
}

export interface ModelServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123. OpenAI clients use `${url}/v1`. */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Queues replies, used first-in first-out by the first request they match. */
  script(...replies: readonly ScriptedReply[]): void;
  /** Forgets queued replies and recorded requests. */
  reset(): void;
  /** Resolves once every request received so far has been answered or closed. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const defaultText = 'Hello from the fake model.';

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const inFlight = new Set<Promise<void>>();
  const sockets = new Set<Socket>();
  let nextId = 1;

  const server = createServer((req, res) => {
    const handling = handle(req, res).catch((error: unknown) => {
      // A bug in the fake must show up in the test that hit it, not vanish.
      if (!res.headersSent) {
        res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`fake model server failed: ${String(error)}`);
      } else {
        res.destroy();
      }
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const parsedUrl = new URL(req.url ?? '/', 'http://localhost');
    const record: RecordedRequest = {
      id: nextId++,
      method: req.method ?? 'GET',
      path: parsedUrl.pathname,
      query: Object.fromEntries(parsedUrl.searchParams),
      headers: flattenHeaders(req),
      body: parseBody(raw),
      receivedAt: performance.timeOrigin + performance.now(),
      aborted: false,
      completed: false,
      closedAt: undefined,
    };
    const closed = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished && !disconnectedByUs.has(res)) record.aborted = true;
      record.closedAt = performance.timeOrigin + performance.now();
      closed.abort();
    });

    if (options.control && record.path.startsWith('/__control/')) {
      handleControl(record, res);
      return;
    }
    requests.push(record);
    const route = routeOf(record);
    if (!route) {
      sendJson(res, 404, errorBody('openai', 404, `No route for ${record.method} ${record.path}`));
      record.completed = true;
      return;
    }
    if (route === 'models') {
      sendJson(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }] });
      record.completed = true;
      return;
    }
    const reply = takeReply(record);
    await respond(route, record, reply, res, closed.signal);
  }

  function takeReply(record: RecordedRequest): ScriptedReply {
    const model = modelOf(record.body);
    const index = queue.findIndex((reply) => (!reply.path || record.path.endsWith(reply.path)) && (!reply.model || reply.model === model));
    if (index >= 0) return queue.splice(index, 1)[0]!;
    return options.responder?.(record) ?? options.defaultReply ?? { kind: 'text', text: defaultText };
  }

  function handleControl(record: RecordedRequest, res: ServerResponse): void {
    if (record.path === '/__control/script' && record.method === 'POST') {
      const list = Array.isArray(record.body) ? (record.body as ScriptedReply[]) : [record.body as ScriptedReply];
      queue.push(...list);
      sendJson(res, 200, { queued: queue.length });
    } else if (record.path === '/__control/requests' && record.method === 'GET') {
      sendJson(res, 200, requests);
    } else if (record.path === '/__control/reset' && record.method === 'POST') {
      queue.length = 0;
      requests.length = 0;
      sendJson(res, 200, { ok: true });
    } else {
      sendJson(res, 404, { error: 'unknown control route' });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => {
      queue.push(...replies);
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    idle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Route = 'chat' | 'completions' | 'embeddings' | 'messages' | 'models';

function routeOf(record: RecordedRequest): Route | undefined {
  const { method, path } = record;
  if (method === 'GET' && path.endsWith('/models')) return 'models';
  if (method !== 'POST') return undefined;
  // Suffix matching serves /v1/…, Azure's /openai/deployments/<name>/… and any proxy prefix alike.
  if (path.endsWith('/chat/completions')) return 'chat';
  if (path.endsWith('/completions')) return 'completions';
  if (path.endsWith('/embeddings')) return 'embeddings';
  if (path.endsWith('/messages')) return 'messages';
  return undefined;
}

/** Responses the server cut off on purpose, so their close is not counted as a client abort. */
const disconnectedByUs = new WeakSet<ServerResponse>();

async function respond(route: Exclude<Route, 'models'>, record: RecordedRequest, reply: ScriptedReply, res: ServerResponse, closed: AbortSignal): Promise<void> {
  const vendor: Vendor = route === 'messages' ? 'anthropic' : 'openai';
  const body = (record.body ?? {}) as Record<string, unknown>;
  const model = modelOf(body) ?? 'fake-model';

  if (reply.kind === 'hang') {
    await waitUntil(closed);
    return;
  }
  if (reply.kind === 'error') {
    const headers: Record<string, string> = {};
    if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
    if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
    sendJson(res, reply.status, errorBody(vendor, reply.status, reply.message ?? `scripted error ${reply.status}`, reply.type), headers);
    record.completed = true;
    return;
  }
  if (route === 'embeddings') {
    await sleep(reply.ttftMs ?? 0, closed);
    if (closed.aborted) return;
    if (reply.kind === 'disconnect') return cutOff(res);
    sendJson(res, 200, embeddingsResponse(body, model));
    record.completed = true;
    return;
  }

  if (reply.kind === 'toolCalls' && route !== 'completions') {
    await respondWithTools(vendor, record, reply, res, closed);
    return;
  }
  const chunks = replyChunks(reply.kind === 'toolCalls' ? { text: reply.text ?? '' } : reply, defaultText);
  const promptText = promptOf(route, body);
  const usage: TokenUsage =
    (reply.kind === 'text' || reply.kind === 'toolCalls') && reply.usage ? reply.usage : { input: estimateTokens(promptText), output: chunks.length };
  const stream = body.stream === true;
  await sleep(reply.ttftMs ?? 0, closed);
  if (closed.aborted) return;

  if (!stream) {
    if (reply.kind === 'disconnect') return cutOff(res);
    if (reply.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "broken", "choices": [');
      return;
    }
    const text = chunks.join('');
    const id = `fake-${record.id}`;
    const payload =
      route === 'chat' ? openAiChatCompletion(id, model, text, usage)
      : route === 'completions' ? openAiTextCompletion(id, model, text, usage)
      : anthropicMessage(id, model, text, usage);
    sendJson(res, 200, payload);
    record.completed = true;
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const sender = new SseSender(res, vendor, route, `fake-${record.id}`, model, body);
  sender.head(usage);
  const limit = reply.kind === 'text' || reply.kind === 'toolCalls' ? chunks.length : Math.min(reply.afterChunks, chunks.length);
  for (let i = 0; i < limit; i++) {
    if (i > 0) await sleep(reply.chunkDelayMs ?? 0, closed);
    if (closed.aborted) return;
    sender.delta(chunks[i]!);
  }
  if (reply.kind === 'disconnect') return cutOff(res);
  if (reply.kind === 'malformed') {
    res.write(vendor === 'anthropic' ? 'event: content_block_delta\ndata: {"type": "content_block_delta", "delta": \n\n' : 'data: {"choices": [{"delta": \n\n');
    res.end();
    return;
  }
  sender.tail(usage);
  res.end();
  record.completed = true;
}

/** A reply that asks for tools, in the vendor's shape, streamed event by event when the client streams. */
async function respondWithTools(vendor: Vendor, record: RecordedRequest, reply: ToolCallsReply, res: ServerResponse, closed: AbortSignal): Promise<void> {
  const body = (record.body ?? {}) as Record<string, unknown>;
  const model = modelOf(body) ?? 'fake-model';
  const prefix = vendor === 'anthropic' ? 'toolu' : 'call';
  const calls: WireToolCall[] = reply.calls.map((call, n) => ({
    id: call.id ?? `${prefix}_${record.id}_${n}`,
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
  }));
  const text = reply.text ?? '';
  const textChunks = splitIntoChunks(text);
  const usage: TokenUsage = reply.usage ?? { input: estimateTokens(promptOf(vendor === 'anthropic' ? 'messages' : 'chat', body)), output: textChunks.length + calls.length };
  const id = `fake-${record.id}`;
  await sleep(reply.ttftMs ?? 0, closed);
  if (closed.aborted) return;
  if (body.stream !== true) {
    sendJson(res, 200, vendor === 'anthropic' ? anthropicToolMessage(id, model, text, calls, usage) : openAiChatToolCompletion(id, model, text, calls, usage));
    record.completed = true;
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const write = (event: string | undefined, data: unknown) => res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  // Every write after the first waits chunkDelayMs, so a test can stop the client mid-stream.
  const paced: Array<() => void> = [];
  if (vendor === 'anthropic') {
    const [start] = anthropicStreamHead(id, model, usage.input);
    paced.push(() => write(...start!));
    let index = 0;
    if (text) {
      const [, blockStart, ping] = anthropicStreamHead(id, model, usage.input);
      paced.push(() => {
        write(...blockStart!);
        write(...ping!);
      });
      for (const chunk of textChunks) paced.push(() => write(...anthropicTextDelta(chunk)));
      paced.push(() => write('content_block_stop', { type: 'content_block_stop', index: 0 }));
      index = 1;
    }
    calls.forEach((call, n) => {
      for (const event of anthropicToolUseBlock(index + n, call)) paced.push(() => write(...event));
    });
    paced.push(() => {
      for (const event of anthropicToolStreamTail(usage.output)) write(...event);
    });
  } else {
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const chunk = (delta: Record<string, unknown>, finish: string | null) => write(undefined, openAiChatChunk(id, model, delta, finish, includeUsage));
    paced.push(() => chunk({ role: 'assistant', content: '' }, null));
    for (const piece of textChunks) paced.push(() => chunk({ content: piece }, null));
    calls.forEach((call, n) => {
      for (const delta of openAiToolCallDeltas(n, call)) paced.push(() => chunk(delta, null));
    });
    paced.push(() => {
      chunk({}, 'tool_calls');
      if (includeUsage) write(undefined, openAiUsageChunk(id, model, usage, 'chat.completion.chunk'));
      res.write('data: [DONE]\n\n');
    });
  }
  for (let i = 0; i < paced.length; i++) {
    if (i > 0) await sleep(reply.chunkDelayMs ?? 0, closed);
    if (closed.aborted) return;
    paced[i]!();
  }
  res.end();
  record.completed = true;
}

/** A tool the client offered, in either vendor's request shape. */
export interface RecordedTool {
  readonly name: string;
  readonly description: string | undefined;
  readonly parameters: unknown;
}

/** The tools a request offered (OpenAI `tools[].function`, Anthropic `tools[]`); empty when none. */
export function recordedTools(record: RecordedRequest): RecordedTool[] {
  const tools = (record.body as { tools?: unknown } | undefined)?.tools;
  if (!Array.isArray(tools)) return [];
  return tools.map((tool: Record<string, unknown>) => {
    const fn = (tool.function ?? tool) as Record<string, unknown>;
    return { name: String(fn.name), description: fn.description as string | undefined, parameters: fn.parameters ?? fn.input_schema };
  });
}

/** A tool result the client sent back, in either vendor's shape. */
export interface RecordedToolResult {
  readonly toolCallId: string;
  readonly content: string;
  /** Anthropic's `is_error`; OpenAI has no such flag (undefined). */
  readonly isError: boolean | undefined;
}

/** The tool results in a request's messages, in order: OpenAI `role: 'tool'` messages, Anthropic `tool_result` blocks. */
export function recordedToolResults(record: RecordedRequest): RecordedToolResult[] {
  const messages = (record.body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return [];
  const results: RecordedToolResult[] = [];
  for (const message of messages as Array<Record<string, unknown>>) {
    if (message.role === 'tool') {
      results.push({ toolCallId: String(message.tool_call_id), content: textOf(message.content), isError: undefined });
    } else if (Array.isArray(message.content)) {
      for (const block of message.content as Array<Record<string, unknown>>) {
        if (block.type === 'tool_result') {
          results.push({ toolCallId: String(block.tool_use_id), content: textOf(block.content), isError: block.is_error === true ? true : block.is_error === false ? false : undefined });
        }
      }
    }
  }
  return results;
}

/** Message or block content as text: a string as it is, text parts joined. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('');
}

/** Writes one vendor's SSE stream, chunk by chunk. */
class SseSender {
  private readonly res: ServerResponse;
  private readonly vendor: Vendor;
  private readonly route: Route;
  private readonly id: string;
  private readonly model: string;
  private readonly includeUsage: boolean;

  constructor(res: ServerResponse, vendor: Vendor, route: Route, id: string, model: string, body: Record<string, unknown>) {
    this.res = res;
    this.vendor = vendor;
    this.route = route;
    this.id = id;
    this.model = model;
    const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
    this.includeUsage = streamOptions?.include_usage === true;
  }

  head(usage: TokenUsage): void {
    if (this.vendor === 'anthropic') {
      for (const [event, data] of anthropicStreamHead(this.id, this.model, usage.input)) this.event(event, data);
    } else if (this.route === 'chat') {
      this.data(openAiChatChunk(this.id, this.model, { role: 'assistant', content: '' }, null, this.includeUsage));
    }
  }

  delta(text: string): void {
    if (this.vendor === 'anthropic') {
      const [event, data] = anthropicTextDelta(text);
      this.event(event, data);
    } else if (this.route === 'chat') {
      this.data(openAiChatChunk(this.id, this.model, { content: text }, null, this.includeUsage));
    } else {
      this.data(openAiTextCompletionChunk(this.id, this.model, text, null));
    }
  }

  tail(usage: TokenUsage): void {
    if (this.vendor === 'anthropic') {
      for (const [event, data] of anthropicStreamTail(usage.output)) this.event(event, data);
      return;
    }
    if (this.route === 'chat') this.data(openAiChatChunk(this.id, this.model, {}, 'stop', this.includeUsage));
    else this.data(openAiTextCompletionChunk(this.id, this.model, '', 'stop'));
    if (this.includeUsage) {
      this.data(openAiUsageChunk(this.id, this.model, usage, this.route === 'chat' ? 'chat.completion.chunk' : 'text_completion'));
    }
    this.res.write('data: [DONE]\n\n');
  }

  private data(payload: unknown): void {
    this.res.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  private event(name: string, payload: unknown): void {
    this.res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }
}

function embeddingsResponse(body: Record<string, unknown>, model: string): unknown {
  const input = body.input;
  const inputs = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : 8;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = deterministicVector(text, dimensions);
    return { object: 'embedding', index, embedding: base64 ? float32ToBase64(vector) : Array.from(vector) };
  });
  const tokens = inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

/** The prompt text of a request, for the server's own token estimate. */
function promptOf(route: Route, body: Record<string, unknown>): string {
  if (route === 'completions') return `${String(body.prompt ?? '')}${String(body.suffix ?? '')}`;
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
  const parts = messages.map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '')));
  if (typeof body.system === 'string') parts.unshift(body.system);
  return parts.join('\n');
}

function modelOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'model' in body && typeof body.model === 'string') return body.model;
  return undefined;
}

function cutOff(res: ServerResponse): void {
  disconnectedByUs.add(res);
  // end() flushes what was written, then closes: the client gets the chunks, then a cut connection.
  res.socket?.end();
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function waitUntil(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

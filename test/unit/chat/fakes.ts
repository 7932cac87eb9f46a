import { abortReason } from '../../../src/common/async.ts';
import type { ChatRequest, ModelResult, ModelStream, ModelStreamEvent } from '../../../src/llm/modelGateway.ts';
import type { TokenCounter } from '../../../src/llm/tokenizer.ts';
import type { KeyValuePort } from '../../../src/common/keyValuePort.ts';

/** One token per four characters: close enough to a real tokenizer for budget tests, and fast. */
export const quarterCounter: TokenCounter = { count: (text) => Math.ceil(text.length / 4) };

export class MemoryKeyValue implements KeyValuePort {
  readonly values = new Map<string, unknown>();
  writes = 0;

  get(key: string): unknown {
    // A Memento hands back a copy of what was stored (it round-trips through JSON).
    const value = this.values.get(key);
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  async update(key: string, value: unknown): Promise<void> {
    this.writes++;
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

export interface StreamScript {
  readonly events: readonly ModelStreamEvent[];
  readonly result?: Partial<ModelResult>;
  readonly error?: unknown;
  /** Waits after this many events until the request is aborted (to test Stop). */
  readonly holdAfter?: number;
}

/** A gateway that plays scripted streams and records every request it was given. */
export class FakeGateway {
  readonly requests: ChatRequest[] = [];
  private readonly scripts: StreamScript[];

  /** Resolves once a stream with `holdAfter` is waiting for the abort. */
  held: Promise<void>;
  private markHeld: () => void = () => {};

  constructor(...scripts: StreamScript[]) {
    this.scripts = scripts;
    this.held = new Promise((resolve) => (this.markHeld = resolve));
  }

  streamChat(request: ChatRequest): ModelStream {
    this.requests.push(request);
    const script = this.scripts.shift() ?? { events: [{ type: 'text', text: 'ok' }] };
    const signal = request.signal ?? new AbortController().signal;
    const markHeld = () => {
      this.markHeld();
      this.held = new Promise((resolve) => (this.markHeld = resolve));
    };
    let settle: { resolve: (value: ModelResult) => void; reject: (error: unknown) => void } | undefined;
    const result = new Promise<ModelResult>((resolve, reject) => (settle = { resolve, reject }));
    result.catch(() => undefined);
    async function* play(): AsyncGenerator<ModelStreamEvent> {
      let text = '';
      let index = 0;
      for (const event of script.events) {
        if (script.holdAfter === index) {
          markHeld();
          await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        }
        if (signal.aborted) {
          settle!.reject(abortReason(signal));
          return;
        }
        text = event.type === 'restart' ? '' : text + event.text;
        index++;
        yield event;
      }
      if (script.holdAfter === index) {
        markHeld();
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
      }
      if (signal.aborted) {
        settle!.reject(abortReason(signal));
        return;
      }
      if (script.error) {
        settle!.reject(script.error);
        throw script.error;
      }
      settle!.resolve({
        text,
        model: 'openai/gpt-4o',
        tier: 'chat',
        usage: { inputTokens: 100, outputTokens: 20, source: 'api' },
        costUsd: 0.00045,
        fallbackFrom: null,
        escalated: false,
        finishReason: 'stop',
        redactions: 0,
        ...script.result,
      });
    }
    const iterator = play();
    let iterated = false;
    return {
      // Awaiting the result alone (as a summary call does) plays the stream to its end.
      get result() {
        if (!iterated) {
          iterated = true;
          void (async () => {
            for await (const _event of { [Symbol.asyncIterator]: () => iterator });
          })().catch(() => undefined);
        }
        return result;
      },
      cancel: () => undefined,
      [Symbol.asyncIterator]: () => {
        iterated = true;
        return iterator;
      },
    };
  }
}

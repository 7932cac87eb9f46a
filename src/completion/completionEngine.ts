import type { Disposable } from '../common/disposable.ts';
import { errorMessage, isCancellation } from '../common/errors.ts';
import { Emitter, type Event } from '../common/event.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import { offsetAt } from '../common/text.ts';
import { type TokenCounter, tokenCounter } from '../llm/tokenizer.ts';
import { introducedPlaceholders } from '../safety/secretRedactor.ts';
import { cleanCompletion } from './cleanup.ts';
import { CompletionCache } from './completionCache.ts';
import { ContextGatherer } from './contextGatherer.ts';
import { completionMode, cursorContext } from './cursorContext.ts';
import { collectCompletion, type StopReason } from './earlyStop.ts';
import { LineTokenCounter } from './lineTokenCounter.ts';
import { buildChatPrompt, buildFimPrompt, promptOverhead } from './promptBuilder.ts';
import { SimilarSnippets } from './similarSnippets.ts';
import {
  type Clock,
  type CompletionMode,
  type CompletionModel,
  type CompletionRequest,
  type ContextBudget,
  type ContextSourceUse,
  defaultContextBudget,
  type FileReader,
  type IndexSearch,
  type ReadablePredicate,
  type RecentDocuments,
  systemClock,
} from './types.ts';

/** What the status bar shows. */
export type CompletionStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'requesting' }
  | { readonly state: 'error'; readonly reason: string; readonly message: string }
  | { readonly state: 'paused'; readonly by: PauseReason };

/** Who paused completions: the user, the daily budget, or Restricted Mode (nothing may be sent). */
export type PauseReason = 'user' | 'budget' | 'restricted';

export interface CompletionCounters {
  /** Requests sent to the model. */
  readonly requested: number;
  /** Suggestions returned to the editor (from the model, the cache or typed-ahead). */
  readonly shown: number;
  readonly accepted: number;
  readonly cacheHits: number;
  readonly typedAhead: number;
  /** Suggestions from a request sent at an earlier keystroke, which the user typed forward from. */
  readonly joined: number;
  readonly cancelled: number;
  readonly errors: number;
  readonly earlyStops: number;
}

/**
 * Where a suggestion came from: a request for this keystroke (`model`), a request still under way
 * from an earlier keystroke on the same line that this one typed forward from (`joined`: fresh
 * from the model, minus what was typed since), the cache, or the rest of a suggestion already
 * showing (`typedAhead`).
 */
export type SuggestionSource = 'model' | 'joined' | 'cache' | 'typedAhead';

export interface CompletionResult {
  /** Pass back to `accepted()` when the user accepts it. */
  readonly id: string;
  /** Text to insert at the request's position. */
  readonly text: string;
  readonly source: SuggestionSource;
  readonly mode: CompletionMode;
}

/** One finished model request, for the ledger and the audit log (no code text in it). */
export interface CompletionRecord {
  readonly id: string;
  readonly path: string;
  readonly languageId: string;
  readonly outcome: 'shown' | 'empty' | 'cancelled' | 'error';
  /** False when cancelled before the prompt went out (during the debounce or context gathering). */
  readonly sent: boolean;
  readonly promptKind: 'chat' | 'fim';
  readonly mode: CompletionMode;
  readonly sources: readonly ContextSourceUse[];
  readonly stopped?: StopReason;
  readonly latencyMs: number;
}

export interface CompletionPorts {
  /** The completion tier's model, read per request so a settings change takes effect at once. */
  readonly model: () => CompletionModel;
  readonly isReadable: ReadablePredicate;
  readonly recentDocuments?: RecentDocuments;
  readonly readFile?: FileReader;
  readonly searchIndex?: IndexSearch;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly tokenCounter?: TokenCounter;
}

export interface CompletionEngineOptions {
  /**
   * Pause in typing before a request goes out (`completion.debounceMs`; `bench:replay` compares
   * values). Cached, typed-ahead and joined suggestions are served without waiting.
   */
  readonly debounceMs: number;
  readonly budget: ContextBudget;
  /** The index gets this long, from the end of the debounce, before its hits are dropped. */
  readonly indexTimeoutMs: number;
  readonly maxLines: number;
  readonly maxChars: number;
  readonly cacheSize: number;
  /** Serve the rest of a visible suggestion while the user types its first characters. */
  readonly typedAhead: boolean;
  /**
   * A request already sent is not aborted by a keystroke that types forward on its line: the new
   * keystroke waits for its answer and shows the rest of it when it begins with what was typed.
   */
  readonly joinSent: boolean;
}

/** The most characters typed past a sent request's place for the keystroke still to wait for it. */
const maxJoinChars = 40;

export const defaultEngineOptions: CompletionEngineOptions = {
  debounceMs: 150,
  budget: defaultContextBudget,
  indexTimeoutMs: 100,
  maxLines: 12,
  maxChars: 1500,
  cacheSize: 500,
  typedAhead: true,
  joinSent: true,
};

/** A document's current request: aborted by the next keystroke unless sent and typed forward from. */
interface InFlight {
  readonly controller: AbortController;
  readonly prefix: string;
  readonly suffix: string;
  /** Set once the prompt has gone out: the answer's text ('' for none), or undefined when it failed. */
  answer?: Promise<string | undefined>;
}

/** The promise's value, or undefined as soon as the signal aborts (the promise runs on). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(undefined);
      },
    );
  });
}

function supersededError(): Error {
  const error = new Error('Superseded by a newer keystroke');
  error.name = 'AbortError';
  return error;
}

/**
 * The inline-completion pipeline behind the editor's provider: cache and typed-ahead first,
 * then per document a debounced request (the previous one aborted), context within a token
 * budget, a chat or FIM prompt, a stream stopped as soon as the suggestion is complete, and
 * the clean-up. Editor-free; the shell adapts positions, cancellation tokens and items.
 */
export class CompletionEngine implements Disposable {
  private readonly ports: CompletionPorts;
  private options: CompletionEngineOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly counter: LineTokenCounter;
  private readonly gatherer: ContextGatherer;
  private readonly similar = new SimilarSnippets();
  private readonly cache: CompletionCache;
  private readonly inFlight = new Map<string, InFlight>();
  /** Requests past their debounce: what the status bar calls "requesting". */
  private readonly requesting = new Set<AbortController>();
  private readonly pauses = new Set<PauseReason>();
  private readonly recentIds = new Set<string>();
  private readonly statusEmitter = new Emitter<CompletionStatus>();
  private readonly recordEmitter = new Emitter<CompletionRecord>();
  private lastError: CompletionStatus | undefined;
  private currentStatus: CompletionStatus = { state: 'idle' };
  private nextId = 1;
  private disposed = false;
  private count: { -readonly [K in keyof CompletionCounters]: number } = {
    requested: 0,
    shown: 0,
    accepted: 0,
    cacheHits: 0,
    typedAhead: 0,
    joined: 0,
    cancelled: 0,
    errors: 0,
    earlyStops: 0,
  };

  readonly onDidChangeStatus: Event<CompletionStatus> = this.statusEmitter.event;
  readonly onDidComplete: Event<CompletionRecord> = this.recordEmitter.event;

  constructor(ports: CompletionPorts, options: Partial<CompletionEngineOptions> = {}) {
    this.ports = ports;
    this.options = { ...defaultEngineOptions, ...options };
    this.clock = ports.clock ?? systemClock;
    this.logger = ports.logger ?? nullLogger;
    this.counter = new LineTokenCounter(ports.tokenCounter ?? tokenCounter);
    this.cache = new CompletionCache({ capacity: this.options.cacheSize, ...(this.options.typedAhead ? {} : { maxTypeAhead: 0 }) });
    this.gatherer = new ContextGatherer(ports, { counter: this.counter, similar: this.similar, clock: this.clock, logger: this.logger });
  }

  get status(): CompletionStatus {
    return this.currentStatus;
  }

  get counters(): CompletionCounters {
    return { ...this.count };
  }

  updateOptions(options: Partial<CompletionEngineOptions>): void {
    this.options = { ...this.options, ...options };
  }

  /** Forgets cached suggestions: another model or server now answers, and its suggestions differ. */
  modelChanged(): void {
    this.cache.clear();
  }

  pause(by: PauseReason): void {
    this.pauses.add(by);
    for (const pending of this.inFlight.values()) pending.controller.abort(supersededError());
    this.refreshStatus();
  }

  resume(by: PauseReason): void {
    this.pauses.delete(by);
    this.refreshStatus();
  }

  /**
   * Loads the tokenizer (about a second for its tables) and indexes the open files, so the first
   * keystroke does not pay for them. Call once when the editor is idle after activation.
   */
  warmUp(): void {
    this.counter.count('warm up');
    const documents = (this.ports.recentDocuments?.() ?? []).filter((doc) => this.ports.isReadable(doc.path));
    this.similar.find('warm up', documents.slice(0, 20));
  }

  /** The user accepted a suggestion (the shell calls this from the item's command). */
  accepted(id: string): void {
    if (this.recentIds.delete(id)) this.count.accepted++;
  }

  /** A document closed: forget what was computed for it. */
  documentClosed(path: string): void {
    this.inFlight.get(path)?.controller.abort(supersededError());
    this.similar.forget(path);
  }

  /**
   * A suggestion for the request, or undefined. Resolves at once from the cache or typed-ahead;
   * otherwise after the debounce and the model. `signal` is the editor's cancellation; a newer
   * request for the same document also cancels this one.
   */
  async provide(request: CompletionRequest, signal: AbortSignal): Promise<CompletionResult | undefined> {
    const { document } = request;
    if (this.disposed || this.pauses.has('user') || !this.ports.isReadable(document.path) || signal.aborted) return undefined;
    const offset = offsetAt(document.text, request.position);
    const prefix = document.text.slice(0, offset);
    const suffix = document.text.slice(offset);
    const context = cursorContext(document, request.position);
    const mode = completionMode(context);

    const hit = this.cache.lookup(document.path, prefix, suffix);
    if (hit) {
      // The earlier request for this document is for a place the user has left.
      this.inFlight.get(document.path)?.controller.abort(supersededError());
      if (!hit.text) return undefined;
      if (hit.typedAhead > 0) this.count.typedAhead++;
      else this.count.cacheHits++;
      return this.show(hit.text, hit.typedAhead > 0 ? 'typedAhead' : 'cache', mode);
    }
    if (this.pauses.size > 0) return undefined;

    const pending = this.inFlight.get(document.path);
    if (pending && this.joinable(pending, prefix, suffix)) {
      // Typed forward from a request already paid for: wait for its answer instead of a new one.
      await untilAborted(pending.answer!, signal);
      if (signal.aborted) return undefined;
      const joined = this.cache.lookup(document.path, prefix, suffix);
      if (joined?.text) {
        this.count.joined++;
        return this.show(joined.text, 'joined', mode);
      }
      // The model had nothing here, or a newer keystroke has its own request.
      const newer = this.inFlight.get(document.path);
      if (joined || (newer && newer !== pending)) return undefined;
    }
    this.inFlight.get(document.path)?.controller.abort(supersededError());

    const controller = new AbortController();
    const current: InFlight = { controller, prefix, suffix };
    // Until the prompt goes out the editor's cancellation aborts the request; after, only a
    // keystroke that leaves its place does, so one typed forward can still use the answer.
    const onCancel = () => {
      if (!current.answer || !this.options.joinSent) controller.abort(signal.reason);
    };
    signal.addEventListener('abort', onCancel, { once: true });
    this.inFlight.set(document.path, current);
    const id = `c${this.nextId++}`;
    const model = this.ports.model();
    const started = this.clock.now();
    let record: Omit<CompletionRecord, 'outcome' | 'latencyMs'> = {
      id,
      sent: false,
      path: document.path,
      languageId: document.languageId,
      promptKind: model.fim ? 'fim' : 'chat',
      mode,
      sources: [],
    };
    const finish = (outcome: CompletionRecord['outcome']) =>
      this.recordEmitter.fire({ ...record, outcome, latencyMs: this.clock.now() - started });
    const settle = () => {
      if (this.inFlight.get(document.path) === current) this.inFlight.delete(document.path);
      this.requesting.delete(controller);
      this.refreshStatus();
    };
    const failed = (error: unknown): undefined => {
      if (isCancellation(error) || controller.signal.aborted) {
        this.count.cancelled++;
        finish('cancelled');
        return undefined;
      }
      this.count.errors++;
      const reason = typeof (error as { reason?: unknown }).reason === 'string' ? (error as { reason: string }).reason : 'unknown';
      this.lastError = { state: 'error', reason, message: errorMessage(error) };
      this.logger.warn(`completion failed (${reason}): ${errorMessage(error)}`);
      finish('error');
      return undefined;
    };
    let prompts: { fim: ReturnType<typeof buildFimPrompt>; chat: ReturnType<typeof buildChatPrompt> };
    try {
      if (request.trigger === 'automatic') await this.debounce(this.options.debounceMs, controller.signal);
      this.requesting.add(controller);
      this.refreshStatus();
      // The index is searched only for a request that will be sent: past the debounce, within
      // its cap, beside the rest of the context, and aborted with the request.
      const gathered = await this.gatherer.gather(
        request,
        { budget: this.options.budget, reservedTokens: promptOverhead(model.fim, this.counter), indexTimeoutMs: this.options.indexTimeoutMs },
        controller.signal,
      );
      const promptInput = { document, context: gathered, mode, maxLines: this.options.maxLines };
      // Both forms: a chain may hold FIM and chat models, and each is sent the one it takes.
      prompts = { fim: buildFimPrompt(promptInput), chat: buildChatPrompt(promptInput) };
      record = { ...record, sources: (model.fim ? prompts.fim : prompts.chat).sources, sent: true };
      if (controller.signal.aborted) throw controller.signal.reason;
    } catch (error) {
      signal.removeEventListener('abort', onCancel);
      settle();
      return failed(error);
    }

    this.count.requested++;
    const answer = (async (): Promise<string | undefined> => {
      try {
        const streamController = new AbortController();
        const linkStream = () => streamController.abort(controller.signal.reason);
        controller.signal.addEventListener('abort', linkStream, { once: true });
        const stream = model.stream(prompts, streamController.signal);
        const earlyStop = () => ({ mode, chat: stream.form === 'chat', context, maxLines: this.options.maxLines, maxChars: this.options.maxChars });
        const collected = await collectCompletion(stream, earlyStop, streamController);
        controller.signal.removeEventListener('abort', linkStream);
        if (controller.signal.aborted) throw controller.signal.reason;
        if (collected.stopped) {
          this.count.earlyStops++;
          record = { ...record, stopped: collected.stopped };
        }
        if (stream.form !== record.promptKind) record = { ...record, promptKind: stream.form };
        const cleaned = cleanCompletion(collected.raw, context, earlyStop());
        // Every placeholder the window issued was put back on the way in; one left was mangled.
        const placeholders = introducedPlaceholders(document.text, cleaned);
        if (placeholders.length > 0) this.logger.info(`completion ${id} dropped: it would insert ${placeholders.join(', ')}`);
        const text = placeholders.length > 0 ? '' : cleaned;
        this.cache.set(document.path, prefix, suffix, text);
        this.lastError = undefined;
        finish(text ? 'shown' : 'empty');
        return text;
      } catch (error) {
        return failed(error);
      } finally {
        settle();
      }
    })();
    current.answer = answer;
    if (signal.aborted) onCancel();
    try {
      const text = await untilAborted(answer, signal);
      if (signal.aborted || !text) return undefined;
      return this.show(text, 'model', mode, id);
    } finally {
      signal.removeEventListener('abort', onCancel);
    }
  }

  /** Whether a keystroke at (prefix, suffix) typed forward, on the same line, from a sent request. */
  private joinable(pending: InFlight, prefix: string, suffix: string): boolean {
    if (!this.options.joinSent || !pending.answer || pending.controller.signal.aborted) return false;
    if (suffix !== pending.suffix || !prefix.startsWith(pending.prefix)) return false;
    const typed = prefix.length - pending.prefix.length;
    return typed <= maxJoinChars && !prefix.includes('\n', pending.prefix.length);
  }

  private show(text: string, source: SuggestionSource, mode: CompletionMode, id = `c${this.nextId++}`): CompletionResult {
    this.count.shown++;
    this.recentIds.add(id);
    // Only recent suggestions can be accepted; older ids are forgotten.
    if (this.recentIds.size > 100) this.recentIds.delete(this.recentIds.values().next().value!);
    return { id, text, source, mode };
  }

  private debounce(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        this.clock.clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = this.clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private refreshStatus(): void {
    let next: CompletionStatus;
    if (this.pauses.size > 0) next = { state: 'paused', by: this.pauses.has('user') ? 'user' : this.pauses.has('restricted') ? 'restricted' : 'budget' };
    else if (this.requesting.size > 0) next = { state: 'requesting' };
    else next = this.lastError ?? { state: 'idle' };
    if (JSON.stringify(next) === JSON.stringify(this.currentStatus)) return;
    this.currentStatus = next;
    this.statusEmitter.fire(next);
  }

  dispose(): void {
    this.disposed = true;
    for (const pending of this.inFlight.values()) pending.controller.abort(supersededError());
    this.inFlight.clear();
    this.statusEmitter.dispose();
    this.recordEmitter.dispose();
  }
}

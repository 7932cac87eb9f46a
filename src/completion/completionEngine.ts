import type { Disposable } from '../common/disposable.ts';
import { errorMessage, isCancellation } from '../common/errors.ts';
import { Emitter, type Event } from '../common/event.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import { offsetAt } from '../common/text.ts';
import { type TokenCounter, tokenCounter } from '../llm/tokenizer.ts';
import { introducedPlaceholders } from '../safety/secretRedactor.ts';
import { TypingRhythm } from './typingRhythm.ts';
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
  readonly cancelled: number;
  readonly errors: number;
  readonly earlyStops: number;
}

export type SuggestionSource = 'model' | 'cache' | 'typedAhead';

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
   * Pause in typing before a request goes out. Measured with bench/typingReplay.ts (150 ms time
   * to first token): 150 ms sent 14 requests per 100 typed characters against 52 at 75 ms, with a
   * suggestion visible at the same share of pauses; 250 ms sent 4 but took 100 ms longer to show
   * a fresh suggestion. Cached and typed-ahead suggestions are served without waiting.
   */
  readonly debounceMs: number;
  /** Wait just past the typist's usual in-burst gap (`TypingRhythm`), with `debounceMs` as the floor; off, `debounceMs` is fixed. */
  readonly adaptiveDebounce: boolean;
  /** The longest the adaptive debounce grows for a slow typist. */
  readonly maxDebounceMs: number;
  readonly budget: ContextBudget;
  /** The index gets this long, from the end of the debounce, before its hits are dropped. */
  readonly indexTimeoutMs: number;
  readonly maxLines: number;
  readonly maxChars: number;
  readonly cacheSize: number;
  /** Serve the rest of a visible suggestion while the user types its first characters. */
  readonly typedAhead: boolean;
}

export const defaultEngineOptions: CompletionEngineOptions = {
  debounceMs: 150,
  adaptiveDebounce: true,
  maxDebounceMs: 350,
  budget: defaultContextBudget,
  indexTimeoutMs: 100,
  maxLines: 12,
  maxChars: 1500,
  cacheSize: 500,
  typedAhead: true,
};

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
  private readonly rhythm = new TypingRhythm();
  private readonly cache: CompletionCache;
  private readonly inFlight = new Map<string, AbortController>();
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
    for (const controller of this.inFlight.values()) controller.abort(supersededError());
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
    this.inFlight.get(path)?.abort(supersededError());
    this.similar.forget(path);
  }

  /**
   * A suggestion for the request, or undefined. Resolves at once from the cache or typed-ahead;
   * otherwise after the debounce and the model. `signal` is the editor's cancellation; a newer
   * request for the same document also cancels this one.
   */
  async provide(request: CompletionRequest, signal: AbortSignal): Promise<CompletionResult | undefined> {
    const { document } = request;
    if (request.trigger === 'automatic') this.rhythm.keystroke(this.clock.now());
    if (this.disposed || this.pauses.has('user') || !this.ports.isReadable(document.path) || signal.aborted) return undefined;
    const offset = offsetAt(document.text, request.position);
    const prefix = document.text.slice(0, offset);
    const suffix = document.text.slice(offset);
    const context = cursorContext(document, request.position);
    const mode = completionMode(context);

    const hit = this.cache.lookup(document.path, prefix, suffix);
    if (hit) {
      // The earlier request for this document is for a place the user has left.
      this.inFlight.get(document.path)?.abort(supersededError());
      if (!hit.text) return undefined;
      if (hit.typedAhead > 0) this.count.typedAhead++;
      else this.count.cacheHits++;
      return this.show(hit.text, hit.typedAhead > 0 ? 'typedAhead' : 'cache', mode);
    }
    if (this.pauses.size > 0) return undefined;

    this.inFlight.get(document.path)?.abort(supersededError());
    const controller = new AbortController();
    const onCancel = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onCancel, { once: true });
    this.inFlight.set(document.path, controller);
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
    try {
      if (request.trigger === 'automatic') await this.debounce(this.debounceMs(), controller.signal);
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
      const prompts = { fim: buildFimPrompt(promptInput), chat: buildChatPrompt(promptInput) };
      record = { ...record, sources: (model.fim ? prompts.fim : prompts.chat).sources, sent: true };
      this.count.requested++;
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
      return text ? this.show(text, 'model', mode, id) : undefined;
    } catch (error) {
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
    } finally {
      signal.removeEventListener('abort', onCancel);
      if (this.inFlight.get(document.path) === controller) this.inFlight.delete(document.path);
      this.requesting.delete(controller);
      this.refreshStatus();
    }
  }

  private show(text: string, source: SuggestionSource, mode: CompletionMode, id = `c${this.nextId++}`): CompletionResult {
    this.count.shown++;
    this.recentIds.add(id);
    // Only recent suggestions can be accepted; older ids are forgotten.
    if (this.recentIds.size > 100) this.recentIds.delete(this.recentIds.values().next().value!);
    return { id, text, source, mode };
  }

  /**
   * How long to wait before asking: just past this typist's usual in-burst gap (`TypingRhythm`),
   * so a request goes at a pause rather than inside a burst, where the next keystroke would throw
   * it away; or the fixed debounce when adaptation is off.
   */
  private debounceMs(): number {
    const { debounceMs, maxDebounceMs, adaptiveDebounce } = this.options;
    return adaptiveDebounce ? this.rhythm.debounceMs(debounceMs, maxDebounceMs) : debounceMs;
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
    for (const controller of this.inFlight.values()) controller.abort(supersededError());
    this.inFlight.clear();
    this.statusEmitter.dispose();
    this.recordEmitter.dispose();
  }
}

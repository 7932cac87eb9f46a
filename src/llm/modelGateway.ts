import { randomUUID } from 'node:crypto';
import { abortReason, delay } from '../common/async.ts';
import type { Disposable } from '../common/disposable.ts';
import { EnoughReceived, isCancellation } from '../common/errors.ts';
import { Emitter, type Event } from '../common/event.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import { type ContentFilter, type SourceRef, passThroughContentFilter } from './contentFilter.ts';
import { LocalStreams } from './localStreams.ts';
import type { ModelProvider, ProviderEvent } from './modelProvider.ts';
import { parseModelName } from './modelName.ts';
import type { ChatMessage, ImageAttachment, ModelTask, ModelTier, TokenUsage } from './modelTypes.ts';
import { costUsd, resolvePrice } from './prices.ts';
import { ProviderCooldown } from './providerCooldown.ts';
import { isFallbackReason, ProviderError, type ProviderErrorReason, toProviderError } from './providerError.ts';
import type { ProviderSource } from './providerRegistry.ts';
import { planRoute, type RoutePlan, routingTable, type SettingsReader } from './routing.ts';
import { defaultTaskPolicies, retryDelayMs, type TaskPolicy } from './taskPolicy.ts';
import { EventQueue } from './eventQueue.ts';
import { tokenCounter } from './tokenizer.ts';
import { restoreArguments } from './toolArguments.ts';
import type { ToolCall, ToolConversationMessage, ToolDefinition } from './toolTypes.ts';
import type { RequestEntry, RequestOutcome } from './usageEntry.ts';
import type { UsageRecorder } from './usageLedger.ts';

export type ChatTask = Exclude<ModelTask, 'embedding'>;

/** What every request may say about itself, whatever it asks for. */
interface RequestBasics {
  /** `provider/model` to use first, ahead of the task's configured chain. */
  readonly model?: string;
  readonly signal?: AbortSignal;
  /** Workspace regions the prompt includes, for the audit log. */
  readonly sources?: readonly SourceRef[];
}

/** Generation settings and bookkeeping shared by chat and fill-in-the-middle requests. */
interface TextRequestBasics extends RequestBasics {
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly stop?: readonly string[];
  /** Tokens in the prompt when the caller already counted them, so the typing path never counts twice. */
  readonly promptTokens?: number;
}

export interface ChatRequest extends TextRequestBasics {
  readonly task: ChatTask;
  /** Free text for the ledger: 'chat', 'refactor', 'completion'… */
  readonly feature: string;
  readonly messages: readonly ChatMessage[];
}

/**
 * A chat in which the model may call tools (Agent mode). Tool results in `messages` are
 * workspace data: the caller fences them, and the gateway redacts them like every text sent.
 */
export interface ToolChatRequest extends Omit<TextRequestBasics, 'stop'> {
  readonly task: ChatTask;
  readonly feature: string;
  readonly messages: readonly ToolConversationMessage[];
  readonly tools: readonly ToolDefinition[];
  /**
   * One task's answer to "spend past the daily budget?", shared by all its requests: the user is
   * asked once per task (an agent's steps), not once per request. Set when they say yes.
   */
  readonly budgetConsent?: { granted: boolean };
}

export interface CompletionRequest extends TextRequestBasics {
  /** Defaults to 'completion'. */
  readonly feature?: string;
  readonly prefix: string;
  readonly suffix: string;
  /**
   * The same request phrased as a chat, sent to any model in the chain that serves no native
   * fill-in-the-middle (`stop` is the FIM form's and does not apply to it).
   */
  readonly messages: readonly ChatMessage[];
  /** Told before each attempt which form it sends, so the caller cleans the answer to match. */
  readonly onAttempt?: (form: PromptForm) => void;
}

/** Which prompt an attempt sends: native fill-in-the-middle, or the chat phrasing. */
export type PromptForm = 'fim' | 'chat';

export interface EmbeddingRequest extends RequestBasics {
  readonly feature: string;
  readonly inputs: readonly string[];
  readonly dimensions?: number;
}

/** An image a request carries, as the audit log records it (never its bytes). */
export interface SentImage {
  readonly mediaType: string;
  readonly bytes: number;
}

/** One request about to leave (one attempt), announced before it is sent: the audit log's "started" line. */
export interface RequestStart {
  /** Pairs this start with the attempt's RequestEvent. */
  readonly id: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly feature: string;
  readonly task: ModelTask;
  readonly provider: string;
  /** `provider/model`. */
  readonly model: string;
  readonly sources: readonly SourceRef[];
  readonly redactions: number;
  readonly redactionKinds: readonly string[];
  readonly images?: readonly SentImage[];
}

/** One request sent (one attempt), for the audit log: the ledger entry plus what went in. */
export interface RequestEvent {
  /** The id its RequestStart carried. */
  readonly id: string;
  readonly entry: RequestEntry;
  readonly sources: readonly SourceRef[];
  readonly redactionKinds: readonly string[];
  readonly images?: readonly SentImage[];
}

export type ModelStreamEvent =
  | { readonly type: 'text'; readonly text: string }
  /** The model failed mid-answer and `model` starts over: drop the text shown so far. */
  | { readonly type: 'restart'; readonly model: string; readonly reason: ProviderErrorReason };

export interface ModelResult {
  readonly text: string;
  /** The `provider/model` that answered. */
  readonly model: string;
  readonly tier: ModelTier;
  readonly usage: TokenUsage;
  readonly costUsd: number | null;
  /** The first-choice model when another one answered, else null. */
  readonly fallbackFrom: string | null;
  readonly escalated: boolean;
  readonly finishReason: string | null;
  readonly redactions: number;
  /** The tools the model asked for (tool requests only), placeholders in their arguments restored. */
  readonly toolCalls?: readonly ToolCall[];
}

/**
 * A streamed answer. Iterate for the deltas (breaking out cancels), await `result` for the whole
 * thing, or both. `result` rejects with a ProviderError, or with an AbortError on cancellation
 * (check with isCancellation); iteration ends quietly on cancellation and throws the ProviderError.
 */
export interface ModelStream extends AsyncIterable<ModelStreamEvent> {
  readonly result: Promise<ModelResult>;
  cancel(): void;
}

export interface EmbeddingResult {
  readonly vectors: readonly (readonly number[])[];
  readonly model: string;
  readonly usage: TokenUsage;
  readonly costUsd: number | null;
  readonly fallbackFrom: string | null;
  readonly redactions: number;
}

export interface BudgetStatus {
  readonly spentUsd: number;
  /** 0 when there is no limit. */
  readonly limitUsd: number;
  /** True when completions are refused and heavy requests ask first. */
  readonly exceeded: boolean;
}

export interface ModelGatewayOptions {
  readonly settings: SettingsReader;
  readonly providers: ProviderSource;
  readonly ledger: UsageRecorder;
  readonly contentFilter?: ContentFilter;
  /**
   * Asked before workspace content goes to a remote (not `local`) provider; false stops the
   * request unsent. The shell answers from workspace trust (Restricted Mode asks the user).
   */
  readonly allowRemoteSend?: (request: { readonly feature: string; readonly task: ModelTask; readonly provider: string }) => Promise<boolean>;
  /**
   * Awaited before each request leaves (the audit log's "started" line), so a window that closes
   * or reloads mid-request still leaves a record of what was sent. A failure is logged, not fatal.
   */
  readonly beforeSend?: (start: RequestStart) => Promise<void>;
  /** Asked before a heavy request once today's spend is past `budget.dailyUsd`; without it, such requests are refused. */
  readonly confirmOverBudget?: (spentUsd: number, limitUsd: number) => Promise<boolean>;
  readonly policies?: Partial<Record<ModelTask, Partial<TaskPolicy>>>;
  readonly cooldown?: ProviderCooldown;
  readonly logger?: Logger;
  readonly now?: () => number;
}

interface Prepared {
  readonly task: ModelTask;
  readonly feature: string;
  readonly plan: RoutePlan;
  readonly policy: TaskPolicy;
  readonly redactions: number;
  readonly redactionKinds: readonly string[];
  readonly sources: readonly SourceRef[];
  /** Tokens of what is sent, counted only when needed (escalation, or no usage from the API). */
  readonly promptTokens: () => number;
  readonly signal: AbortSignal;
  readonly budgetConsent?: { granted: boolean };
  /** Tool requests: a model that cannot call tools is skipped like a fallback without a key. */
  readonly needsTools?: boolean;
  /** Images sent with the prompt, for the audit log. */
  readonly images?: readonly SentImage[];
}

interface Redacted {
  readonly texts: readonly string[];
  readonly count: number;
  readonly kinds: readonly string[];
}

interface AttemptOutcome {
  readonly text: string;
  readonly toolCalls?: readonly ToolCall[];
  readonly apiInput: number | undefined;
  readonly apiOutput: number | undefined;
  readonly finishReason: string | null;
  readonly ttftMs: number | null;
  readonly totalMs: number;
  /** Undefined on success. */
  readonly failure: ProviderError | 'cancelled' | undefined;
  /** Set when no other attempt may follow this failure, whatever its reason. */
  readonly final?: boolean;
}

/** Tokens kept for a reply that names no `maxTokens`, when routing checks a prompt against a window. */
const defaultReplyTokens = 4_096;

interface TextCall {
  readonly kind: 'chat' | 'fim' | 'tools';
  readonly messages: readonly ChatMessage[];
  /** For `tools` calls: the conversation and the tools offered. */
  readonly toolMessages?: readonly ToolConversationMessage[];
  readonly tools?: readonly ToolDefinition[];
  readonly prefix: string;
  readonly suffix: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly stop?: readonly string[];
  readonly onAttempt?: (form: PromptForm) => void;
}

/** The images a request carries, as the audit log records them: type and size, never content. */
function sentImages(messages: readonly (ChatMessage | ToolConversationMessage)[]): SentImage[] {
  return messages.flatMap((message): readonly ImageAttachment[] => ('images' in message && message.images) || []).map((image) => ({ mediaType: image.mediaType, bytes: Math.floor((image.base64.length * 3) / 4) }));
}

/**
 * The one way out to a model. Every request is routed (task → tier → model chain), filtered
 * (the content filter sees every text sent), budgeted, timed, retried or moved to the next
 * model, and written to the ledger, here and nowhere else.
 */
export class ModelGateway implements Disposable {
  private readonly settings: SettingsReader;
  private readonly providers: ProviderSource;
  private readonly ledger: UsageRecorder;
  private readonly filter: ContentFilter;
  private readonly confirmOverBudget: ((spentUsd: number, limitUsd: number) => Promise<boolean>) | undefined;
  private readonly allowRemoteSend: ModelGatewayOptions['allowRemoteSend'];
  private readonly beforeSend: ModelGatewayOptions['beforeSend'];
  private readonly policies: { readonly [T in ModelTask]: TaskPolicy };
  private readonly cooldown: ProviderCooldown;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly localStreams = new LocalStreams();
  private readonly requestEmitter = new Emitter<RequestEvent>();
  private readonly budgetRefusalEmitter = new Emitter<BudgetStatus>();

  /** Each request sent (each attempt), with its metadata and no content: for the audit log. */
  readonly onDidRequest: Event<RequestEvent> = this.requestEmitter.event;
  /** A request refused for the budget, which other windows' spending may have used up: the pause should show. */
  readonly onDidRefuseForBudget: Event<BudgetStatus> = this.budgetRefusalEmitter.event;

  constructor(options: ModelGatewayOptions) {
    this.settings = options.settings;
    this.providers = options.providers;
    this.ledger = options.ledger;
    this.filter = options.contentFilter ?? passThroughContentFilter;
    this.confirmOverBudget = options.confirmOverBudget;
    this.allowRemoteSend = options.allowRemoteSend;
    this.beforeSend = options.beforeSend;
    const policies = { ...defaultTaskPolicies };
    for (const [task, override] of Object.entries(options.policies ?? {}) as Array<[ModelTask, Partial<TaskPolicy>]>) {
      policies[task] = { ...policies[task], ...override };
    }
    this.policies = policies;
    this.cooldown = options.cooldown ?? new ProviderCooldown();
    this.logger = options.logger ?? nullLogger;
    this.now = options.now ?? Date.now;
  }

  streamChat(request: ChatRequest): ModelStream {
    return this.startStream(request.signal, (signal, emit) => {
      const filtered = this.redactAll(request.messages.map((message) => message.content));
      // Images go as they are: no redactor reads pixels (the panel says so), and the audit log lists each.
      const messages = request.messages.map((message, i) => ({ role: message.role, content: filtered.texts[i]!, ...(message.images ? { images: message.images } : {}) }));
      const call: TextCall = { kind: 'chat', messages, prefix: '', suffix: '', ...tuning(request) };
      const images = sentImages(request.messages);
      const prepared = { ...this.prepare(request.task, request.feature, request, filtered, signal), ...(images.length > 0 ? { images } : {}) };
      return this.runText(prepared, call, emit);
    });
  }

  /**
   * A chat in which the model may call tools: routed, redacted (contents, tool results and the
   * model's earlier arguments alike), budgeted, audited, retried and recorded like any chat.
   * The result's `toolCalls` are what the model asked for; a chain whose model cannot call tools
   * fails with `badRequest` (ask `supportsTools` first).
   */
  streamWithTools(request: ToolChatRequest): ModelStream {
    return this.startStream(request.signal, (signal, emit) => {
      const texts = request.messages.flatMap((message) =>
        message.role === 'assistant' ? [message.content, ...(message.toolCalls ?? []).map((call) => call.arguments)] : [message.content],
      );
      const filtered = this.redactAll(texts);
      let next = 0;
      const messages = request.messages.map((message): ToolConversationMessage => {
        const content = filtered.texts[next++]!;
        if (message.role !== 'assistant') return { ...message, content };
        const toolCalls = message.toolCalls?.map((call) => ({ ...call, arguments: filtered.texts[next++]! }));
        return { role: 'assistant', content, ...(toolCalls ? { toolCalls } : {}) };
      });
      // The tool definitions travel with every request: they count toward the prompt's size.
      const sized: Redacted = { ...filtered, texts: [...filtered.texts, JSON.stringify(request.tools)] };
      const call: TextCall = { kind: 'tools', messages: [], toolMessages: messages, tools: request.tools, prefix: '', suffix: '', ...tuning(request) };
      // A task's images ride on its opening turn, so every step sends (and the audit lists) them again.
      const images = sentImages(request.messages);
      const prepared = {
        ...this.prepare(request.task, request.feature, request, sized, signal),
        needsTools: true,
        ...(request.budgetConsent ? { budgetConsent: request.budgetConsent } : {}),
        ...(images.length > 0 ? { images } : {}),
      };
      return this.runText(prepared, call, emit);
    });
  }

  /** True when the task's first model can call tools; without it, Agent mode keeps the one-pass path. */
  async supportsTools(task: ChatTask, model?: string): Promise<boolean> {
    const plan = planRoute({ task, promptBytes: 0, promptTokens: () => 0, replyTokens: 0, ...(model ? { model } : {}) }, this.settings);
    const first = plan.candidates[0];
    if (!first) return false;
    try {
      const provider = await this.providers.get(parseModelName(first).provider);
      return provider.toolCalling === true && provider.streamWithTools !== undefined;
    } catch {
      // No key, or no such provider: that is not "takes no tools". The request fails with the
      // real reason and its action (Set API Key, Open Settings), whichever path runs it.
      return true;
    }
  }

  /**
   * Fill-in-the-middle: native where the attempted model's endpoint serves it (`fim: true`), the
   * request's own chat phrasing elsewhere, chosen per attempt along the chain.
   */
  complete(request: CompletionRequest): ModelStream {
    return this.startStream(request.signal, (signal, emit) => {
      const filtered = this.redactAll([request.prefix, request.suffix, ...request.messages.map((message) => message.content)]);
      const [prefix, suffix, ...contents] = filtered.texts as [string, string, ...string[]];
      const messages = request.messages.map((message, i) => ({ role: message.role, content: contents[i]! }));
      const call: TextCall = { kind: 'fim', messages, prefix, suffix, ...tuning(request), ...(request.onAttempt ? { onAttempt: request.onAttempt } : {}) };
      const prepared = this.prepare('completion', request.feature ?? 'completion', request, filtered, signal);
      return this.runText(prepared, call, emit);
    });
  }

  async embed(request: EmbeddingRequest): Promise<EmbeddingResult> {
    const signal = request.signal ?? new AbortController().signal;
    const filtered = this.redactAll(request.inputs);
    const inputs = filtered.texts;
    const redactions = filtered.count;
    const prepared = this.prepare('embedding', request.feature, request, filtered, signal);
    await this.checkBudget(prepared);
    let result: EmbeddingResult | undefined;
    await this.eachCandidate(prepared, async (provider, name, modelId, fallbackFrom) => {
      const id = await this.announce(prepared, name, provider.name);
      const started = this.now();
      const attempt = new AbortController();
      const stop = linkAbort(signal, attempt);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        attempt.abort();
      }, prepared.policy.totalMs);
      try {
        const response = await provider.embed({ model: modelId, inputs, ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}) }, attempt.signal);
        const outcome: AttemptOutcome = { text: '', apiInput: response.inputTokens, apiOutput: 0, finishReason: 'stop', ttftMs: null, totalMs: this.now() - started, failure: undefined };
        const entry = this.record(prepared, id, name, provider.name, fallbackFrom, started, outcome);
        result = { vectors: response.vectors, model: name, usage: usageOf(entry), costUsd: entry.costUsd, fallbackFrom, redactions };
        return outcome;
      } catch (error) {
        const failure = signal.aborted ? 'cancelled' : timedOut ? timeoutError(name, provider.name, '') : toProviderError(error, provider.name, modelId);
        const outcome: AttemptOutcome = { text: '', apiInput: undefined, apiOutput: undefined, finishReason: null, ttftMs: null, totalMs: this.now() - started, failure };
        this.record(prepared, id, name, provider.name, fallbackFrom, started, outcome);
        return outcome;
      } finally {
        clearTimeout(timer);
        stop();
      }
    });
    return result!;
  }

  /** Records that a completion was shown or accepted, for the acceptance rate. */
  recordCompletionEvent(event: 'shown' | 'accepted', model?: string): void {
    void this.ledger.append({ type: 'completionEvent', time: this.now(), event, model: model ?? null }).catch((error: unknown) => {
      this.logger.warn(`Could not write the usage ledger: ${String(error)}`);
    });
  }

  /** True while a chat, refactor or other non-completion stream is in flight to this local provider. */
  isLocalBusy(provider: string): boolean {
    return this.localStreams.isBusy(provider);
  }

  waitUntilLocalIdle(provider: string, signal?: AbortSignal): Promise<void> {
    return this.localStreams.waitUntilIdle(provider, signal);
  }

  async budgetStatus(): Promise<BudgetStatus> {
    const limitUsd = this.settings.get('budget.dailyUsd');
    const spentUsd = await this.ledger.spentTodayUsd(this.now());
    return { spentUsd, limitUsd, exceeded: limitUsd > 0 && spentUsd >= limitUsd };
  }

  dispose(): void {
    this.requestEmitter.dispose();
    this.budgetRefusalEmitter.dispose();
  }

  private startStream(outer: AbortSignal | undefined, run: (signal: AbortSignal, emit: (event: ModelStreamEvent) => void) => Promise<ModelResult>): ModelStream {
    const controller = new AbortController();
    if (outer) linkAbort(outer, controller);
    const queue = new EventQueue<ModelStreamEvent>();
    // Replies may carry the filter's placeholders back; callers only ever see the real values.
    let restorer = this.filter.createRestoreStream?.();
    const emit = (event: ModelStreamEvent) => {
      if (event.type === 'restart') {
        restorer = this.filter.createRestoreStream?.();
        queue.push(event);
        return;
      }
      const text = restorer ? restorer.push(event.text) : event.text;
      if (text) queue.push({ type: 'text', text });
    };
    // Run eagerly so awaiting `result` alone works; the queue holds deltas until someone reads them.
    const result = Promise.resolve()
      .then(() => run(controller.signal, emit))
      .then(
        (value) => {
          const tail = restorer?.flush();
          if (tail) queue.push({ type: 'text', text: tail });
          queue.end();
          const restore = this.filter.restore?.bind(this.filter);
          if (!restore) return value;
          const toolCalls = value.toolCalls?.map((call) => ({ ...call, arguments: restoreArguments(call.arguments, restore) }));
          return { ...value, text: restore(value.text), ...(toolCalls ? { toolCalls } : {}) };
        },
        (error: unknown) => {
          if (isCancellation(error)) queue.end();
          else queue.fail(error);
          throw error;
        },
      );
    // Callers that only iterate must not leave an unhandled rejection behind.
    result.catch(() => undefined);
    return {
      result,
      cancel: () => controller.abort(),
      [Symbol.asyncIterator]: () => queue.iterate(() => controller.abort()),
    };
  }

  private prepare(
    task: ModelTask,
    feature: string,
    request: { readonly model?: string; readonly sources?: readonly SourceRef[]; readonly promptTokens?: number; readonly maxTokens?: number },
    filtered: Redacted,
    signal: AbortSignal,
  ): Prepared {
    const { model } = request;
    const texts = filtered.texts;
    let counted: number | undefined = request.promptTokens;
    // The exact count takes milliseconds on a large prompt: routing asks for it only when the
    // prompt's bytes could outgrow a candidate's window.
    const promptTokens = () => (counted ??= texts.reduce((sum, text) => sum + tokenCounter.count(text), 0));
    const promptBytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    const plan = planRoute({ task, promptBytes, promptTokens, replyTokens: request.maxTokens ?? defaultReplyTokens, ...(model ? { model } : {}) }, this.settings);
    if (plan.candidates.length === 0 && routingTable[task].tier !== 'fast' && routingTable[task].tier !== 'embedding') {
      throw new ProviderError('contextTooLong', `The request (${promptTokens()} tokens) is larger than any configured model for ${task} can take. Ask about less code, or set a model with a larger context window.`, {
        provider: '',
        model: '',
        actions: ['openSettings'],
      });
    }
    const policy = this.policies[plan.escalated ? 'refactor' : task];
    return {
      task,
      feature,
      plan,
      policy,
      redactions: filtered.count,
      redactionKinds: filtered.kinds,
      sources: request.sources ?? [],
      promptTokens,
      signal,
    };
  }

  private async runText(prepared: Prepared, call: TextCall, emit: (event: ModelStreamEvent) => void): Promise<ModelResult> {
    await this.checkBudget(prepared);
    let result: ModelResult | undefined;
    let shownText = false;
    await this.eachCandidate(prepared, async (provider, name, modelId, fallbackFrom, lastFailure) => {
      if (shownText && lastFailure) emit({ type: 'restart', model: name, reason: lastFailure.reason });
      shownText = false;
      if (prepared.task === 'completion' && this.providers.isLocal(provider.name)) {
        await this.localStreams.waitUntilIdle(provider.name, prepared.signal);
      }
      const id = await this.announce(prepared, name, provider.name);
      const started = this.now();
      const outcome = await this.attemptText(prepared, provider, modelId, call, (text) => {
        shownText = true;
        emit({ type: 'text', text });
      });
      const entry = this.record(prepared, id, name, provider.name, fallbackFrom, started, outcome);
      // A completion that failed mid-answer is over: its caller has taken the text so far and will
      // not wait for another model, so a second request would be paid for nothing.
      if (outcome.failure && shownText && prepared.task === 'completion') return { ...outcome, final: true };
      if (!outcome.failure) {
        result = {
          text: outcome.text,
          model: name,
          tier: prepared.plan.tier,
          usage: usageOf(entry),
          costUsd: entry.costUsd,
          fallbackFrom,
          escalated: prepared.plan.escalated,
          finishReason: outcome.finishReason,
          redactions: prepared.redactions,
          ...(call.kind === 'tools' ? { toolCalls: outcome.toolCalls ?? [] } : {}),
        };
      }
      return outcome;
    });
    return result!;
  }

  /**
   * Tries the plan's models in order (skipping ones cooling down, unless all are), retrying a
   * model only within the task's bounds. Returns after the first success; throws the error that
   * ends the chain, or the abort reason on cancellation.
   */
  private async eachCandidate(
    prepared: Prepared,
    attempt: (provider: ModelProvider, name: string, modelId: string, fallbackFrom: string | null, lastFailure: ProviderError | undefined) => Promise<AttemptOutcome>,
  ): Promise<void> {
    const { plan, policy, signal } = prepared;
    if (plan.candidates.length === 0) {
      throw new ProviderError('badRequest', `No model is set for ${prepared.task}.`, { provider: '', model: '', actions: ['openSettings'] });
    }
    const first = plan.candidates[0]!;
    const resting = plan.candidates.filter((name) => this.cooldown.isCoolingDown(providerOf(name)));
    const order = resting.length === plan.candidates.length ? plan.candidates : plan.candidates.filter((name) => !resting.includes(name));
    let lastFailure: ProviderError | undefined;
    for (const name of order) {
      if (signal.aborted) throw abortReason(signal);
      const fallbackFrom = name === first ? null : first;
      let provider: ModelProvider;
      let modelId: string;
      try {
        const parsed = parseModelName(name);
        modelId = parsed.model;
        provider = await this.providers.get(parsed.provider);
        if (prepared.needsTools) requireToolCalling(provider, modelId);
        await this.checkRemoteSend(prepared, parsed.provider);
      } catch (error) {
        if (error instanceof ProviderError && error.reason === 'restricted') throw error;
        const failure = toProviderError(error, providerOf(name), name);
        // A fallback without a key (or, for tools, without tool calling) is skipped: nothing was
        // sent; the first choice's problem is the user's to fix.
        if (!lastFailure && name === order[0]) throw failure;
        this.logger.info(`Skipping ${name}: ${failure.message}`);
        continue;
      }
      for (let tries = 1; ; tries++) {
        const outcome = await attempt(provider, name, modelId, fallbackFrom, lastFailure);
        const failure = outcome.failure;
        if (!failure) {
          this.cooldown.recordSuccess(provider.name);
          return;
        }
        if (failure === 'cancelled' || signal.aborted) throw abortReason(signal);
        lastFailure = failure;
        // A bug here is for the logs with its stack; the user gets the short message.
        if (failure.reason === 'internal') this.logger.error(failure.cause instanceof Error ? failure.cause : failure);
        if (!isFallbackReason(failure.reason)) throw failure;
        this.cooldown.recordFailure(provider.name);
        if (outcome.final) throw failure;
        const wait = retryDelayMs(failure, tries, policy);
        if (wait === undefined) break;
        this.logger.debug(`${name} failed (${failure.reason}); retrying in ${wait} ms.`);
        await delay(wait, signal);
      }
      this.logger.info(`${name} failed (${lastFailure?.reason}); trying the next model.`);
    }
    throw lastFailure ?? new ProviderError('badRequest', 'No usable model.', { provider: '', model: '', actions: ['openSettings'] });
  }

  private async attemptText(prepared: Prepared, provider: ModelProvider, modelId: string, call: TextCall, onText: (text: string) => void): Promise<AttemptOutcome> {
    const { policy, signal } = prepared;
    const started = this.now();
    const attempt = new AbortController();
    const unlink = linkAbort(signal, attempt);
    let timedOut = false;
    const expire = () => {
      timedOut = true;
      attempt.abort();
    };
    const firstTimer = setTimeout(expire, policy.firstTokenMs);
    const totalTimer = setTimeout(expire, policy.totalMs);
    const release = prepared.task !== 'completion' && this.providers.isLocal(provider.name) ? this.localStreams.begin(provider.name) : () => {};
    let text = '';
    let ttftMs: number | null = null;
    let finishReason: string | null = null;
    let ended = false;
    let apiInput: number | undefined;
    let apiOutput: number | undefined;
    const toolCalls: ToolCall[] = [];
    const outcome = (failure: AttemptOutcome['failure']): AttemptOutcome => ({ text, toolCalls, apiInput, apiOutput, finishReason, ttftMs, totalMs: this.now() - started, failure });
    try {
      const native = call.kind === 'fim' && provider.nativeFim;
      call.onAttempt?.(native ? 'fim' : 'chat');
      // A FIM request's stops (a line break, say) belong to its FIM form, not its chat phrasing.
      const stop = call.stop && (native || call.kind === 'chat') ? { stop: call.stop } : {};
      const tuning = { ...(call.maxTokens !== undefined ? { maxTokens: call.maxTokens } : {}), ...(call.temperature !== undefined ? { temperature: call.temperature } : {}), ...stop };
      const events: AsyncIterable<ProviderEvent> = native
        ? provider.streamFim({ model: modelId, prefix: call.prefix, suffix: call.suffix, ...tuning }, attempt.signal)
        : call.kind === 'tools'
          ? this.toolEvents(provider, modelId, call, tuning, attempt.signal)
          : provider.streamChat({ model: modelId, messages: call.messages, ...tuning }, attempt.signal);
      for await (const event of events) {
        if (event.kind === 'toolCall') {
          if (ttftMs === null) {
            ttftMs = this.now() - started;
            clearTimeout(firstTimer);
          }
          toolCalls.push(event.call);
        } else if (event.kind === 'text') {
          if (ttftMs === null) {
            ttftMs = this.now() - started;
            clearTimeout(firstTimer);
          }
          text += event.text;
          onText(event.text);
        } else if (event.kind === 'usage') {
          apiInput = event.inputTokens ?? apiInput;
          apiOutput = event.outputTokens ?? apiOutput;
        } else {
          ended = true;
          finishReason = event.finishReason;
        }
      }
      // The SDKs end a stream quietly when its request is aborted, so the cause is checked here too.
      if (signal.aborted) return outcome(signal.reason instanceof EnoughReceived ? undefined : 'cancelled');
      if (timedOut) return outcome(timeoutError(`${provider.name}/${modelId}`, provider.name, text));
      if (!ended) {
        return outcome(new ProviderError('badResponse', `${provider.name}/${modelId} stopped before finishing its answer.`, { provider: provider.name, model: modelId, partialText: text }));
      }
      return outcome(undefined);
    } catch (error) {
      if (signal.aborted) return outcome(signal.reason instanceof EnoughReceived ? undefined : 'cancelled');
      if (timedOut) return outcome(timeoutError(`${provider.name}/${modelId}`, provider.name, text));
      return outcome(toProviderError(error, provider.name, modelId, text));
    } finally {
      clearTimeout(firstTimer);
      clearTimeout(totalTimer);
      // Whatever ended the attempt (a bug included), its HTTP request must not stay open.
      attempt.abort();
      unlink();
      release();
    }
  }

  private toolEvents(provider: ModelProvider, modelId: string, call: TextCall, tuning: { maxTokens?: number; temperature?: number }, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    const streamWithTools = requireToolCalling(provider, modelId);
    const { maxTokens, temperature } = tuning;
    return streamWithTools(
      { model: modelId, messages: call.toolMessages ?? [], tools: call.tools ?? [], ...(maxTokens !== undefined ? { maxTokens } : {}), ...(temperature !== undefined ? { temperature } : {}) },
      signal,
    );
  }

  private async checkRemoteSend(prepared: Prepared, provider: string): Promise<void> {
    if (!this.allowRemoteSend || this.providers.isLocal(provider)) return;
    const allowed = await this.allowRemoteSend({ feature: prepared.feature, task: prepared.task, provider });
    if (prepared.signal.aborted) throw abortReason(prepared.signal);
    if (!allowed) {
      throw new ProviderError('restricted', 'Not sent: this workspace is in Restricted Mode, and nothing from it goes to a remote model without your yes.', {
        provider,
        model: prepared.plan.candidates[0] ?? '',
        actions: ['manageTrust'],
      });
    }
  }

  private async checkBudget(prepared: Prepared): Promise<void> {
    const limit = this.settings.get('budget.dailyUsd');
    if (!(limit > 0)) return;
    // Read from the ledger on disk every time: other windows spend from the same budget.
    const spent = await this.ledger.spentTodayUsd(this.now());
    if (spent < limit) return;
    const model = prepared.plan.candidates[0] ?? '';
    const refuse = () => {
      this.budgetRefusalEmitter.fire({ spentUsd: spent, limitUsd: limit, exceeded: true });
      return new ProviderError('budget', `Paused by budget: $${spent.toFixed(2)} of the $${limit.toFixed(2)} daily limit is spent.`, {
        provider: providerOf(model),
        model,
      });
    };
    // Background work (completions, indexing) never interrupts the user to ask; it just pauses.
    if (prepared.task === 'completion' || prepared.task === 'embedding' || !this.confirmOverBudget) throw refuse();
    if (prepared.budgetConsent?.granted) return;
    const proceed = await this.confirmOverBudget(spent, limit);
    if (prepared.signal.aborted) throw abortReason(prepared.signal);
    if (!proceed) throw refuse();
    if (prepared.budgetConsent) prepared.budgetConsent.granted = true;
  }

  /** Writes the attempt's "started" record before anything is sent; returns the id that pairs it with its outcome. */
  private async announce(prepared: Prepared, model: string, provider: string): Promise<string> {
    const id = randomUUID();
    if (!this.beforeSend) return id;
    const start: RequestStart = {
      id,
      time: this.now(),
      feature: prepared.feature,
      task: prepared.task,
      provider,
      model,
      sources: prepared.sources,
      redactions: prepared.redactions,
      redactionKinds: prepared.redactionKinds,
      ...(prepared.images ? { images: prepared.images } : {}),
    };
    await this.beforeSend(start).catch((error: unknown) => this.logger.warn(`Could not record the request before sending it: ${String(error)}`));
    return id;
  }

  private record(prepared: Prepared, id: string, model: string, provider: string, fallbackFrom: string | null, started: number, outcome: AttemptOutcome): RequestEntry {
    const failure = outcome.failure;
    const result: RequestOutcome = failure === undefined ? 'ok' : failure === 'cancelled' ? 'cancelled' : failure.reason;
    // Without usage from the API, count locally, but only if the model got as far as answering.
    const answered = failure === undefined || outcome.text.length > 0;
    const fromApi = outcome.apiInput !== undefined || outcome.apiOutput !== undefined;
    const inputTokens = outcome.apiInput ?? (answered ? prepared.promptTokens() : 0);
    const outputTokens = outcome.apiOutput ?? tokenCounter.count(outcome.text);
    // Every model has a price, so nothing escapes the budget: an unknown one counts at the estimate.
    const price = resolvePrice(model, { overrides: this.settings.get('prices'), local: this.providers.isLocal(provider), embedding: prepared.task === 'embedding' });
    const entry: RequestEntry = {
      type: 'request',
      time: started,
      feature: prepared.feature,
      task: prepared.task,
      tier: prepared.plan.tier,
      provider,
      model,
      inputTokens,
      outputTokens,
      tokenSource: fromApi ? 'api' : 'estimated',
      costUsd: costUsd(inputTokens, outputTokens, price.price),
      ...(price.source === 'estimated' ? { costEstimated: true } : {}),
      ttftMs: outcome.ttftMs,
      totalMs: outcome.totalMs,
      outcome: result,
      fallbackFrom,
      redactions: prepared.redactions,
    };
    void this.ledger.append(entry).catch((error: unknown) => this.logger.warn(`Could not write the usage ledger: ${String(error)}`));
    this.requestEmitter.fire({ id, entry, sources: prepared.sources, redactionKinds: prepared.redactionKinds, ...(prepared.images ? { images: prepared.images } : {}) });
    return entry;
  }

  private redactAll(texts: readonly string[]): Redacted {
    let count = 0;
    const kinds = new Set<string>();
    const redacted = texts.map((text) => {
      const result = this.filter.redact(text);
      count += result.count;
      for (const kind of result.kinds ?? []) kinds.add(kind);
      return result.text;
    });
    return { texts: redacted, count, kinds: [...kinds] };
  }
}

function tuning(request: { maxTokens?: number; temperature?: number; stop?: readonly string[] }) {
  return {
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.stop ? { stop: request.stop } : {}),
  };
}

/** The provider's tool-calling stream, or the error that says this model cannot call tools. */
function requireToolCalling(provider: ModelProvider, modelId: string): NonNullable<ModelProvider['streamWithTools']> {
  if (!provider.toolCalling || !provider.streamWithTools) {
    throw new ProviderError('badRequest', `${provider.name}/${modelId} cannot call tools: Agent mode needs a model that can (set "tools": true on an endpoint that serves them).`, {
      provider: provider.name,
      model: modelId,
      actions: ['openSettings'],
    });
  }
  return provider.streamWithTools.bind(provider);
}

function usageOf(entry: RequestEntry): TokenUsage {
  return { inputTokens: entry.inputTokens, outputTokens: entry.outputTokens, source: entry.tokenSource };
}

function timeoutError(label: string, provider: string, partialText: string): ProviderError {
  return new ProviderError('timeout', `${label} did not answer in time.`, { provider, model: label, partialText });
}

function providerOf(name: string): string {
  const slash = name.indexOf('/');
  return slash > 0 ? name.slice(0, slash) : name;
}

/** Aborts `target` when `source` aborts; returns the unlink function. */
function linkAbort(source: AbortSignal, target: AbortController): () => void {
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = () => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}

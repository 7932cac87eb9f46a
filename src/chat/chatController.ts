import type { Disposable } from '../common/disposable.ts';
import { GroundworkError, errorMessage, isCancellation, type UserAction } from '../common/errors.ts';
import { Emitter, type Event } from '../common/event.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import type { ChatRequest, ModelResult, ModelStream } from '../llm/modelGateway.ts';
import type { ChatMessage, ImageAttachment } from '../llm/modelTypes.ts';
import { ProviderError } from '../llm/providerError.ts';
import { takesImages } from '../llm/visionModels.ts';
import type { TokenCounter } from '../llm/tokenizer.ts';
import { workspaceDataInstruction } from '../safety/promptFencing.ts';
import type { ChatSession } from './chatSession.ts';
import { type FileExists, verifyCitations } from './citations.ts';
import type { AccessChecker, AssembledContext, AssembleRequest } from './contextAssembler.ts';
import { fitConversation, fitTurns, summaryRequest } from './conversationWindow.ts';
import type { AgentResult, AgentRunOptions, AgentStep } from '../agent/agentLoop.ts';
import type { AgentMode, AgentStepView, AnswerStats, ChatMessageView, ChatSnapshot, ErrorAction, HostMessage, ModelOption, Question, SourceRef, StreamingView } from './protocol.ts';

/** The part of ModelGateway the chat uses. */
export interface ChatGateway {
  streamChat(request: ChatRequest): ModelStream;
}

/**
 * Agent mode for chat questions: the heavy model with the read-only tools (src/agent/), so it can
 * search and read past what the first retrieval found. The shell builds it over AgentLoop.
 */
export interface ChatAgent {
  /** Agent mode is on in settings; the composer's toggle can only turn it off. */
  enabled(): boolean;
  /** Why a question to this model (`provider/model`; undefined: the heavy tier's first) gets one pass instead: a sentence, or undefined when the agent runs. */
  unavailable(model: string | undefined): Promise<string | undefined>;
  run(task: string, options: AgentRunOptions & { readonly model?: string }): Promise<AgentResult>;
}

export interface ChatContextSource {
  assemble(request: AssembleRequest): Promise<AssembledContext>;
}

export interface ChatBudget {
  /** Tokens of workspace context per question. */
  readonly contextTokens: number;
  /** Tokens of earlier conversation per question. */
  readonly historyTokens: number;
}

export interface ChatControllerOptions {
  readonly gateway: ChatGateway;
  readonly context: ChatContextSource;
  readonly session: ChatSession;
  readonly counter: TokenCounter;
  /** For citations that name a file not sent with the question. */
  readonly fileExists: FileExists;
  /** Workspace files whose path matches the query, for the @file picker. */
  readonly listFiles: (query: string, signal: AbortSignal) => Promise<readonly string[]>;
  readonly policy: AccessChecker;
  readonly models: () => readonly ModelOption[];
  /** Agent mode; without it every question is answered in one pass. */
  readonly agent?: ChatAgent;
  /** The model a question goes to when none is picked (`provider/model`), to check that it takes images. */
  readonly defaultModel?: () => string;
  readonly budget?: Partial<ChatBudget>;
  /** Summarize older turns with a model call when they no longer fit; otherwise they are dropped with a note. */
  readonly summarizeHistory?: boolean;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly newId?: () => string;
}

export const defaultChatBudget: ChatBudget = { contextTokens: 12_000, historyTokens: 6_000 };
const fileListLimit = 50;
const summaryMaxTokens = 400;
// The summary's own size and its label, with room to spare.
const summaryReserveTokens = summaryMaxTokens + 50;

/** The system prompt of every chat request. */
export const chatSystemPrompt = [
  'You are Groundwork, a coding assistant inside VS Code, answering questions about the user\'s code.',
  workspaceDataInstruction,
  'Ground your answer in the workspace data you are given. When you rely on it, cite the place as path:line or path:start-end (for example src/app.ts:12-30), with the path exactly as labelled. Say so plainly when the data does not answer the question.',
  'Format answers in Markdown; put code in fenced blocks with a language.',
].join('\n\n');

interface Running {
  readonly requestId: string;
  readonly messageId: string;
  readonly conversationId: string;
  readonly user: ChatMessageView;
  readonly abort: AbortController;
  text: string;
  /** Agent mode's steps so far, for a panel that reloads mid-answer. */
  readonly steps: AgentStepView[];
}

/**
 * Runs chat questions: assembles the context, fits the conversation, streams the answer from
 * the gateway to the panel, and saves the turn. One question runs at a time; Stop (or a new
 * question) aborts the signal, which closes the HTTP request. Errors reach the panel with what
 * the user can do, and with their question, so nothing typed is lost.
 */
export class ChatController implements Disposable {
  private readonly options: ChatControllerOptions;
  private readonly budget: ChatBudget;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly emitter = new Emitter<HostMessage>();
  private running: Running | undefined;
  private selectedModel: string | null = null;
  /** The composer's Agent toggle, turned off. */
  private agentOff = false;
  private truncationNote: string | null = null;
  private fileLists = new AbortController();

  /** Messages for the webview; the view posts them once the webview is ready. */
  readonly onDidPost: Event<HostMessage> = this.emitter.event;

  constructor(options: ChatControllerOptions) {
    this.options = options;
    this.budget = { ...defaultChatBudget, ...options.budget };
    this.logger = options.logger ?? nullLogger;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? (() => crypto.randomUUID());
  }

  snapshot(): ChatSnapshot {
    const conversation = this.options.session.active;
    const running = this.running;
    const streaming: StreamingView | null =
      running && running.conversationId === conversation.id
        ? { requestId: running.requestId, user: running.user, messageId: running.messageId, text: running.text, ...(running.steps.length > 0 ? { steps: [...running.steps] } : {}) }
        : null;
    const agent = this.options.agent;
    return {
      conversationId: conversation.id,
      messages: conversation.messages,
      conversations: this.options.session.list(),
      models: this.options.models(),
      selectedModel: this.selectedModel,
      streaming,
      truncationNote: this.truncationNote,
      ...(agent ? { agentMode: this.agentMode(agent) } : {}),
    };
  }

  private agentMode(agent: ChatAgent): AgentMode {
    return !agent.enabled() ? 'settingOff' : this.agentOff ? 'off' : 'on';
  }

  /** Asks a question; resolves when the answer is done, stopped or failed (never rejects). */
  async ask(requestId: string, question: Question): Promise<void> {
    this.stopRunning();
    const conversationId = this.options.session.active.id;
    const user: ChatMessageView = { id: this.newId(), role: 'user', text: question.text, time: this.now(), mentions: question.mentions };
    const running: Running = { requestId, messageId: this.newId(), conversationId, user, abort: new AbortController(), text: '', steps: [] };
    this.running = running;
    const signal = running.abort.signal;
    this.post({ type: 'answerStart', requestId, user, messageId: running.messageId });
    let context: AssembledContext | undefined;
    try {
      const images = question.images ?? [];
      const model = this.selectedModel ?? this.options.defaultModel?.();
      if (images.length > 0 && model !== undefined && !takesImages(model)) {
        throw new GroundworkError(`${model} takes no images. Pick a model that does (gpt-4o, a Claude model) in the model list above, or ask without the image.`);
      }
      context = await this.options.context.assemble({
        question: question.text,
        mentions: question.mentions,
        includeSelection: question.includeSelection,
        budgetTokens: this.budget.contextTokens,
        signal,
      });
      const history = await this.history(conversationId, signal);
      // Turned off (in settings or by the composer's toggle), nothing needs saying.
      const agent = this.options.agent && this.agentMode(this.options.agent) === 'on' ? this.options.agent : undefined;
      const onePass = agent ? await agent.unavailable(this.selectedModel ?? undefined) : '';
      const attachments = images.map(({ mediaType, base64 }) => ({ mediaType, base64 }));
      if (agent && onePass === undefined) {
        await this.askAgent(agent, running, question, context, history, attachments);
        return;
      }
      const messages: ChatMessage[] = [
        { role: 'system', content: chatSystemPrompt },
        ...history,
        { role: 'user', content: userPrompt(question.text, context), ...(attachments.length > 0 ? { images: attachments } : {}) },
      ];
      const stream = this.options.gateway.streamChat({
        task: 'chat',
        feature: 'chat',
        messages,
        sources: context.sources,
        signal,
        ...(this.selectedModel ? { model: this.selectedModel } : {}),
      });
      for await (const event of stream) {
        if (this.running !== running) break;
        if (event.type === 'text') {
          running.text += event.text;
          this.post({ type: 'delta', messageId: running.messageId, text: event.text });
        } else {
          running.text = '';
          this.post({ type: 'restart', messageId: running.messageId, model: event.model, reason: event.reason });
        }
      }
      const result = await stream.result;
      await this.finish(running, context, result, onePass);
    } catch (error) {
      if (isCancellation(error) || signal.aborted) await this.finish(running, context, undefined);
      else this.fail(running, question, error);
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  /**
   * A question in Agent mode. The first retrieval's hits go with it, so a question they answer
   * costs one call; each step with tool calls becomes a card, and the last step's text the answer.
   */
  private async askAgent(agent: ChatAgent, running: Running, question: Question, context: AssembledContext, history: readonly ChatMessage[], images: readonly ImageAttachment[]): Promise<void> {
    const steps = running.steps;
    const result = await agent.run(userPrompt(question.text, context), {
      signal: running.abort.signal,
      history,
      ...(images.length > 0 ? { images } : {}),
      ...(this.selectedModel ? { model: this.selectedModel } : {}),
      onText: (text, restart) => {
        if (this.running !== running) return;
        if (restart) {
          running.text = '';
          this.post({ type: 'restart', messageId: running.messageId, model: '', reason: 'fallback' });
        } else if (text) {
          running.text += text;
          this.post({ type: 'delta', messageId: running.messageId, text });
        }
      },
      onStep: (step) => {
        if (step.calls.length === 0 || this.running !== running) return;
        const view = stepView(step);
        steps.push(view);
        running.text = '';
        this.post({ type: 'step', messageId: running.messageId, step: view });
      },
    });
    if (result.end === 'failed') {
      this.fail(running, question, result.error);
      return;
    }
    const last = result.steps.at(-1);
    const stopped = result.end === 'stopped';
    const capNote =
      result.end === 'stepCap' ? 'Agent mode stopped at its step limit (groundwork.agent.maxSteps): the answer may be incomplete.' : result.end === 'costCap' ? 'Agent mode stopped at its cost limit (groundwork.agent.maxCostUsd): the answer may be incomplete.' : undefined;
    await this.settle(running, {
      text: stopped ? running.text : result.answer,
      sources: mergeSources([...context.sources, ...steps.flatMap((step) => step.calls.flatMap((call) => call.sources))]),
      ...(last && !stopped
        ? {
            stats: {
              model: last.model,
              fallbackFrom: null,
              inputTokens: result.steps.reduce((sum, step) => sum + step.inputTokens, 0),
              outputTokens: result.steps.reduce((sum, step) => sum + step.outputTokens, 0),
              costUsd: result.costUsd,
            },
          }
        : {}),
      steps,
      stopped,
      ...(capNote ? { note: capNote } : {}),
    });
  }

  stop(requestId: string): void {
    if (this.running?.requestId === requestId) this.running.abort.abort();
  }

  newChat(): void {
    this.stopRunning();
    this.options.session.newChat();
    this.truncationNote = null;
    this.postState();
  }

  selectConversation(id: string): void {
    if (this.options.session.active.id === id) return;
    this.stopRunning();
    if (this.options.session.select(id)) {
      this.truncationNote = null;
      this.postState();
    }
  }

  deleteConversation(id: string): void {
    if (this.running?.conversationId === id) this.stopRunning();
    this.options.session.delete(id);
    this.postState();
  }

  /** The composer's Agent toggle; settings still decide whether Agent mode may run at all. */
  setAgentMode(on: boolean): void {
    this.agentOff = !on;
    this.postState();
  }

  pickModel(model: string | null): void {
    // Only a model the picker offered: the webview's choice is input, not configuration.
    this.selectedModel = model !== null && this.options.models().some((option) => option.name === model) ? model : null;
    this.postState();
  }

  /** Models or prices changed in settings. */
  refreshModels(): void {
    if (this.selectedModel && !this.options.models().some((option) => option.name === this.selectedModel)) this.selectedModel = null;
    this.postState();
  }

  async listFiles(requestId: string, query: string): Promise<void> {
    // Typing in the picker supersedes the previous lookup.
    this.fileLists.abort();
    const lookup = (this.fileLists = new AbortController());
    try {
      const files = await this.options.listFiles(query, lookup.signal);
      if (lookup.signal.aborted) return;
      const allowed = files.filter((path) => this.options.policy.isAllowed(path)).slice(0, fileListLimit);
      this.post({ type: 'fileList', requestId, files: allowed });
    } catch (error) {
      if (!isCancellation(error)) this.logger.warn(`Could not list workspace files: ${errorMessage(error)}`);
    }
  }

  postState(): void {
    this.post({ type: 'state', chat: this.snapshot() });
  }

  dispose(): void {
    this.stopRunning();
    this.fileLists.abort();
    this.emitter.dispose();
  }

  private stopRunning(): void {
    this.running?.abort.abort();
  }

  private post(message: HostMessage): void {
    this.emitter.fire(message);
  }

  /** The earlier conversation that fits, summarizing what does not when allowed. */
  private async history(conversationId: string, signal: AbortSignal): Promise<ChatMessage[]> {
    const session = this.options.session;
    const conversation = session.active.id === conversationId ? session.active : undefined;
    if (!conversation) return [];
    let current = conversation;
    const fit = () =>
      fitConversation({
        messages: conversation.messages,
        budgetTokens: this.budget.historyTokens,
        counter: this.options.counter,
        ...(current.summary ? { summary: current.summary } : {}),
      });
    let window = fit();
    if (window.note && !window.summarized && this.options.summarizeHistory) {
      try {
        // Summarize everything that will not fit beside the summary itself.
        const cut = fitTurns(conversation.messages, Math.max(0, this.budget.historyTokens - summaryReserveTokens), this.options.counter).keptFrom;
        const dropped = conversation.messages.slice(0, cut);
        const stream = this.options.gateway.streamChat({ task: 'chat', feature: 'chatSummary', messages: summaryRequest(dropped), maxTokens: summaryMaxTokens, signal });
        const result = await stream.result;
        session.setSummary(conversationId, { text: result.text.trim(), coversMessages: cut });
        current = session.active;
        window = fit();
      } catch (error) {
        if (isCancellation(error) || signal.aborted) throw error;
        this.logger.info(`Could not summarize older chat turns; they are left out: ${errorMessage(error)}`);
      }
    }
    if (window.note !== this.truncationNote) {
      this.truncationNote = window.note;
      if (window.note) this.post({ type: 'truncation', note: window.note });
    }
    return [...window.history];
  }

  private async finish(running: Running, context: AssembledContext | undefined, result: ModelResult | undefined, note?: string): Promise<void> {
    await this.settle(running, {
      text: result?.text ?? running.text,
      sources: context?.sources ?? [],
      ...(result
        ? {
            stats: {
              model: result.model,
              fallbackFrom: result.fallbackFrom,
              inputTokens: result.usage.inputTokens,
              outputTokens: result.usage.outputTokens,
              costUsd: result.costUsd,
            },
          }
        : {}),
      stopped: result === undefined,
      ...(note ? { note } : {}),
    });
  }

  /** Saves the turn and tells the panel: the answer with its citations checked against what it drew on. */
  private async settle(
    running: Running,
    answer: { readonly text: string; readonly sources: readonly SourceRef[]; readonly stats?: AnswerStats; readonly steps?: readonly AgentStepView[]; readonly stopped: boolean; readonly note?: string },
  ): Promise<void> {
    const { text, sources } = answer;
    const citations = text === '' ? [] : await verifyCitations(text, sources, this.options.fileExists);
    const message: ChatMessageView = {
      id: running.messageId,
      role: 'assistant',
      text,
      time: this.now(),
      sources,
      citations,
      ...(answer.stats ? { stats: answer.stats } : {}),
      ...(answer.steps && answer.steps.length > 0 ? { steps: answer.steps } : {}),
      ...(answer.note ? { note: answer.note } : {}),
      ...(answer.stopped ? { stopped: true } : {}),
    };
    this.options.session.append(running.user, running.conversationId);
    this.options.session.append(message, running.conversationId);
    if (this.running === running) this.running = undefined;
    this.post({ type: 'answerDone', requestId: running.requestId, message });
    // The history list changed (a new title, a new order).
    this.postState();
  }

  private fail(running: Running, question: Question, error: unknown): void {
    const actions = errorActions(error);
    const reason = error instanceof ProviderError ? error.reason : 'unknown';
    if (!(error instanceof GroundworkError)) this.logger.error(`Chat failed: ${errorMessage(error)}`);
    if (this.running === running) this.running = undefined;
    this.post({ type: 'error', requestId: running.requestId, messageId: running.messageId, reason, text: errorText(error), actions, question });
  }
}

/** What a step's card shows: the model's words cut short, each call's arguments and what it returned. */
function stepView(step: AgentStep): AgentStepView {
  return {
    index: step.index,
    model: step.model,
    text: cut(step.text, 300),
    calls: step.calls.map((call) => ({
      name: call.name,
      arguments: cut(call.arguments, 300),
      summary: cut(call.summary, 200),
      isError: call.isError,
      cut: call.cut,
      // A tool result names lines; one without (a file list) stands for the file's first line.
      sources: call.sources.map((source) => ({ path: source.path, startLine: source.startLine ?? 1, endLine: source.endLine ?? source.startLine ?? 1 })),
      chars: call.chars,
    })),
  };
}

function cut(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

/** Each file's ranges once, in the order first met. */
function mergeSources(sources: readonly SourceRef[]): SourceRef[] {
  const seen = new Set<string>();
  return sources.filter((source) => {
    const key = `${source.path}:${source.startLine}-${source.endLine}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function userPrompt(question: string, context: AssembledContext): string {
  const parts: string[] = [];
  if (context.blocks.length > 0) parts.push(`Workspace data for this question:\n\n${context.blocks.map((block) => block.text).join('\n\n')}`);
  if (context.retrievalFailed) parts.push('(The codebase index could not be searched for this question.)');
  parts.push(`Question:\n${question}`);
  return parts.join('\n\n');
}

function errorActions(error: unknown): ErrorAction[] {
  const actions: readonly UserAction[] = error instanceof GroundworkError && error.actions.length > 0 ? error.actions : ['openLogs'];
  return [...actions];
}

/** What the panel says: the reason in words, with the provider's own message after it. */
export function errorText(error: unknown): string {
  const message = errorMessage(error);
  if (!(error instanceof ProviderError)) return message;
  switch (error.reason) {
    case 'auth':
      return `The API key was refused. ${message}`;
    case 'rateLimited': {
      const wait = error.retryAfterMs !== undefined ? ` Try again in ${Math.max(1, Math.ceil(error.retryAfterMs / 1000))} s.` : ' Try again in a moment, or add a fallback model in settings.';
      return `Every model in the chain is rate-limited. ${message}${wait}`;
    }
    case 'network':
      return `Could not reach the model: check the network connection or proxy. ${message}`;
    case 'timeout':
      return `The model did not answer in time. ${message}`;
    case 'contextTooLong':
      return `The question and its context are too long for the model. Start a new chat or mention fewer files. ${message}`;
    case 'budget':
      return message;
    default:
      return message;
  }
}

import { SerialQueue } from '../common/async.ts';
import type { KeyValuePort } from '../common/keyValuePort.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import type { AgentCallView, AgentStepView, AnswerStats, ChatMessageView, Citation, Mention, SourceRef } from './protocol.ts';


/** Older turns folded into a summary by the conversation window. */
export interface ConversationSummaryText {
  readonly text: string;
  /** How many of the conversation's first messages it covers. */
  readonly coversMessages: number;
}

export interface Conversation {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly messages: readonly ChatMessageView[];
  readonly summary?: ConversationSummaryText;
}

export interface ChatHistory {
  readonly activeId: string | null;
  /** Most recently updated first. */
  readonly conversations: readonly Conversation[];
}

export const historyKey = 'groundwork.chat.history';
export const historyBackupKey = 'groundwork.chat.history.backup';
export const historyVersion = 1;
export const historyLimits = { conversations: 50, messagesPerConversation: 400 } as const;

const empty: ChatHistory = { activeId: null, conversations: [] };

/**
 * Conversations per workspace, in a versioned record under one key. Data that does not parse
 * (a bug, a newer version, a hand edit) is copied to a backup key and the chat starts fresh: a
 * bad record never stops the panel from opening. Writes go through one queue, newest last.
 */
export class HistoryStore {
  private readonly storage: KeyValuePort;
  private readonly logger: Logger;
  private readonly writes = new SerialQueue();

  constructor(storage: KeyValuePort, logger: Logger = nullLogger) {
    this.storage = storage;
    this.logger = logger;
  }

  load(): ChatHistory {
    const raw = this.storage.get(historyKey);
    if (raw === undefined || raw === null) return empty;
    const parsed = parseHistory(raw);
    if (parsed) return parsed;
    this.logger.warn('Chat history could not be read; starting fresh and keeping the old data as a backup.');
    void this.writes
      .run(async () => {
        await this.storage.update(historyBackupKey, raw);
        await this.storage.update(historyKey, undefined);
      })
      .catch((error: unknown) => this.logger.warn(`Could not back up the chat history: ${String(error)}`));
    return empty;
  }

  save(history: ChatHistory): Promise<void> {
    const record = {
      version: historyVersion,
      activeId: history.activeId,
      conversations: history.conversations.slice(0, historyLimits.conversations).map(keepNewestMessages),
    };
    return this.writes.run(async () => {
      await this.storage.update(historyKey, record);
    });
  }

  /** Resolves once every write so far is stored. */
  flush(): Promise<void> {
    return this.writes.idle();
  }
}

/**
 * A conversation cut to its newest messages. The summary counts the messages it covers from the
 * first one stored, so it counts the dropped ones out: uncorrected, it would claim to cover kept
 * messages it never saw, and the window would send it in their place.
 */
function keepNewestMessages(conversation: Conversation): Conversation {
  const dropped = Math.max(0, conversation.messages.length - historyLimits.messagesPerConversation);
  if (dropped === 0) return conversation;
  const { summary, ...rest } = conversation;
  const messages = conversation.messages.slice(dropped);
  return summary ? { ...rest, messages, summary: { text: summary.text, coversMessages: Math.max(0, summary.coversMessages - dropped) } } : { ...rest, messages };
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseSource(value: unknown): SourceRef | undefined {
  if (!isRecord(value) || !isString(value.path) || !isNumber(value.startLine) || !isNumber(value.endLine)) return undefined;
  return { path: value.path, startLine: value.startLine, endLine: value.endLine, ...(isString(value.symbol) ? { symbol: value.symbol } : {}) };
}

function parseCitation(value: unknown): Citation | undefined {
  const source = parseSource(value);
  return source && isRecord(value) && isString(value.text) ? { text: value.text, path: source.path, startLine: source.startLine, endLine: source.endLine } : undefined;
}

function parseMention(value: unknown): Mention | undefined {
  if (!isRecord(value)) return undefined;
  if (value.kind === 'codebase' || value.kind === 'problems') return { kind: value.kind };
  return value.kind === 'file' && isString(value.path) ? { kind: 'file', path: value.path } : undefined;
}

function parseStats(value: unknown): AnswerStats | undefined {
  if (!isRecord(value) || !isString(value.model) || !isNumber(value.inputTokens) || !isNumber(value.outputTokens)) return undefined;
  return {
    model: value.model,
    fallbackFrom: isString(value.fallbackFrom) ? value.fallbackFrom : null,
    inputTokens: value.inputTokens,
    outputTokens: value.outputTokens,
    costUsd: isNumber(value.costUsd) ? value.costUsd : null,
  };
}

function parseCall(value: unknown): AgentCallView | undefined {
  if (!isRecord(value) || !isString(value.name) || !isString(value.arguments) || !isString(value.summary)) return undefined;
  const sources = list(value.sources ?? [], parseSource);
  if (!sources) return undefined;
  // Answers saved before result sizes were recorded have none.
  return { name: value.name, arguments: value.arguments, summary: value.summary, isError: value.isError === true, cut: value.cut === true, sources, ...(isNumber(value.chars) ? { chars: value.chars } : {}) };
}

function parseStep(value: unknown): AgentStepView | undefined {
  if (!isRecord(value) || !isNumber(value.index) || !isString(value.model) || !isString(value.text)) return undefined;
  const calls = list(value.calls, parseCall);
  return calls ? { index: value.index, model: value.model, text: value.text, calls } : undefined;
}

function list<T>(value: unknown, parse: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = value.map(parse);
  return items.every((item) => item !== undefined) ? (items as T[]) : undefined;
}

function parseMessage(value: unknown): ChatMessageView | undefined {
  if (!isRecord(value) || !isString(value.id) || !isString(value.text) || !isNumber(value.time)) return undefined;
  if (value.role !== 'user' && value.role !== 'assistant') return undefined;
  const optional = <T>(key: string, parse: (item: unknown) => T | undefined): Record<string, T[]> | undefined => {
    if (value[key] === undefined) return {};
    const items = list(value[key], parse);
    return items ? { [key]: items } : undefined;
  };
  const mentions = optional('mentions', parseMention);
  const sources = optional('sources', parseSource);
  const citations = optional('citations', parseCitation);
  const steps = optional('steps', parseStep);
  if (!mentions || !sources || !citations || !steps) return undefined;
  const stats = value.stats === undefined ? undefined : parseStats(value.stats);
  if (value.stats !== undefined && !stats) return undefined;
  return {
    id: value.id,
    role: value.role,
    text: value.text,
    time: value.time,
    ...mentions,
    ...sources,
    ...citations,
    ...steps,
    ...(stats ? { stats } : {}),
    ...(isString(value.note) ? { note: value.note } : {}),
    ...(value.stopped === true ? { stopped: true } : {}),
  };
}

function parseConversation(value: unknown): Conversation | undefined {
  if (!isRecord(value) || !isString(value.id) || !isString(value.title) || !isNumber(value.createdAt) || !isNumber(value.updatedAt)) return undefined;
  const messages = list(value.messages, parseMessage);
  if (!messages) return undefined;
  let summary: ConversationSummaryText | undefined;
  if (value.summary !== undefined) {
    const raw = value.summary;
    if (!isRecord(raw) || !isString(raw.text) || !isNumber(raw.coversMessages)) return undefined;
    summary = { text: raw.text, coversMessages: raw.coversMessages };
  }
  return { id: value.id, title: value.title, createdAt: value.createdAt, updatedAt: value.updatedAt, messages, ...(summary ? { summary } : {}) };
}

/** The stored record, or undefined when it is not a well-formed record of this version. */
export function parseHistory(raw: unknown): ChatHistory | undefined {
  if (!isRecord(raw) || raw.version !== historyVersion) return undefined;
  const conversations = list(raw.conversations, parseConversation);
  if (!conversations) return undefined;
  const activeId = isString(raw.activeId) && conversations.some((c) => c.id === raw.activeId) ? raw.activeId : null;
  return { activeId, conversations: [...conversations].sort((a, b) => b.updatedAt - a.updatedAt) };
}

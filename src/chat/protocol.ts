/**
 * The one message protocol between the extension host and the chat webview. Both sides import
 * this file; every message is a member of these unions, so neither side can send what the other
 * does not understand. The webview posts `ready` first; the host posts nothing before it. The
 * first paint comes from `InitialState`, inlined in the HTML.
 *
 * Adding a message: add it to the union, to `parseWebviewMessage` (webview → host) or to the
 * webview's `onHostMessage` switch (host → webview), and a case to test/unit/chat/protocol.test.ts.
 */

export type SetupState =
  | { readonly kind: 'starting' }
  | { readonly kind: 'ready'; readonly providers: readonly string[] }
  | { readonly kind: 'notConfigured'; readonly missingKeys: readonly string[] };

/** Commands the webview may ask the host to run: a closed list, never a free string. */
export type WebviewCommand =
  | 'groundwork.setApiKey'
  | 'groundwork.openLogs'
  | 'groundwork.checkModels'
  | 'groundwork.showUsage'
  | 'groundwork.openSettings'
  | 'groundwork.manageTrust';

export const webviewCommands: readonly WebviewCommand[] = [
  'groundwork.setApiKey',
  'groundwork.openLogs',
  'groundwork.checkModels',
  'groundwork.showUsage',
  'groundwork.openSettings',
  'groundwork.manageTrust',
];

/** What the user can do about an error (mirrors UserAction in src/common/errors.ts). */
export type ErrorAction = 'setApiKey' | 'openSettings' | 'openLogs' | 'retry' | 'manageTrust';

export type Mention =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'codebase' }
  | { readonly kind: 'problems' };

/** A question as the user typed it: kept whole so an error never loses it. */
export interface Question {
  readonly text: string;
  readonly mentions: readonly Mention[];
  readonly includeSelection: boolean;
  /** Pasted or dropped pictures (a screenshot of an error, a UI), sent to a vision model. */
  readonly images?: readonly QuestionImage[];
}

export interface QuestionImage {
  readonly name: string;
  readonly mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  readonly base64: string;
}

/** What one question may carry: a few screenshots, none larger than a vendor takes. */
export const imageLimits = { count: 4, bytes: 5 * 1024 * 1024 } as const;
const imageTypes: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function parseImages(value: unknown): QuestionImage[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > imageLimits.count) return undefined;
  const images: QuestionImage[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { name, mediaType, base64 } = item as Record<string, unknown>;
    if (typeof name !== 'string' || name.length > 256 || typeof mediaType !== 'string' || !imageTypes.has(mediaType)) return undefined;
    if (typeof base64 !== 'string' || base64.length > Math.ceil(imageLimits.bytes / 3) * 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return undefined;
    images.push({ name, mediaType: mediaType as QuestionImage['mediaType'], base64 });
  }
  return images;
}

/** A place in the workspace an answer drew on or cites. Lines are 1-based and inclusive. */
export interface SourceRef {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol?: string;
}

/** A `path:line` the host checked against the sources sent or the workspace's files. */
export interface Citation {
  /** Exactly as it appears in the answer, for example `src/a.ts:12-20`. */
  readonly text: string;
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
}

export interface AnswerStats {
  readonly model: string;
  readonly fallbackFrom: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Null when the model has no known price. */
  readonly costUsd: number | null;
}

/** One tool call of an Agent mode step, as its card shows it. */
export interface AgentCallView {
  readonly name: string;
  /** The call's arguments as JSON, cut to a few hundred characters. */
  readonly arguments: string;
  /** The result's first line, or the error. */
  readonly summary: string;
  readonly isError: boolean;
  /** The result was cut to the budget. */
  readonly cut: boolean;
  /** Files and lines the result carried. */
  readonly sources: readonly SourceRef[];
  /** Characters of the result the model got (absent in answers saved before it was recorded). */
  readonly chars?: number;
}

/** One model call of an Agent mode answer and the tools it asked for. */
export interface AgentStepView {
  readonly index: number;
  readonly model: string;
  /** What the model said before calling the tools, cut short. */
  readonly text: string;
  readonly calls: readonly AgentCallView[];
}

export interface ChatMessageView {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly time: number;
  /** User messages: the mentions sent with it. */
  readonly mentions?: readonly Mention[];
  /** Assistant messages: where the answer came from. */
  readonly sources?: readonly SourceRef[];
  readonly citations?: readonly Citation[];
  readonly stats?: AnswerStats;
  /** Agent mode: the steps before the answer (searches, reads), each shown as a card. */
  readonly steps?: readonly AgentStepView[];
  /** How the answer was made when that is worth saying: why Agent mode did not run, or why it stopped early. */
  readonly note?: string;
  /** The user pressed Stop: the text is what arrived before. */
  readonly stopped?: boolean;
}

export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly updatedAt: number;
  readonly messageCount: number;
}

export interface ModelOption {
  /** `provider/model`. */
  readonly name: string;
  readonly tier: string;
  /** US dollars per million tokens, when known. */
  readonly price?: { readonly input: number; readonly output: number };
}

/** An answer still streaming: a reopened view resumes from it. */
export interface StreamingView {
  readonly requestId: string;
  readonly user: ChatMessageView;
  readonly messageId: string;
  readonly text: string;
  /** Agent mode's steps so far, so a reloaded panel shows their cards again. */
  readonly steps?: readonly AgentStepView[];
}

/**
 * Agent mode for this panel's questions: `on`, turned `off` by the composer's toggle, or off in
 * settings (`groundwork.agent.enabled`), which the toggle cannot override.
 */
export type AgentMode = 'on' | 'off' | 'settingOff';

export interface ChatSnapshot {
  readonly conversationId: string;
  readonly messages: readonly ChatMessageView[];
  readonly conversations: readonly ConversationSummary[];
  readonly models: readonly ModelOption[];
  /** Null: the configured chat model. */
  readonly selectedModel: string | null;
  readonly streaming: StreamingView | null;
  /** Shown above the messages when older turns no longer fit the model. */
  readonly truncationNote: string | null;
  /** Absent when the chat has no Agent mode at all (no index to search). */
  readonly agentMode?: AgentMode;
}

export interface InitialState {
  readonly setup: SetupState;
  readonly chat: ChatSnapshot | null;
}

export type HostMessage =
  | { readonly type: 'setup'; readonly setup: SetupState }
  | { readonly type: 'state'; readonly chat: ChatSnapshot }
  /** A question was accepted: the user message is shown and an empty answer starts. */
  | { readonly type: 'answerStart'; readonly requestId: string; readonly user: ChatMessageView; readonly messageId: string }
  | { readonly type: 'delta'; readonly messageId: string; readonly text: string }
  /** Agent mode finished a step: show its card; the text streamed so far was the step's, not the answer's. */
  | { readonly type: 'step'; readonly messageId: string; readonly step: AgentStepView }
  /** The model failed mid-answer and `model` starts over: drop the text shown so far. */
  | { readonly type: 'restart'; readonly messageId: string; readonly model: string; readonly reason: string }
  | { readonly type: 'answerDone'; readonly requestId: string; readonly message: ChatMessageView }
  | {
      readonly type: 'error';
      readonly requestId: string;
      readonly messageId: string | null;
      readonly reason: string;
      readonly text: string;
      readonly actions: readonly ErrorAction[];
      /** Put back in the composer: nothing typed is lost. */
      readonly question: Question;
    }
  | { readonly type: 'truncation'; readonly note: string }
  | { readonly type: 'fileList'; readonly requestId: string; readonly files: readonly string[] };

export type CodeAction = 'copy' | 'insert' | 'apply';

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'runCommand'; readonly command: WebviewCommand }
  | ({ readonly type: 'ask'; readonly requestId: string } & Question)
  | { readonly type: 'stop'; readonly requestId: string }
  | { readonly type: 'newChat' }
  | { readonly type: 'selectConversation'; readonly conversationId: string }
  | { readonly type: 'deleteConversation'; readonly conversationId: string }
  | { readonly type: 'pickModel'; readonly model: string | null }
  /** The composer's Agent toggle: off answers this panel's questions in one pass. */
  | { readonly type: 'setAgentMode'; readonly on: boolean }
  | { readonly type: 'openSource'; readonly path: string; readonly line: number; readonly endLine: number }
  | { readonly type: 'codeAction'; readonly action: CodeAction; readonly code: string; readonly language: string; readonly path: string | null }
  | { readonly type: 'listFiles'; readonly requestId: string; readonly query: string };

/** Bounds on what the webview may send: a question, not a novel; a path, not a payload. */
export const protocolLimits = { question: 100_000, code: 1_000_000, path: 1_024, id: 128, query: 256, mentions: 32 } as const;

const codeActions: readonly CodeAction[] = ['copy', 'insert', 'apply'];

function boundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function id(value: unknown): value is string {
  return boundedString(value, protocolLimits.id) && value.length > 0;
}

/** A workspace-relative path: no absolute paths, no `..` segments, no control characters. */
export function isSafeRelativePath(value: unknown): value is string {
  if (!boundedString(value, protocolLimits.path) || value.length === 0) return false;
  if (/[\u0000-\u001f]/.test(value) || /^([a-zA-Z]:)?[\\/]/.test(value)) return false;
  return !value.split(/[\\/]/).includes('..');
}

function lineNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10_000_000;
}

function parseMention(value: unknown): Mention | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const mention = value as Record<string, unknown>;
  if (mention.kind === 'codebase') return { kind: 'codebase' };
  if (mention.kind === 'problems') return { kind: 'problems' };
  if (mention.kind === 'file' && isSafeRelativePath(mention.path)) return { kind: 'file', path: mention.path };
  return undefined;
}

function parseMentions(value: unknown): Mention[] | undefined {
  if (!Array.isArray(value) || value.length > protocolLimits.mentions) return undefined;
  const mentions = value.map(parseMention);
  return mentions.every((mention) => mention !== undefined) ? (mentions as Mention[]) : undefined;
}

/** Validates a message from the webview: its content is untrusted input to the host. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'runCommand':
      return webviewCommands.includes(message.command as WebviewCommand)
        ? { type: 'runCommand', command: message.command as WebviewCommand }
        : undefined;
    case 'ask': {
      const mentions = parseMentions(message.mentions);
      if (!id(message.requestId) || !boundedString(message.text, protocolLimits.question) || !mentions) return undefined;
      if (typeof message.includeSelection !== 'boolean') return undefined;
      if (message.text.trim() === '' && mentions.length === 0) return undefined;
      const images = parseImages(message.images);
      if (!images) return undefined;
      return { type: 'ask', requestId: message.requestId, text: message.text, mentions, includeSelection: message.includeSelection, ...(images.length > 0 ? { images } : {}) };
    }
    case 'stop':
      return id(message.requestId) ? { type: 'stop', requestId: message.requestId } : undefined;
    case 'newChat':
      return { type: 'newChat' };
    case 'selectConversation':
    case 'deleteConversation':
      return id(message.conversationId) ? { type: message.type, conversationId: message.conversationId } : undefined;
    case 'pickModel':
      if (message.model === null) return { type: 'pickModel', model: null };
      return boundedString(message.model, 200) && /^[\w.-]+\/\S+$/.test(message.model) ? { type: 'pickModel', model: message.model } : undefined;
    case 'setAgentMode':
      return typeof message.on === 'boolean' ? { type: 'setAgentMode', on: message.on } : undefined;
    case 'openSource': {
      if (!isSafeRelativePath(message.path) || !lineNumber(message.line)) return undefined;
      const endLine = lineNumber(message.endLine) && message.endLine >= message.line ? message.endLine : message.line;
      return { type: 'openSource', path: message.path, line: message.line, endLine };
    }
    case 'codeAction': {
      if (!codeActions.includes(message.action as CodeAction) || !boundedString(message.code, protocolLimits.code)) return undefined;
      const language = boundedString(message.language, 40) && /^[\w+#.-]*$/.test(message.language) ? message.language : '';
      const path = message.path === null || message.path === undefined ? null : isSafeRelativePath(message.path) ? message.path : undefined;
      if (path === undefined) return undefined;
      return { type: 'codeAction', action: message.action as CodeAction, code: message.code, language, path };
    }
    case 'listFiles':
      return id(message.requestId) && boundedString(message.query, protocolLimits.query)
        ? { type: 'listFiles', requestId: message.requestId, query: message.query }
        : undefined;
    default:
      return undefined;
  }
}

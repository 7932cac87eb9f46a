import type { DocumentSnapshot, Position } from '../common/text.ts';

/** Automatic: the editor asked while the user typed. Explicit: the user invoked the command. */
export type TriggerKind = 'automatic' | 'explicit';

export interface CompletionRequest {
  readonly document: DocumentSnapshot;
  readonly position: Position;
  readonly trigger: TriggerKind;
}

/** Whether the suggestion may span several lines; decided from the cursor's place. */
export type CompletionMode = 'line' | 'block';

/** A piece of workspace code offered as context. */
export interface Snippet {
  readonly path: string;
  readonly text: string;
  /** Zero-based first line of the snippet in its file, when known. */
  readonly startLine?: number;
}

/** Where a piece of the prompt came from, and what it cost: shown in the ledger and the audit log. */
export type ContextSourceKind = 'prefix' | 'suffix' | 'recentFile' | 'import' | 'index';

export interface ContextSourceUse {
  readonly kind: ContextSourceKind;
  readonly path: string;
  readonly tokens: number;
  /** The 1-based lines of `path` the text came from, inclusive, for the audit log. */
  readonly startLine?: number;
  readonly endLine?: number;
}

export interface ChatMessage {
  readonly role: 'system' | 'user';
  readonly content: string;
}

/** A completion phrased as a chat, for models not trained for fill-in-the-middle. */
export interface ChatPrompt {
  readonly kind: 'chat';
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  readonly sources: readonly ContextSourceUse[];
}

/** A native fill-in-the-middle prompt: `/v1/completions` with `suffix`. */
export interface FimPrompt {
  readonly kind: 'fim';
  readonly prompt: string;
  readonly suffix: string;
  readonly stop: readonly string[];
  readonly maxTokens: number;
  readonly sources: readonly ContextSourceUse[];
}

export type CompletionPrompt = ChatPrompt | FimPrompt;

/** One request in both forms: each model along the chain is sent the one it takes. */
export interface CompletionPrompts {
  readonly fim: FimPrompt;
  readonly chat: ChatPrompt;
}

/** Deltas of the answer, and which form the model that answered was sent. */
export interface CompletionStream extends AsyncIterable<string> {
  /** Known once the first attempt starts, so before the first delta. */
  readonly form: CompletionPrompt['kind'];
}

/** Port: the model chain behind the completion tier. Aborting the signal ends the stream. */
export interface CompletionModel {
  /** True when the first model serves native fill-in-the-middle: the context is budgeted for its prompt. */
  readonly fim: boolean;
  stream(prompts: CompletionPrompts, signal: AbortSignal): CompletionStream;
}

/** Where a query's text sits in its file (1-based lines, inclusive): a remote embedder's audit lists it. */
export interface QueryOrigin {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
}

/** Port: the workspace index. It is raced against a short time cap, so it may be slow or fail. */
export type IndexSearch = (query: string, signal: AbortSignal, origin?: QueryOrigin) => Promise<readonly Snippet[]>;

/** Port: reads a workspace file that is not open (for imports). Undefined when it does not exist. */
export type FileReader = (path: string, signal: AbortSignal) => Promise<string | undefined>;

/** Port: the safety policy. False for secret or excluded files: nothing from them goes into a prompt. */
export type ReadablePredicate = (path: string) => boolean;

/** Port: open documents, most recently used first (the current one may be among them). */
export type RecentDocuments = () => readonly DocumentSnapshot[];

/** Port: timers, faked in tests. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Token caps per context source; the prefix takes whatever the others leave. */
export interface ContextBudget {
  /** Everything the prompt may hold, instructions included. */
  readonly total: number;
  /** The prefix always gets at least this much (it is the most useful context by far). */
  readonly prefixMin: number;
  readonly suffix: number;
  readonly recentFiles: number;
  readonly imports: number;
  readonly index: number;
}

export const defaultContextBudget: ContextBudget = {
  total: 2048,
  prefixMin: 600,
  suffix: 300,
  recentFiles: 400,
  imports: 300,
  index: 300,
};

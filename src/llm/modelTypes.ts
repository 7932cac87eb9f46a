/** The engine's own message and usage types; each provider converts them to its vendor's. */
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  readonly role: ChatRole;
  readonly content: string;
  /** Pictures sent with a user message (a pasted screenshot), after its text; vision models only. */
  readonly images?: readonly ImageAttachment[];
}

/** An image as the vendors take it: base64 bytes and their media type. */
export interface ImageAttachment {
  readonly mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  readonly base64: string;
}

/** What a request is for; the routing table turns it into a model. */
export type ModelTask = 'completion' | 'chat' | 'refactor' | 'crossFile' | 'embedding';

/** The role whose settings pick the model: fast (`models.completion`), chat, heavy, embedding. */
export type ModelTier = 'fast' | 'chat' | 'heavy' | 'embedding';

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** 'api' when the vendor reported the counts, 'estimated' when counted locally with tokenCounter. */
  readonly source: 'api' | 'estimated';
}

/**
 * The port through which every text leaving for a model passes (the safety module implements it
 * with secret redaction). `count` is how many redactions were made and `kinds` what they were,
 * for the ledger and the audit log. A filter that replaces values with placeholders also puts
 * them back into replies, so nothing downstream (ghost text, chat, an edit) sees a placeholder.
 */
export interface ContentFilter {
  redact(text: string): { text: string; count: number; kinds?: readonly string[] };
  restore?(text: string): string;
  /** For streamed replies: holds back a placeholder split across deltas. */
  createRestoreStream?(): { push(delta: string): string; flush(): string };
}

export const passThroughContentFilter: ContentFilter = {
  redact: (text) => ({ text, count: 0 }),
};

/** A region of a workspace file included in a request: what the audit log lists, never the text. */
export interface SourceRef {
  readonly path: string;
  readonly startLine?: number;
  readonly endLine?: number;
}

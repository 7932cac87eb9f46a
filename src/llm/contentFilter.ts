/**
 * The port through which every text leaving for a model passes (the safety module implements it
 * with secret redaction). `count` is how many redactions were made, for the ledger and audit log.
 */
export interface ContentFilter {
  redact(text: string): { text: string; count: number };
}

export const passThroughContentFilter: ContentFilter = {
  redact: (text) => ({ text, count: 0 }),
};

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

/**
 * One entry per file region: per file, overlapping or adjacent ranges merged (a completion's
 * prefix and suffix meet at the cursor; an embedding batch holds a file's chunks in a row), and a
 * file listed without lines anywhere listed whole. Files keep the order they first appear in.
 */
export function mergeSourceRefs(refs: readonly SourceRef[]): SourceRef[] {
  const byPath = new Map<string, Array<{ startLine: number; endLine: number }> | 'whole'>();
  for (const { path, startLine, endLine } of refs) {
    const ranges = byPath.get(path) ?? [];
    if (ranges === 'whole' || startLine === undefined || endLine === undefined) byPath.set(path, 'whole');
    else byPath.set(path, [...ranges, { startLine, endLine }]);
  }
  return [...byPath].flatMap(([path, ranges]) => {
    if (ranges === 'whole') return [{ path }];
    const merged: Array<{ startLine: number; endLine: number }> = [];
    for (const range of [...ranges].sort((a, b) => a.startLine - b.startLine)) {
      const last = merged.at(-1);
      if (last && range.startLine <= last.endLine + 1) last.endLine = Math.max(last.endLine, range.endLine);
      else merged.push({ ...range });
    }
    return merged.map((range) => ({ path, ...range }));
  });
}

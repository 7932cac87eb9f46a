import type { FileReaderPort, RetrievalPort, RetrievedChunk } from '../chat/contextAssembler.ts';

/** The shape of a hit from WorkspaceIndex.search: lines, no text. */
export interface IndexHit {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol?: string;
  readonly score: number;
}

export type IndexSearch = (query: string, options: { readonly top: number }, signal: AbortSignal) => Promise<readonly IndexHit[]>;

/**
 * A retrieval port over the workspace index: the index answers with line ranges, and the text
 * is read now (once per file per query), so the model sees the file as it is, not as indexed.
 * Hits whose file is gone, or whose lines no longer exist, are left out.
 */
export function retrievalFromIndex(search: IndexSearch, files: FileReaderPort): RetrievalPort {
  return async (query, { topK, signal }) => {
    const hits = await search(query, { top: topK }, signal);
    const texts = new Map<string, Promise<string | undefined>>();
    const chunks: RetrievedChunk[] = [];
    for (const hit of hits) {
      let text = texts.get(hit.path);
      if (!text) {
        text = files.read(hit.path, signal);
        texts.set(hit.path, text);
      }
      const content = await text;
      if (content === undefined) continue;
      const lines = content.split('\n');
      if (hit.startLine > lines.length) continue;
      const endLine = Math.min(hit.endLine, lines.length);
      chunks.push({
        path: hit.path,
        startLine: hit.startLine,
        endLine,
        text: lines.slice(hit.startLine - 1, endLine).join('\n'),
        score: hit.score,
        ...(hit.symbol ? { symbol: hit.symbol } : {}),
      });
    }
    return chunks;
  };
}

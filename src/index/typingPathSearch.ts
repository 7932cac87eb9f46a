import type { SearchOptions } from './workspaceIndex.ts';

/**
 * What a completion asks of the index: a few chunks, and never a paid, remote embedding of the
 * query on the typing path (the keyword half alone answers when the embedder is remote).
 */
export function typingPathSearchOptions(embedder: 'local' | 'remote'): SearchOptions {
  return embedder === 'remote' ? { top: 3, retrievers: ['keyword'] } : { top: 3 };
}

export type Retriever = 'vector' | 'keyword';

export interface FusedItem {
  readonly id: number;
  readonly score: number;
  readonly retrievers: readonly Retriever[];
}

/**
 * Reciprocal rank fusion: each list adds 1 / (k + rank) for every item it holds. It needs no
 * score calibration between cosine and BM25, and an item both retrievers found rises to the top.
 */
export function reciprocalRankFusion(lists: readonly { readonly retriever: Retriever; readonly ids: readonly number[] }[], k = 60): FusedItem[] {
  const fused = new Map<number, { score: number; retrievers: Retriever[] }>();
  for (const list of lists) {
    list.ids.forEach((id, rank) => {
      const entry = fused.get(id) ?? { score: 0, retrievers: [] };
      entry.score += 1 / (k + rank + 1);
      if (!entry.retrievers.includes(list.retriever)) entry.retrievers.push(list.retriever);
      fused.set(id, entry);
    });
  }
  return [...fused]
    .map(([id, entry]) => ({ id, score: entry.score, retrievers: entry.retrievers }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

import { type RankedFile, rankFiles } from './fileRanking.ts';
import type { QueryAnalysis } from './queryAnalysis.ts';
import { fileScores, reciprocalRankFusion, type Retriever, type ScoredList } from './rankFusion.ts';
import type { FileHit, SearchHit } from './searchBackend.ts';

/** A chunk's place, as a backend knows it: a hit without its score. */
export type ChunkPlace = Omit<SearchHit, 'score' | 'retrievers'>;

/** A file's place, as a backend knows it. */
export interface FilePlace {
  readonly root: string;
  readonly path: string;
  readonly absolutePath: string;
}

/**
 * The ranking every search backend shares, so a database fetching candidates and the in-memory
 * index rank the same evidence the same way: each retriever's chunk list (ids the backend's own)
 * fused by reciprocal rank into hits; per-file sums of each list and the whole-file BM25 list
 * ranked by fileRanking.ts.
 */
export interface HybridEvidence {
  /** Each retriever's chunks, best first, with its own scores. */
  readonly lists: readonly ScoredList[];
  /** Whole-file BM25, numbered like `fileOfChunk`'s files. */
  readonly wholeFile?: readonly { readonly id: number; readonly score: number }[];
  /** A chunk id's file number; undefined for a chunk to leave out. */
  readonly fileOfChunk: (chunk: number) => number | undefined;
  /** A chunk id's place; undefined for a chunk to leave out. */
  readonly placeOf: (chunk: number) => ChunkPlace | undefined;
  /** A file number's path (for the kind and the query's mentions). */
  readonly pathOf: (file: number) => string;
}

export interface HybridRanking {
  readonly ranked: readonly RankedFile[];
  /** Per file number, its fused chunk hits, best first. */
  readonly chunksOf: ReadonlyMap<number, SearchHit[]>;
}

export function rankHybrid(evidence: HybridEvidence, analysis: QueryAnalysis): HybridRanking {
  const chunksOf = new Map<number, SearchHit[]>();
  const fused = reciprocalRankFusion(evidence.lists.map((list) => ({ retriever: list.retriever, ids: list.items.map((item) => item.id) })));
  for (const item of fused) {
    const place = evidence.placeOf(item.id);
    const file = place ? evidence.fileOfChunk(item.id) : undefined;
    if (!place || file === undefined) continue;
    const hits = chunksOf.get(file) ?? [];
    hits.push({ ...place, score: item.score, retrievers: item.retrievers });
    chunksOf.set(file, hits);
  }
  const perFile = (retriever: Retriever) => {
    const list = evidence.lists.find((l) => l.retriever === retriever);
    return list ? fileScores(list.items, evidence.fileOfChunk) : undefined;
  };
  const ranked = rankFiles({ vector: perFile('vector'), keyword: perFile('keyword'), wholeFile: evidence.wholeFile }, evidence.pathOf, analysis);
  return { ranked, chunksOf };
}

/**
 * The best chunks in the file ranking's order: each file's best chunk first, then each file's
 * second, so a changelog's many matching passages do not crowd out the source. Overlapping
 * windows of one file are one place to the reader: the better kept.
 */
export function chunksInFileOrder({ ranked, chunksOf }: HybridRanking, top: number): SearchHit[] {
  const perFile = ranked.map((file) => chunksOf.get(file.id) ?? []).filter((chunks) => chunks.length > 0);
  const out: SearchHit[] = [];
  for (let round = 0; out.length < top && perFile.some((chunks) => chunks.length > round); round++) {
    for (const chunks of perFile) {
      const hit = chunks[round];
      if (!hit || out.some((o) => o.root === hit.root && o.path === hit.path && o.startLine <= hit.endLine && hit.startLine <= o.endLine)) continue;
      out.push(hit);
      if (out.length >= top) break;
    }
  }
  return out;
}

/** The best files, each with its best three chunks and why it ranks there. */
export function fileHitsOf({ ranked, chunksOf }: HybridRanking, top: number, fileOf: (file: number) => FilePlace): FileHit[] {
  return ranked.slice(0, top).map((entry) => {
    const file = fileOf(entry.id);
    const chunks = chunksOf.get(entry.id) ?? [];
    const retrievers = new Set<Retriever>(chunks.flatMap((chunk) => chunk.retrievers));
    if (entry.signals.includes('whole-file')) retrievers.add('keyword');
    return { root: file.root, path: file.path, absolutePath: file.absolutePath, score: entry.score, retrievers: [...retrievers], signals: entry.signals, chunks: chunks.slice(0, 3) };
  });
}

import { type FileKind, fileKind } from './fileKinds.ts';
import type { QueryAnalysis } from './queryAnalysis.ts';
import { scoreFusion } from './rankFusion.ts';

/** Why a file ranks where it does, for the results and for whoever tunes the ranking. */
export type RankSignal = 'vector' | 'keyword' | 'whole-file' | 'named' | 'ranked-down';

export interface RankedFile {
  readonly id: number;
  readonly score: number;
  readonly kind: FileKind;
  readonly signals: readonly RankSignal[];
}

/** One file list per signal, files numbered by the caller, scores best first. */
export interface FileEvidence {
  readonly vector?: readonly { readonly id: number; readonly score: number }[];
  /** Chunk BM25 summed per file with decaying weights (rankFusion.fileScores). */
  readonly keyword?: readonly { readonly id: number; readonly score: number }[];
  /** BM25 over the whole file (KeywordIndex.searchGroups). */
  readonly wholeFile?: readonly { readonly id: number; readonly score: number }[];
}

/**
 * Whole-file BM25 leads: it is fair to length, where chunk sums let a long file win by matching
 * in many places; the chunk lists add where one passage answers, and the local embedder's cosine
 * (hashed features, no IDF) stays the weaker signal (README, Retrieval).
 */
export const fileSignalWeights = { vector: 0.6, keyword: 0.5, wholeFile: 1 } as const;

/**
 * How much a kind's score is kept when the question does not ask for it. Docs, changelogs and
 * templates read like every bug report; fixtures and snapshots repeat the code's words. Kept
 * findable (a factor, not a filter), so a file named in the query or matching nothing else still
 * shows.
 */
export const kindFactors: Readonly<Record<FileKind, number>> = {
  source: 1,
  config: 0.5,
  tooling: 0.5,
  declaration: 0.7,
  example: 0.6,
  test: 0.3,
  docs: 0.2,
  fixture: 0.2,
  generated: 0.2,
  template: 0.1,
  changelog: 0.1,
};

/** A file the query names by path or file name gains this share of the best score. */
const namedBoost = 0.6;

export function kindWeight(kind: FileKind, query: QueryAnalysis): number {
  if (kind === 'docs' || kind === 'example') return query.wantsDocs ? 1 : kindFactors[kind];
  if (kind === 'test' || kind === 'fixture') return query.wantsTests ? 1 : kindFactors[kind];
  return kindFactors[kind];
}

/** True when the query names this path: its whole path, a path suffix, or its file name. */
export function namedBy(path: string, query: QueryAnalysis): boolean {
  const lower = path.toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  return query.mentionedFiles.some((mention) => (mention.includes('/') ? lower.endsWith(mention) || mention.endsWith(lower) : name === mention));
}

/**
 * The file ranking: the signals fused by score (each list scaled by its best), then each file's
 * score scaled by what its kind is to this query, and lifted when the query names it.
 */
export function rankFiles(evidence: FileEvidence, pathOf: (id: number) => string, query: QueryAnalysis): RankedFile[] {
  // scoreFusion knows two retrievers; the whole-file list joins under 'keyword' with its own weight.
  const fused = new Map<number, { score: number; signals: Set<RankSignal> }>();
  const add = (signal: RankSignal, items: readonly { readonly id: number; readonly score: number }[] | undefined, weight: number) => {
    if (!items || items.length === 0) return;
    for (const item of scoreFusion([{ retriever: 'keyword', items }], { keyword: weight })) {
      const entry = fused.get(item.id) ?? { score: 0, signals: new Set<RankSignal>() };
      entry.score += item.score;
      entry.signals.add(signal);
      fused.set(item.id, entry);
    }
  };
  add('vector', evidence.vector, fileSignalWeights.vector);
  add('keyword', evidence.keyword, fileSignalWeights.keyword);
  add('whole-file', evidence.wholeFile, fileSignalWeights.wholeFile);
  let best = 0;
  for (const entry of fused.values()) best = Math.max(best, entry.score);
  const ranked: RankedFile[] = [];
  for (const [id, entry] of fused) {
    const path = pathOf(id);
    const kind = fileKind(path);
    const factor = kindWeight(kind, query);
    let score = entry.score * factor;
    if (factor < 1) entry.signals.add('ranked-down');
    if (namedBy(path, query)) {
      // Scaled by the kind too: a bare file name also names that file's test and its fixtures.
      score += namedBoost * best * factor;
      entry.signals.add('named');
    }
    ranked.push({ id, score, kind, signals: [...entry.signals] });
  }
  return ranked.sort((x, y) => y.score - x.score || x.id - y.id);
}

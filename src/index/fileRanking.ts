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

/** Folders a package's published build lives in, where its source sits under src/. */
const builtFolder = /^(build|dist|lib|out|cjs|esm)$/;
const scriptExtension = /\.(m|c)?(j|t)sx?$/;

/**
 * True when the query names this path: a bare file name names every file of that name; a path
 * names a file when they end alike in the file name and at least one folder (two when the file
 * is an index), so a stack frame's `node_modules/pkg/src/compiler/parse.js` names the
 * repository's `packages/pkg/src/compiler/parse.js`. A frame in a package's build
 * (`node_modules/jest-jasmine2/build/queue_runner.js`) names its source too: the build folder
 * read as src/, and .js as any script extension.
 */
export function namedBy(path: string, query: QueryAnalysis): boolean {
  const segments = path.toLowerCase().split('/');
  const name = segments[segments.length - 1];
  return query.mentionedFiles.some((mention) => {
    if (!mention.includes('/')) return name === mention;
    const mentioned = mention.split('/');
    const built = mentioned.findIndex((segment) => builtFolder.test(segment));
    return endAlike(segments, mentioned) || (built > 0 && endAlike(segments, mentioned.map((segment, at) => (at === built ? 'src' : segment)), true));
  });
}

function endAlike(path: readonly string[], mention: readonly string[], anyScript = false): boolean {
  const file = (segment: string) => (anyScript ? segment.replace(scriptExtension, '.js') : segment);
  if (file(path[path.length - 1]) !== file(mention[mention.length - 1])) return false;
  if (path.length === 1 || mention.length === 1) return true;
  let common = 1;
  while (common < path.length && common < mention.length && path[path.length - 1 - common] === mention[mention.length - 1 - common]) common++;
  const needed = /^index\./.test(path[path.length - 1]) ? 3 : 2;
  return common >= Math.min(needed, path.length, mention.length);
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

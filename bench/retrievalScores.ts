import { fileKind, isAboutCode } from '../src/index/fileKinds.ts';

/** One query's file ranking scored against its answers. */
export interface Scores {
  readonly r5: number;
  readonly r10: number;
  readonly hit10: number;
  readonly mrr: number;
  readonly prose: number;
  readonly listed: number;
}

/** prose: top-10 files that are docs, changelogs, templates, fixtures or generated, and not answers. */
export function scoreRanking(files: readonly string[], goldFiles: readonly string[]): Scores {
  const gold = new Set(goldFiles);
  const found = (k: number) => files.slice(0, k).filter((path) => gold.has(path)).length / gold.size;
  const firstRank = files.findIndex((path) => gold.has(path));
  const top = files.slice(0, 10);
  return {
    r5: found(5),
    r10: found(10),
    hit10: firstRank >= 0 && firstRank < 10 ? 1 : 0,
    mrr: firstRank < 0 ? 0 : 1 / (firstRank + 1),
    prose: top.filter((path) => !gold.has(path) && isAboutCode(fileKind(path))).length,
    listed: top.length,
  };
}

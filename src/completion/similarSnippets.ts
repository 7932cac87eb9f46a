import type { DocumentSnapshot } from '../common/text.ts';
import type { Snippet } from './types.ts';

// Keywords say nothing about what code is about and would make every window look alike.
const stopWords = new Set(
  (
    'const let var function return if else for while do switch case break continue new this self ' +
    'import from export default class extends implements interface type async await try catch finally ' +
    'throw true false null undefined void public private protected static readonly def pass in is not ' +
    'and or of as with lambda yield None True False elif func package go range struct nil string number ' +
    'boolean int float any unknown'
  ).split(' '),
);

const identifier = /[A-Za-z_$][\w$]*/g;

/** The identifier tokens of some code, keywords and one-letter names left out. */
export function identifierSet(text: string): Set<string> {
  const set = new Set<string>();
  for (const match of text.matchAll(identifier)) {
    const word = match[0];
    if (word.length > 1 && !stopWords.has(word)) set.add(word);
  }
  return set;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const word of small) if (large.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}

interface FileWindows {
  readonly text: string;
  readonly lines: readonly string[];
  readonly starts: readonly number[];
  /** Distinct identifiers per window. */
  readonly sizes: Int32Array;
  /** Identifier to the windows holding it: scoring touches only windows that share a word. */
  readonly postings: ReadonlyMap<string, readonly number[]>;
}

export interface SimilarSnippetOptions {
  /** Lines per window (and of the query taken from before the cursor). */
  readonly windowLines: number;
  readonly stride: number;
  readonly maxSnippets: number;
  /** Windows less similar than this are noise. */
  readonly minScore: number;
}

export const defaultSimilarSnippetOptions: SimilarSnippetOptions = { windowLines: 20, stride: 10, maxSnippets: 4, minScore: 0.08 };

/**
 * Finds the windows of other open files most like the code before the cursor, by Jaccard
 * similarity over identifier sets (the approach of the established assistants). Each file's
 * windows and an inverted index over them are built once per text and reused across keystrokes,
 * so a request costs the postings of the query's words, not a pass over every window.
 */
export class SimilarSnippets {
  private readonly options: SimilarSnippetOptions;
  private readonly files = new Map<string, FileWindows>();
  private shared = new Int32Array(0);

  constructor(options: Partial<SimilarSnippetOptions> = {}) {
    this.options = { ...defaultSimilarSnippetOptions, ...options };
  }

  find(query: string, documents: readonly DocumentSnapshot[]): Snippet[] {
    const queryWords = identifierSet(query);
    if (queryWords.size === 0) return [];
    const scored: { score: number; path: string; file: FileWindows; window: number }[] = [];
    for (const document of documents) {
      const file = this.windowsOf(document);
      if (this.shared.length < file.sizes.length) this.shared = new Int32Array(file.sizes.length * 2);
      const shared = this.shared;
      const touched: number[] = [];
      for (const word of queryWords) {
        for (const window of file.postings.get(word) ?? []) {
          if (shared[window] === 0) touched.push(window);
          shared[window]!++;
        }
      }
      // One window per file: several near-identical windows from one file waste the budget.
      let best = -1;
      let bestScore = this.options.minScore;
      for (const window of touched) {
        const both = shared[window]!;
        const score = both / (queryWords.size + file.sizes[window]! - both);
        if (score >= bestScore) [best, bestScore] = [window, score];
        shared[window] = 0;
      }
      if (best !== -1) scored.push({ score: bestScore, path: document.path, file, window: best });
    }
    scored.sort((a, b) => b.score - a.score);
    return scored.slice(0, this.options.maxSnippets).map(({ path, file, window }) => {
      const startLine = file.starts[window]!;
      return { path, startLine, text: file.lines.slice(startLine, startLine + this.options.windowLines).join('\n') };
    });
  }

  /** Forgets a closed document. */
  forget(path: string): void {
    this.files.delete(path);
  }

  private windowsOf(document: DocumentSnapshot): FileWindows {
    const cached = this.files.get(document.path);
    if (cached && cached.text === document.text) return cached;
    const lines = document.text.split('\n');
    const starts: number[] = [];
    const sizes: number[] = [];
    const postings = new Map<string, number[]>();
    const { windowLines, stride } = this.options;
    for (let start = 0; start < lines.length; start += stride) {
      const end = Math.min(lines.length, start + windowLines);
      const words = identifierSet(lines.slice(start, end).join('\n'));
      const window = starts.length;
      starts.push(start);
      sizes.push(words.size);
      for (const word of words) {
        let list = postings.get(word);
        if (!list) postings.set(word, (list = []));
        list.push(window);
      }
      if (end === lines.length) break;
    }
    const file = { text: document.text, lines, starts, sizes: Int32Array.from(sizes), postings };
    this.files.set(document.path, file);
    return file;
  }
}

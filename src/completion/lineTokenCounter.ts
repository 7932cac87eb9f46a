import type { TokenCounter } from '../llm/tokenizer.ts';

const longLine = 300;

/**
 * Counts tokens line by line and remembers each line's count. The BPE encoder costs about a
 * microsecond per character, which alone would eat the completion's latency budget; the same
 * lines come back on every keystroke, so after the first request counting is a map lookup.
 * Summing per line over-counts by about 1% on typical code and up to 10% on short lines (a
 * newline no longer merges with its neighbour), which errs on the safe side of a budget.
 */
export class LineTokenCounter implements TokenCounter {
  private readonly inner: TokenCounter;
  private readonly maxEntries: number;
  private cache = new Map<string, number>();

  constructor(inner: TokenCounter, maxEntries = 50_000) {
    this.inner = inner;
    this.maxEntries = maxEntries;
  }

  /** Tokens of one line, without its newline (the newline is counted as one token by callers). */
  line(text: string): number {
    let count = this.cache.get(text);
    if (count === undefined) {
      // BPE time grows faster than linearly on long lines (minified code, data); a conservative
      // estimate of one token per three characters keeps one such line from stalling a keystroke.
      count = text.length > longLine ? Math.ceil(text.length / 3) : this.inner.count(text);
      // Dropping everything at once is cheaper than LRU bookkeeping, and refills within a few requests.
      if (this.cache.size >= this.maxEntries) this.cache = new Map();
      this.cache.set(text, count);
    }
    return count;
  }

  count(text: string): number {
    if (text.length === 0) return 0;
    let total = 0;
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end === -1) {
        total += this.line(text.slice(start));
        return total;
      }
      total += this.line(text.slice(start, end)) + 1;
      start = end + 1;
    }
  }
}

export interface CacheHit {
  /** What to show now: the cached suggestion minus what the user has typed of it since. */
  readonly text: string;
  /** Characters of the suggestion the user typed ahead (0 for an exact hit). */
  readonly typedAhead: number;
}

export interface CompletionCacheOptions {
  readonly capacity: number;
  /** Characters before the cursor in the key: enough to tell places apart, short enough to hash fast. */
  readonly prefixChars: number;
  readonly suffixChars: number;
  /** How far back a typed-ahead lookup searches. */
  readonly maxTypeAhead: number;
}

export const defaultCacheOptions: CompletionCacheOptions = { capacity: 500, prefixChars: 600, suffixChars: 200, maxTypeAhead: 200 };

/**
 * An LRU of suggestions keyed by the text around the cursor (prefix tail, suffix head, path).
 * A lookup also serves typed-ahead: when the text before the cursor is an earlier key's prefix
 * plus characters that the earlier suggestion begins with, the rest of it is returned.
 */
export class CompletionCache {
  private readonly options: CompletionCacheOptions;
  private readonly entries = new Map<string, string>();
  /** The longest suggestion stored per path: typing past it cannot be typed-ahead. */
  private readonly longest = new Map<string, number>();

  constructor(options: Partial<CompletionCacheOptions> = {}) {
    this.options = { ...defaultCacheOptions, ...options };
  }

  get size(): number {
    return this.entries.size;
  }

  private key(path: string, prefix: string, suffix: string): string {
    return `${path}\u0000${prefix.slice(-this.options.prefixChars)}\u0000${suffix.slice(0, this.options.suffixChars)}`;
  }

  /** Stores a suggestion ('' records that the model had nothing here, which is worth not asking again). */
  set(path: string, prefix: string, suffix: string, completion: string): void {
    const key = this.key(path, prefix, suffix);
    this.entries.delete(key);
    this.entries.set(key, completion);
    this.longest.set(path, Math.max(this.longest.get(path) ?? 0, completion.length));
    if (this.entries.size > this.options.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  lookup(path: string, prefix: string, suffix: string): CacheHit | undefined {
    const exact = this.touch(this.key(path, prefix, suffix));
    if (exact !== undefined) return { text: exact, typedAhead: 0 };
    const limit = Math.min(this.options.maxTypeAhead, prefix.length, (this.longest.get(path) ?? 0) - 1);
    for (let typed = 1; typed <= limit; typed++) {
      const earlier = this.touch(this.key(path, prefix.slice(0, prefix.length - typed), suffix));
      if (earlier === undefined) continue;
      const chars = prefix.slice(prefix.length - typed);
      if (earlier.length > typed && earlier.startsWith(chars)) return { text: earlier.slice(typed), typedAhead: typed };
    }
    return undefined;
  }

  clear(): void {
    this.entries.clear();
    this.longest.clear();
  }

  private touch(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
}

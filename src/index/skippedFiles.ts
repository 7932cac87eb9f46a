import { emptySkipCounts, type SkippedFile } from './discovery.ts';
import type { SkipReason } from './fileFilter.ts';

/** Skipped files per reason in a status message; the rest are read a page at a time. */
export const skippedSampleSize = 20;

/** Files skipped after discovery (on reading, or reported by the watcher) that are listed; past it, only counted. */
export const laterSkipsLimit = 5000;

/** One page of the skipped files of one reason, and how many there are in all. */
export interface SkippedPage {
  readonly reason: SkipReason;
  readonly offset: number;
  readonly total: number;
  readonly files: readonly SkippedFile[];
}

/**
 * The files the index leaves out, with why: counts per reason, and a bounded list read a page at
 * a time. A status message carries only the counts and a few of each, since it goes to the host
 * on every change: a build writing thousands of files under an ignored folder made the whole list
 * megabytes per message. Discovery lists what it skips (a skipped folder as one entry); files
 * skipped later are kept by key, up to a limit.
 */
export class SkippedFiles {
  private discovered: readonly SkippedFile[] = [];
  private discoveredCounts: Record<SkipReason, number> = emptySkipCounts();
  private readonly later = new Map<string, SkippedFile>();
  /** Skips past the limit: counted once each, never listed. */
  private readonly unlisted = new Map<string, SkipReason>();

  /** What the latest discovery skipped; its list is already bounded, its counts are whole. */
  setDiscovered(files: readonly SkippedFile[], counts: Readonly<Record<SkipReason, number>>): void {
    this.discovered = files;
    this.discoveredCounts = { ...counts };
  }

  record(key: string, file: SkippedFile): void {
    if (this.later.has(key) || this.later.size < laterSkipsLimit) this.later.set(key, file);
    // Past the limit only a key and a reason are kept, so counts stay exact while the list stops.
    else this.unlisted.set(key, file.reason);
  }

  forget(key: string): void {
    this.later.delete(key);
    this.unlisted.delete(key);
  }

  /** Keeps only the later skips whose files are still there. */
  retain(keep: (key: string) => boolean): void {
    for (const key of [...this.later.keys()]) if (!keep(key)) this.later.delete(key);
    for (const key of [...this.unlisted.keys()]) if (!keep(key)) this.unlisted.delete(key);
  }

  clearLater(): void {
    this.later.clear();
    this.unlisted.clear();
  }

  counts(): Record<SkipReason, number> {
    const counts = { ...this.discoveredCounts };
    for (const file of this.later.values()) counts[file.reason]++;
    for (const reason of this.unlisted.values()) counts[reason]++;
    return counts;
  }

  /** The first few of each reason, for a status message. */
  sample(perReason = skippedSampleSize): SkippedFile[] {
    const taken = emptySkipCounts();
    const out: SkippedFile[] = [];
    for (const file of this.all()) {
      if (taken[file.reason] >= perReason) continue;
      taken[file.reason]++;
      out.push(file);
    }
    return out;
  }

  page(reason: SkipReason, offset: number, limit: number): SkippedPage {
    const files: SkippedFile[] = [];
    let index = 0;
    for (const file of this.all()) {
      if (file.reason !== reason) continue;
      if (index++ < offset) continue;
      if (files.length >= limit) break;
      files.push(file);
    }
    return { reason, offset, total: this.counts()[reason], files };
  }

  private *all(): Iterable<SkippedFile> {
    yield* this.discovered;
    yield* this.later.values();
  }
}

/**
 * How long to wait after a keystroke before asking for a completion, learned from the typist.
 * A fixed debounce fires inside every burst whose gaps happen to exceed it, and each such request
 * is paid for and then thrown away at the next keystroke. Waiting a little longer than this
 * typist's usual gap within a burst fires at real pauses instead, and no later than needed.
 */
export class TypingRhythm {
  /** Gaps between keystrokes within bursts, most recent last. */
  private readonly gaps: number[] = [];
  private last: number | undefined;

  /** Gaps longer than this are pauses, not part of a burst: they say nothing of the typing speed. */
  static readonly burstGapMs = 400;
  /** How many recent gaps describe the typist. */
  static readonly window = 32;
  /** Until this many gaps are known, the floor alone is used. */
  static readonly minGaps = 8;
  /** The wait is this much longer than the usual gap (its 90th percentile). */
  static readonly margin = 1.15;

  /** Notes a keystroke at `now` (milliseconds). */
  keystroke(now: number): void {
    if (this.last !== undefined) {
      const gap = now - this.last;
      if (gap > 0 && gap <= TypingRhythm.burstGapMs) {
        this.gaps.push(gap);
        if (this.gaps.length > TypingRhythm.window) this.gaps.shift();
      }
    }
    this.last = now;
  }

  /**
   * The debounce for the next request: just past this typist's usual in-burst gap, never below
   * `floorMs` (the user's setting) nor above `capMs`.
   */
  debounceMs(floorMs: number, capMs: number): number {
    if (this.gaps.length < TypingRhythm.minGaps) return floorMs;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    const usual = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!;
    return Math.round(Math.min(capMs, Math.max(floorMs, usual * TypingRhythm.margin)));
  }
}

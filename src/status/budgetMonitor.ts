import { DisposableBase } from '../common/disposable.ts';
import { errorMessage } from '../common/errors.ts';
import { Emitter, type Event } from '../common/event.ts';
import type { Logger } from '../common/logger.ts';
import type { BudgetStatus } from '../llm/modelGateway.ts';
import { dayKey } from '../llm/usageLedger.ts';

/** Timers, faked in tests. */
export interface BudgetTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface BudgetMonitorOptions {
  /** Today's spend as the ledger on disk has it (every window's), against the limit. */
  readonly read: () => Promise<BudgetStatus>;
  /** Moments after which the spend or the limit may have changed: a request recorded, a refusal, a setting. */
  readonly triggers: readonly Event<unknown>[];
  readonly logger: Logger;
  readonly now?: () => number;
  readonly timers?: BudgetTimers;
  /**
   * The longest wait between looks at the calendar. A single timer to midnight can fire hours late
   * after the machine sleeps; short hops keep the new day's resume on time.
   */
  readonly checkEveryMs?: number;
}

const systemTimers: BudgetTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Keeps "paused by budget" true to the ledger. A paused window sends nothing, so nothing it sends
 * can lift the pause: a new day (a timer to the next local midnight), a raised limit or a changed
 * price (settings) re-read the spend from disk and announce the new state.
 */
export class BudgetMonitor extends DisposableBase {
  private readonly options: BudgetMonitorOptions;
  private readonly now: () => number;
  private readonly timers: BudgetTimers;
  private readonly emitter = this._register(new Emitter<BudgetStatus>());
  private latest: BudgetStatus | undefined;
  private day: string | undefined;
  private timer: unknown;
  private running: Promise<BudgetStatus | undefined> | undefined;
  private again = false;

  readonly onDidChange: Event<BudgetStatus> = this.emitter.event;

  constructor(options: BudgetMonitorOptions) {
    super();
    this.options = options;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? systemTimers;
    for (const trigger of options.triggers) this._register(trigger(() => void this.refresh()));
    this._register({ dispose: () => this.timers.clearTimeout(this.timer) });
  }

  get status(): BudgetStatus | undefined {
    return this.latest;
  }

  /** Reads the spend again; calls that overlap one under way run once more after it, not once each. */
  refresh(): Promise<BudgetStatus | undefined> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.read().finally(() => {
      this.running = undefined;
      if (this.again && !this.isDisposed) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  private async read(): Promise<BudgetStatus | undefined> {
    this.day = dayKey(this.now());
    this.arm();
    try {
      const status = await this.options.read();
      if (this.isDisposed) return this.latest;
      this.latest = status;
      this.emitter.fire(status);
      return status;
    } catch (error) {
      this.options.logger.warn(`could not read today's spend: ${errorMessage(error)}`);
      return this.latest;
    }
  }

  /** The next look at the calendar: just past local midnight, or sooner. */
  private arm(): void {
    this.timers.clearTimeout(this.timer);
    if (this.isDisposed) return;
    const now = this.now();
    const today = new Date(now);
    const midnight = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).getTime();
    const wait = Math.max(1_000, Math.min(midnight - now + 1_000, this.options.checkEveryMs ?? 15 * 60_000));
    this.timer = this.timers.setTimeout(() => {
      if (dayKey(this.now()) !== this.day) void this.refresh();
      else this.arm();
    }, wait);
  }
}

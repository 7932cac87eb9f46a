import { abortReason } from '../common/async.ts';

/**
 * Counts the streams in flight per local provider, so completions can wait for a local server
 * busy with a chat instead of competing with it for the same GPU.
 */
export class LocalStreams {
  private readonly active = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Marks a stream as started; call the returned function once it has ended, however it ended. */
  begin(provider: string): () => void {
    this.active.set(provider, (this.active.get(provider) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.active.get(provider) ?? 1) - 1;
      if (left > 0) {
        this.active.set(provider, left);
        return;
      }
      this.active.delete(provider);
      const waiting = this.waiters.get(provider);
      this.waiters.delete(provider);
      for (const wake of waiting ?? []) wake();
    };
  }

  isBusy(provider: string): boolean {
    return this.active.has(provider);
  }

  /** Resolves when no stream is in flight to the provider; rejects with the signal's reason on abort. */
  waitUntilIdle(provider: string, signal?: AbortSignal): Promise<void> {
    if (!this.isBusy(provider)) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const set = this.waiters.get(provider) ?? new Set<() => void>();
      this.waiters.set(provider, set);
      const onAbort = () => {
        set.delete(wake);
        reject(abortReason(signal!));
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      set.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

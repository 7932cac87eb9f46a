/**
 * A one-consumer async queue: the producer pushes while it runs, the consumer iterates at its
 * own pace. Ending early (break in for-await) calls `onReturn`, which the gateway uses to
 * cancel the request.
 */
export class EventQueue<T> {
  private readonly items: T[] = [];
  private waiter: (() => void) | undefined;
  private finished = false;
  private failure: { error: unknown } | undefined;

  push(item: T): void {
    if (this.finished) return;
    this.items.push(item);
    this.wake();
  }

  end(): void {
    this.finished = true;
    this.wake();
  }

  fail(error: unknown): void {
    this.failure = { error };
    this.end();
  }

  iterate(onReturn: () => void): AsyncIterator<T> {
    return {
      next: async (): Promise<IteratorResult<T>> => {
        while (this.items.length === 0 && !this.finished) {
          await new Promise<void>((resolve) => (this.waiter = resolve));
        }
        if (this.items.length > 0) return { value: this.items.shift()!, done: false };
        if (this.failure) throw this.failure.error;
        return { value: undefined, done: true };
      },
      return: async (): Promise<IteratorResult<T>> => {
        if (!this.finished) onReturn();
        this.items.length = 0;
        return { value: undefined, done: true };
      },
    };
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

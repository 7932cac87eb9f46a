/** Anything that holds a resource until it is disposed. Structurally the same as vscode.Disposable. */
export interface Disposable {
  dispose(): void;
}

export function toDisposable(dispose: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (!done) {
        done = true;
        dispose();
      }
    },
  };
}

/**
 * Owns a set of disposables and disposes them in reverse order of registration, so that
 * what was built last (and may depend on what came before) goes first.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      // Registering on a dead store would leak the item; dispose it at once instead.
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  /** Disposes everything held so far and keeps the store usable (for things that restart). */
  clear(): void {
    const errors: unknown[] = [];
    while (this.items.length > 0) {
      const item = this.items.pop()!;
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}

/** Base class for long-lived objects: everything they create is registered to them and dies with them. */
export abstract class DisposableBase implements Disposable {
  private readonly store = new DisposableStore();

  protected _register<T extends Disposable>(item: T): T {
    return this.store.add(item);
  }

  protected get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  dispose(): void {
    this.store.dispose();
  }
}

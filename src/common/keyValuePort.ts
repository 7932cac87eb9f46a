/** A small key-value store; the shell backs it with `context.workspaceState` (a Memento fits as is). */
export interface KeyValuePort {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

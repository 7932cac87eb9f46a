import type * as vscode from 'vscode';
import { Emitter } from '../common/event.ts';
import type { SecretStore } from '../common/secrets.ts';

/** SecretStorage behind the engine's SecretStore port. */
export class SecretStorageStore implements SecretStore, vscode.Disposable {
  private readonly storage: vscode.SecretStorage;
  private readonly emitter = new Emitter<string>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor(storage: vscode.SecretStorage) {
    this.storage = storage;
    this.subscription = storage.onDidChange((event) => this.emitter.fire(event.key));
  }

  async get(name: string): Promise<string | undefined> {
    return this.storage.get(name);
  }

  async store(name: string, value: string): Promise<void> {
    await this.storage.store(name, value);
  }

  async delete(name: string): Promise<void> {
    await this.storage.delete(name);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

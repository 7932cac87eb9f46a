import { Emitter } from '../../src/common/event.ts';
import type { SecretStore } from '../../src/common/secrets.ts';

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  private readonly emitter = new Emitter<string>();
  readonly onDidChange = this.emitter.event;

  async get(name: string): Promise<string | undefined> {
    return this.values.get(name);
  }
  async store(name: string, value: string): Promise<void> {
    this.values.set(name, value);
    this.emitter.fire(name);
  }
  async delete(name: string): Promise<void> {
    this.values.delete(name);
    this.emitter.fire(name);
  }
}

import type { Event } from './event.ts';

/** The editor's secret storage (VS Code SecretStorage in the shell, a map in tests). */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  store(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
  readonly onDidChange: Event<string>;
}

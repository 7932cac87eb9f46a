import type { Disposable } from '../common/disposable.ts';
import { Emitter, type Event } from '../common/event.ts';
import type { SecretStore } from '../common/secrets.ts';

/** Where a provider's key came from; shown to the user, never the key itself. */
export type KeySource = 'secretStorage' | 'environment';

export interface ResolvedKey {
  readonly key: string;
  readonly source: KeySource;
  /**
   * The origin the key was stored for: it goes nowhere else. Undefined for a key from the
   * environment or one stored before keys were bound; the user's own settings (never a
   * workspace's) decide where those may go.
   */
  readonly origin?: string;
}

/** What Secret Storage holds per provider: the key and the origin it was set for. */
interface StoredKey {
  readonly key: string;
  readonly origin: string;
}

/** The environment variables honoured when no key is stored, by provider. */
export const environmentKeyNames: Readonly<Record<string, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
};

const secretName = (provider: string) => `groundwork.apiKey.${provider}`;

/**
 * API keys per provider: SecretStorage first, then the provider's environment variable.
 * Keys never go to settings, logs or the ledger.
 */
export class ApiKeys implements Disposable {
  private readonly secrets: SecretStore;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly changeEmitter = new Emitter<string>();
  private readonly subscription: Disposable;

  /** Fires with the provider whose stored key changed. */
  readonly onDidChange: Event<string> = this.changeEmitter.event;

  constructor(secrets: SecretStore, env: Readonly<Record<string, string | undefined>>) {
    this.secrets = secrets;
    this.env = env;
    this.subscription = secrets.onDidChange((name) => {
      if (name.startsWith(secretName(''))) this.changeEmitter.fire(name.slice(secretName('').length));
    });
  }

  async get(provider: string): Promise<ResolvedKey | undefined> {
    const stored = parseStored(await this.secrets.get(secretName(provider)));
    if (stored) return { ...stored, source: 'secretStorage' };
    const variable = environmentKeyNames[provider];
    const fromEnv = variable ? this.env[variable]?.trim() : undefined;
    if (fromEnv) return { key: fromEnv, source: 'environment' };
    return undefined;
  }

  /** Stores the key for `origin` (`https://api.openai.com`): the only host it will be sent to. */
  async set(provider: string, key: string, origin: string): Promise<void> {
    const trimmed = key.trim();
    if (!trimmed) throw new Error('An API key cannot be empty.');
    const stored: StoredKey = { key: trimmed, origin };
    await this.secrets.store(secretName(provider), JSON.stringify(stored));
  }

  async clear(provider: string): Promise<void> {
    await this.secrets.delete(secretName(provider));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

/** A stored value: JSON with its origin, or (stored by an older version) the bare key. */
function parseStored(value: string | undefined): { readonly key: string; readonly origin?: string } | undefined {
  if (!value) return undefined;
  if (value.startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as Partial<StoredKey>;
      if (typeof parsed.key === 'string' && parsed.key) return typeof parsed.origin === 'string' ? { key: parsed.key, origin: parsed.origin } : { key: parsed.key };
    } catch {
      // Not ours: a bare key that happens to start with a brace.
    }
  }
  return { key: value };
}

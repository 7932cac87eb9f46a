import { Anthropic } from '@anthropic-ai/sdk';
import { AzureOpenAI, OpenAI } from 'openai';
import type { Disposable } from '../common/disposable.ts';
import type { Settings } from '../common/settings.ts';
import type { EndpointSetting } from '../common/settingsSchema.ts';
import { AnthropicProvider } from './anthropicProvider.ts';
import type { ApiKeys } from './apiKeys.ts';
import type { ModelProvider } from './modelProvider.ts';
import { OpenAiProvider } from './openAiProvider.ts';
import { ProviderError } from './providerError.ts';
import { defaultBaseUrls, type ProviderTarget, currentTarget, providerLabel, userTarget } from './providerTarget.ts';

/** Where the gateway gets providers; a map of fakes in tests and the benchmark. */
export interface ProviderSource {
  get(provider: string): Promise<ModelProvider>;
  /** True for providers on this machine (endpoints marked `local` whose host is loopback). */
  isLocal(provider: string): boolean;
}

/**
 * The SDKs' own retries are off: the gateway's policy (bounded waits, then the next model) is
 * the only one, so a completion never sits in an SDK backoff it cannot see. Their timeouts stay
 * as a backstop behind the gateway's much shorter per-task ones.
 */
const sdkOptions = { maxRetries: 0 } as const;

/** OpenAI-compatible servers that need no key (a local Ollama) still need a non-empty header for the SDK. */
const keylessPlaceholder = 'no-key';

type ProviderSettings = Pick<Settings, 'get' | 'userValue' | 'onDidChange'>;

/**
 * Builds one provider per name from settings and keys: `openai`, `anthropic`, and each entry of
 * `groundwork.endpoints` (which wins over a built-in of the same name). Cached until settings
 * that shape providers or a key change. A key goes only to the origin it was stored for,
 * whatever the settings say now.
 */
export class ProviderRegistry implements ProviderSource, Disposable {
  private readonly settings: ProviderSettings;
  private readonly apiKeys: Pick<ApiKeys, 'get' | 'onDidChange'>;
  private readonly cache = new Map<string, Promise<ModelProvider>>();
  private readonly subscriptions: Disposable[];

  constructor(settings: ProviderSettings, apiKeys: Pick<ApiKeys, 'get' | 'onDidChange'>) {
    this.settings = settings;
    this.apiKeys = apiKeys;
    this.subscriptions = [
      settings.onDidChange((change) => {
        if (change.effects.has('resetProviders')) this.reset();
      }),
      apiKeys.onDidChange((provider) => this.cache.delete(provider)),
    ];
  }

  get(provider: string): Promise<ModelProvider> {
    let built = this.cache.get(provider);
    if (!built) {
      built = this.build(provider);
      // A failed build (no key yet) must not stick: the user may set the key a moment later.
      built.catch(() => this.cache.delete(provider));
      this.cache.set(provider, built);
    }
    return built;
  }

  isLocal(provider: string): boolean {
    return currentTarget(provider, this.settings).local;
  }

  reset(): void {
    this.cache.clear();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.cache.clear();
  }

  private async build(provider: string): Promise<ModelProvider> {
    const target = currentTarget(provider, this.settings);
    const key = await this.keyFor(provider, target);
    if (target.endpoint) return this.buildEndpoint(target.endpoint, key);
    // Always explicit: left out, the SDKs read OPENAI_BASE_URL / ANTHROPIC_BASE_URL from the
    // environment, and requests would go somewhere the key's origin check never saw.
    const baseURL = target.baseUrl ?? defaultBaseUrls[provider];
    if (provider === 'openai') {
      const client = new OpenAI({ ...sdkOptions, apiKey: this.requireKey(provider, key), ...(baseURL ? { baseURL } : {}) });
      return new OpenAiProvider({ name: provider, client, nativeFim: false, maxTokensField: 'max_completion_tokens', toolCalling: true });
    }
    if (provider === 'anthropic') {
      const client = new Anthropic({ ...sdkOptions, apiKey: this.requireKey(provider, key), authToken: null, ...(baseURL ? { baseURL } : {}) });
      return new AnthropicProvider(provider, client);
    }
    throw new ProviderError('badRequest', `No provider named "${provider}": use openai, anthropic or the name of an entry in groundwork.endpoints.`, {
      provider,
      model: '',
      actions: ['openSettings'],
    });
  }

  /**
   * The provider's key if it was meant for the target's origin: a stored key names its origin;
   * one from the environment, or stored unbound by an older version, is meant for wherever the
   * user's own settings point. A key meant for another host is withheld, never sent.
   */
  private async keyFor(provider: string, target: ProviderTarget): Promise<KeyFor> {
    const resolved = await this.apiKeys.get(provider);
    if (!resolved) return { key: undefined };
    const meantFor = resolved.origin ?? userTarget(provider, this.settings).origin;
    if (meantFor !== undefined && meantFor === target.origin) return { key: resolved.key };
    return { key: undefined, withheld: { meantFor: meantFor ?? 'another host', target: target.origin ?? target.baseUrl ?? 'an invalid URL' } };
  }

  private buildEndpoint(endpoint: EndpointSetting, bound: KeyFor): ModelProvider {
    if (endpoint.kind === 'azure') {
      const client = new AzureOpenAI({
        ...sdkOptions,
        endpoint: endpoint.baseUrl,
        apiKey: this.requireKey(endpoint.name, bound),
        ...(endpoint.apiVersion ? { apiVersion: endpoint.apiVersion } : {}),
      });
      return new OpenAiProvider({ name: endpoint.name, client, nativeFim: endpoint.fim === true, maxTokensField: 'max_completion_tokens', toolCalling: endpoint.tools !== false });
    }
    // A keyless server (a local Ollama) is fine; a withheld key is simply not sent.
    const client = new OpenAI({ ...sdkOptions, baseURL: endpoint.baseUrl, apiKey: bound.key ?? keylessPlaceholder });
    // Many local models cannot call tools, and servers answer that differently: the endpoint says.
    return new OpenAiProvider({ name: endpoint.name, client, nativeFim: endpoint.fim === true, maxTokensField: 'max_tokens', toolCalling: endpoint.tools === true });
  }

  private requireKey(provider: string, bound: KeyFor): string {
    if (bound.key) return bound.key;
    if (bound.withheld) {
      throw new ProviderError(
        'auth',
        `Not sent: your ${providerLabel(provider)} key was set for ${bound.withheld.meantFor}, and requests now go to ${bound.withheld.target}. Groundwork sends a key only to the host it was set for: set a key for this host with "Groundwork: Set API Key", or change the base URL back.`,
        { provider, model: '', actions: ['setApiKey', 'openSettings'] },
      );
    }
    throw new ProviderError('auth', `No API key for ${provider}. Set one with "Groundwork: Set API Key".`, { provider, model: '' });
  }
}

interface KeyFor {
  readonly key: string | undefined;
  /** Set when a key exists but was meant for another origin than the target's. */
  readonly withheld?: { readonly meantFor: string; readonly target: string };
}

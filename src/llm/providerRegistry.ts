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

/** Where the gateway gets providers; a map of fakes in tests and the benchmark. */
export interface ProviderSource {
  get(provider: string): Promise<ModelProvider>;
  /** True for providers on this machine (endpoints with `local: true`). */
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

/**
 * Builds one provider per name from settings and keys: `openai`, `anthropic`, and each entry of
 * `groundwork.endpoints` (which wins over a built-in of the same name). Cached until settings
 * that shape providers or a key change.
 */
export class ProviderRegistry implements ProviderSource, Disposable {
  private readonly settings: Pick<Settings, 'get' | 'onDidChange'>;
  private readonly apiKeys: Pick<ApiKeys, 'get' | 'onDidChange'>;
  private readonly cache = new Map<string, Promise<ModelProvider>>();
  private readonly subscriptions: Disposable[];

  constructor(settings: Pick<Settings, 'get' | 'onDidChange'>, apiKeys: Pick<ApiKeys, 'get' | 'onDidChange'>) {
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
    return this.endpoint(provider)?.local === true;
  }

  reset(): void {
    this.cache.clear();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.cache.clear();
  }

  private endpoint(provider: string): EndpointSetting | undefined {
    return this.settings.get('endpoints').find((endpoint) => endpoint.name === provider);
  }

  private async build(provider: string): Promise<ModelProvider> {
    const endpoint = this.endpoint(provider);
    const key = (await this.apiKeys.get(provider))?.key;
    if (endpoint) return this.buildEndpoint(endpoint, key);
    if (provider === 'openai') {
      const baseURL = this.settings.get('openai.baseUrl') || undefined;
      const client = new OpenAI({ ...sdkOptions, apiKey: this.requireKey(provider, key), ...(baseURL ? { baseURL } : {}) });
      return new OpenAiProvider({ name: provider, client, nativeFim: false, maxTokensField: 'max_completion_tokens' });
    }
    if (provider === 'anthropic') {
      const baseURL = this.settings.get('anthropic.baseUrl') || undefined;
      const client = new Anthropic({ ...sdkOptions, apiKey: this.requireKey(provider, key), authToken: null, ...(baseURL ? { baseURL } : {}) });
      return new AnthropicProvider(provider, client);
    }
    throw new ProviderError('badRequest', `No provider named "${provider}": use openai, anthropic or the name of an entry in groundwork.endpoints.`, {
      provider,
      model: '',
      actions: ['openSettings'],
    });
  }

  private buildEndpoint(endpoint: EndpointSetting, key: string | undefined): ModelProvider {
    if (endpoint.kind === 'azure') {
      const client = new AzureOpenAI({
        ...sdkOptions,
        endpoint: endpoint.baseUrl,
        apiKey: this.requireKey(endpoint.name, key),
        ...(endpoint.apiVersion ? { apiVersion: endpoint.apiVersion } : {}),
      });
      return new OpenAiProvider({ name: endpoint.name, client, nativeFim: endpoint.fim === true, maxTokensField: 'max_completion_tokens' });
    }
    const client = new OpenAI({ ...sdkOptions, baseURL: endpoint.baseUrl, apiKey: key ?? keylessPlaceholder });
    return new OpenAiProvider({ name: endpoint.name, client, nativeFim: endpoint.fim === true, maxTokensField: 'max_tokens' });
  }

  private requireKey(provider: string, key: string | undefined): string {
    if (key) return key;
    throw new ProviderError('auth', `No API key for ${provider}. Set one with "Groundwork: Set API Key".`, { provider, model: '' });
  }
}

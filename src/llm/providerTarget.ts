import type { Settings } from '../common/settings.ts';
import type { EndpointSetting, GroundworkSettings } from '../common/settingsSchema.ts';
import { isLoopbackUrl, originOf } from '../common/settingsTrust.ts';

/** The vendors' own API addresses, used when no base URL is set. */
export const defaultBaseUrls: Readonly<Record<string, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

const providerLabels: Readonly<Record<string, string>> = { openai: 'OpenAI', anthropic: 'Anthropic' };

/** A provider's name as users read it: `OpenAI`, `Anthropic`, or an endpoint's own name. */
export function providerLabel(provider: string): string {
  return providerLabels[provider] ?? provider;
}

/** Where a provider's requests go. */
export interface ProviderTarget {
  /** The configured base URL; undefined for a vendor with no base URL set (its SDK's default). */
  readonly baseUrl: string | undefined;
  /** The origin requests reach, which a key must have been stored for. */
  readonly origin: string | undefined;
  readonly endpoint?: EndpointSetting;
  /** True only for an endpoint marked `local` whose host really is this machine. */
  readonly local: boolean;
}

type SettingsReader = <K extends 'endpoints' | 'openai.baseUrl' | 'anthropic.baseUrl'>(key: K) => GroundworkSettings[K];

/**
 * A provider's target from settings read through `read`: `settings.get` for where requests go
 * now, `settings.userValue` for where the user alone would send them. An entry of
 * `groundwork.endpoints` wins over a vendor of the same name.
 */
export function providerTarget(provider: string, read: SettingsReader): ProviderTarget {
  const endpoint = read('endpoints').find((candidate) => candidate.name === provider);
  if (endpoint) return { baseUrl: endpoint.baseUrl, origin: originOf(endpoint.baseUrl), endpoint, local: endpoint.local === true && isLoopbackUrl(endpoint.baseUrl) };
  const configured = provider === 'openai' ? read('openai.baseUrl') : provider === 'anthropic' ? read('anthropic.baseUrl') : '';
  const baseUrl = configured.trim() || undefined;
  const effective = baseUrl ?? defaultBaseUrls[provider];
  return { baseUrl, origin: effective ? originOf(effective) : undefined, local: false };
}

/** Where requests to the provider go now, as settings resolve (approved workspace hosts included). */
export function currentTarget(provider: string, settings: Pick<Settings, 'get'>): ProviderTarget {
  return providerTarget(provider, (key) => settings.get(key));
}

/** Where the user's own settings send the provider's requests: what an unbound key was meant for. */
export function userTarget(provider: string, settings: Pick<Settings, 'userValue'>): ProviderTarget {
  return providerTarget(provider, (key) => settings.userValue(key));
}

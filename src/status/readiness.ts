import type { Settings } from '../common/settings.ts';
import type { ApiKeys } from '../llm/apiKeys.ts';
import { parseModelName } from '../llm/modelName.ts';

/** Whether the models Groundwork is set to use can be called: the status bar's first question. */
export type Readiness =
  | { readonly kind: 'ready'; readonly providers: readonly string[] }
  | { readonly kind: 'notConfigured'; readonly missingKeys: readonly string[] };

/** The provider of a model name, or undefined for a malformed name (the gateway reports those when used). */
function providerOf(model: string): string | undefined {
  try {
    return parseModelName(model).provider;
  } catch {
    return undefined;
  }
}

/**
 * Ready when every provider behind the primary completion, chat and heavy models has a key.
 * Endpoints from `groundwork.endpoints` may run without one (a local Ollama needs none).
 */
export async function checkReadiness(settings: Settings, keys: ApiKeys): Promise<Readiness> {
  const models = [settings.get('models.completion'), settings.get('models.heavy'), settings.get('models.chat')];
  const providers = [...new Set(models.filter(Boolean).map(providerOf))].filter((provider) => provider !== undefined);
  const keyless = new Set(settings.get('endpoints').map((endpoint) => endpoint.name));
  const missingKeys: string[] = [];
  for (const provider of providers) {
    if (!keyless.has(provider) && !(await keys.get(provider))) missingKeys.push(provider);
  }
  return missingKeys.length > 0 ? { kind: 'notConfigured', missingKeys } : { kind: 'ready', providers };
}

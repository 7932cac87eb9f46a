import { priceFor } from '../llm/prices.ts';
import type { SettingsReader } from '../llm/routing.ts';
import type { ModelOption } from './protocol.ts';

/**
 * The models the chat's picker offers: the configured chat chain first (the default answers
 * with the first of them), then the heavy and fast tiers' models, each with its tier and price
 * so the user sees what a question will cost before asking it.
 */
export function chatModelOptions(settings: SettingsReader): ModelOption[] {
  const prices = settings.get('prices');
  const chat = settings.get('models.chat').trim();
  const chatFallbacks = settings.get('models.chatFallbacks');
  const rows: Array<[string, string]> = [
    [chat, 'chat'],
    [settings.get('models.heavy'), 'heavy'],
    ...chatFallbacks.map((name): [string, string] => [name, 'chat fallback']),
    ...settings.get('models.heavyFallbacks').map((name): [string, string] => [name, 'heavy fallback']),
    [settings.get('models.completion'), 'fast'],
  ];
  const seen = new Set<string>();
  const options: ModelOption[] = [];
  for (const [raw, tier] of rows) {
    const name = raw.trim();
    if (name === '' || seen.has(name)) continue;
    seen.add(name);
    const price = priceFor(name, prices);
    options.push({ name, tier, ...(price ? { price: { input: price.input, output: price.output } } : {}) });
  }
  return options;
}

import type { PriceSetting } from '../common/settingsSchema.ts';

/**
 * US dollars per million tokens, from the vendors' pricing pages (OpenAI's and
 * platform.claude.com/docs/en/about-claude/pricing), read November 2026. Keys are model-name
 * prefixes so dated snapshots (`claude-sonnet-4-5-20250929`) find their family; the longest
 * matching prefix wins. The `prices` setting overrides any of them.
 */
export const builtInPrices: Readonly<Record<string, PriceSetting>> = {
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai/gpt-4o': { input: 2.5, output: 10 },
  'openai/text-embedding-3-small': { input: 0.02, output: 0 },
  'openai/text-embedding-3-large': { input: 0.13, output: 0 },
  'anthropic/claude-sonnet-5-5': { input: 2, output: 10 },
  'anthropic/claude-sonnet-5': { input: 2, output: 10 },
  'anthropic/claude-sonnet-4-5': { input: 3, output: 15 },
  'anthropic/claude-sonnet-4': { input: 3, output: 15 },
  'anthropic/claude-3-7-sonnet': { input: 3, output: 15 },
  'anthropic/claude-3-5-sonnet': { input: 3, output: 15 },
  'anthropic/claude-opus-5': { input: 5, output: 25 },
  'anthropic/claude-opus-4-8': { input: 5, output: 25 },
  'anthropic/claude-opus-4-7': { input: 5, output: 25 },
  'anthropic/claude-opus-4-6': { input: 5, output: 25 },
  'anthropic/claude-opus-4-5': { input: 5, output: 25 },
  'anthropic/claude-opus-4': { input: 15, output: 75 },
  'anthropic/claude-haiku-4-5': { input: 1, output: 5 },
  'anthropic/claude-3-5-haiku': { input: 0.8, output: 4 },
  'anthropic/claude-3-haiku': { input: 0.25, output: 1.25 },
};

/** The price of `provider/model`: an exact override first, then the longest built-in prefix; undefined when unknown. */
export function priceFor(model: string, overrides: Readonly<Record<string, PriceSetting>> = {}): PriceSetting | undefined {
  const override = overrides[model];
  if (override) return override;
  let best: string | undefined;
  for (const prefix of Object.keys(builtInPrices)) {
    if (isFamilyPrefix(model, prefix) && (!best || prefix.length > best.length)) best = prefix;
  }
  return best ? builtInPrices[best] : undefined;
}

/** `openai/gpt-4o` prices `openai/gpt-4o-2024-08-06` but not `openai/gpt-4o-mini` (which has its own entry). */
function isFamilyPrefix(model: string, prefix: string): boolean {
  return model === prefix || (model.startsWith(prefix) && /^-\d/.test(model.slice(prefix.length)));
}

/** Where a request's price came from; `estimated` is the stated conservative price of an unknown model. */
export type PriceSource = 'setting' | 'table' | 'local' | 'estimated';

export interface ResolvedPrice {
  readonly price: PriceSetting;
  readonly source: PriceSource;
}

/** The built-in table's dearest price of each kind: what a model nobody priced is counted at. */
function dearest(embedding: boolean): PriceSetting {
  let best: PriceSetting = { input: 0, output: 0 };
  for (const [model, price] of Object.entries(builtInPrices)) {
    if (model.includes('embedding') !== embedding) continue;
    if (price.input + price.output > best.input + best.output) best = price;
  }
  return best;
}

/**
 * What a remote model with no price is counted at, so it can never escape the budget: the table's
 * most expensive chat model (or embedding model, for embeddings). Stated in the README and marked
 * "estimated" in Show Usage; a `groundwork.prices` entry replaces it.
 */
export const estimatedPrices: { readonly text: PriceSetting; readonly embedding: PriceSetting } = {
  text: dearest(false),
  embedding: dearest(true),
};

/**
 * Every request has a price: the user's, the table's, zero for an endpoint marked `local` (it runs
 * on this machine), else the conservative estimate. Never undefined, never silently free.
 */
export function resolvePrice(
  model: string,
  options: { readonly overrides?: Readonly<Record<string, PriceSetting>>; readonly local?: boolean; readonly embedding?: boolean } = {},
): ResolvedPrice {
  const override = options.overrides?.[model];
  if (override) return { price: override, source: 'setting' };
  if (options.local) return { price: { input: 0, output: 0 }, source: 'local' };
  const known = priceFor(model);
  if (known) return { price: known, source: 'table' };
  return { price: options.embedding ? estimatedPrices.embedding : estimatedPrices.text, source: 'estimated' };
}

/** Cost in US dollars, or null when the price is unknown (never a silent 0). */
export function costUsd(inputTokens: number, outputTokens: number, price: PriceSetting | undefined): number | null {
  if (!price) return null;
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

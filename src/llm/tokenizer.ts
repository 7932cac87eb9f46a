import { createRequire } from 'node:module';
import { type TiktokenBPE, Tiktoken } from 'js-tiktoken/lite';

/**
 * Counts tokens with o200k_base, the encoding of gpt-4o and gpt-4o-mini. For other vendors'
 * models it is an estimate, and it is used only where the API reports no usage (and for
 * prompt budgets, where a few percent either way does not matter).
 */
export interface TokenCounter {
  count(text: string): number;
}

// The ranks are 2.3 MB of JavaScript: loaded on the first count, not at activation. The bundles
// ship them as their own file beside the bundle (see esbuild.config.mjs).
const ranksModule = process.env.GROUNDWORK_BUILD ? './o200k_base.js' : 'js-tiktoken/ranks/o200k_base';

let encoder: Tiktoken | undefined;

function loadEncoder(): Tiktoken {
  const ranks = createRequire(import.meta.url)(ranksModule) as TiktokenBPE | { default: TiktokenBPE };
  return new Tiktoken('default' in ranks ? ranks.default : ranks);
}

export const tokenCounter: TokenCounter = {
  count(text: string): number {
    if (text.length === 0) return 0;
    encoder ??= loadEncoder();
    return encoder.encode(text).length;
  },
};

import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';

/**
 * Counts tokens with o200k_base, the encoding of gpt-4o and gpt-4o-mini. For other vendors'
 * models it is an estimate, and it is used only where the API reports no usage (and for
 * prompt budgets, where a few percent either way does not matter).
 */
export interface TokenCounter {
  count(text: string): number;
}

let encoder: Tiktoken | undefined;

export const tokenCounter: TokenCounter = {
  count(text: string): number {
    if (text.length === 0) return 0;
    encoder ??= new Tiktoken(o200kBase);
    return encoder.encode(text).length;
  },
};

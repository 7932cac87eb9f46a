import type { ModelTask, ModelTier } from './modelTypes.ts';
import { costUsd as priced, estimatedPrices } from './prices.ts';
import type { ProviderErrorReason } from './providerError.ts';

export type RequestOutcome = 'ok' | 'cancelled' | ProviderErrorReason;

/** One request sent to a model (one attempt: a retry or a fallback is its own entry). */
export interface RequestEntry {
  readonly type: 'request';
  /** Epoch milliseconds when the request started. */
  readonly time: number;
  /** Free text naming the feature: 'completion', 'chat', 'refactor', 'index'. */
  readonly feature: string;
  readonly task: ModelTask;
  readonly tier: ModelTier;
  readonly provider: string;
  /** `provider/model`. */
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly tokenSource: 'api' | 'estimated';
  /**
   * US dollars. Null only in lines written before every model had a price: those count at the
   * conservative estimate (`requestCost`).
   */
  readonly costUsd: number | null;
  /** True when the model had no known price and was counted at the stated conservative one. */
  readonly costEstimated?: boolean;
  readonly ttftMs: number | null;
  readonly totalMs: number;
  readonly outcome: RequestOutcome;
  /** The model this request fell back from (the first in the chain), or null when it was the first choice. */
  readonly fallbackFrom: string | null;
  readonly redactions: number;
}

/** An inline completion shown to the user, or accepted by them: the acceptance rate's inputs. */
export interface CompletionEventEntry {
  readonly type: 'completionEvent';
  readonly time: number;
  readonly event: 'shown' | 'accepted';
  readonly model: string | null;
}

export type LedgerEntry = RequestEntry | CompletionEventEntry;

/** What a request cost, and whether that is the conservative estimate rather than a known price. */
export function requestCost(entry: RequestEntry): { readonly usd: number; readonly estimated: boolean } {
  if (entry.costUsd !== null) return { usd: entry.costUsd, estimated: entry.costEstimated === true };
  const price = entry.task === 'embedding' ? estimatedPrices.embedding : estimatedPrices.text;
  return { usd: priced(entry.inputTokens, entry.outputTokens, price) ?? 0, estimated: true };
}

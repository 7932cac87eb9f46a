import type { ModelTask, ModelTier } from './modelTypes.ts';
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
  /** US dollars; null when the model's price is unknown. */
  readonly costUsd: number | null;
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

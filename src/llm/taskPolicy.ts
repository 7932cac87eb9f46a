import type { ModelTask } from './modelTypes.ts';
import type { ProviderError } from './providerError.ts';

/** How long a task may take and how hard it tries, per model, before moving to the next. */
export interface TaskPolicy {
  /** Until the first text arrives (or, for embeddings, unused). */
  readonly firstTokenMs: number;
  /** The whole attempt, first byte to last. */
  readonly totalMs: number;
  /** Tries per model, the first included. */
  readonly attemptsPerModel: number;
  /** The longest wait before retrying the same model; a longer retry-after moves on instead. */
  readonly maxRetryWaitMs: number;
  /** The first backoff when the server gives no retry-after; doubles per attempt. */
  readonly backoffMs: number;
}

/**
 * A completion is worthless a few seconds late, so it fails fast and never waits to retry: the
 * next keystroke asks again. Heavy work is worth waiting for, within reason.
 */
export const defaultTaskPolicies: { readonly [T in ModelTask]: TaskPolicy } = {
  completion: { firstTokenMs: 2_500, totalMs: 6_000, attemptsPerModel: 1, maxRetryWaitMs: 0, backoffMs: 0 },
  chat: { firstTokenMs: 30_000, totalMs: 180_000, attemptsPerModel: 2, maxRetryWaitMs: 10_000, backoffMs: 1_000 },
  refactor: { firstTokenMs: 45_000, totalMs: 300_000, attemptsPerModel: 2, maxRetryWaitMs: 10_000, backoffMs: 1_000 },
  crossFile: { firstTokenMs: 45_000, totalMs: 300_000, attemptsPerModel: 2, maxRetryWaitMs: 10_000, backoffMs: 1_000 },
  embedding: { firstTokenMs: 30_000, totalMs: 60_000, attemptsPerModel: 3, maxRetryWaitMs: 15_000, backoffMs: 1_000 },
};

/** How long to wait before retrying the same model, or undefined to move to the next one. */
export function retryDelayMs(error: ProviderError, attempt: number, policy: TaskPolicy): number | undefined {
  if (attempt >= policy.attemptsPerModel) return undefined;
  const wait = error.retryAfterMs ?? policy.backoffMs * 2 ** (attempt - 1);
  return wait <= policy.maxRetryWaitMs ? wait : undefined;
}

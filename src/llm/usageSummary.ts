import { type LedgerEntry, type RequestEntry, requestCost } from './usageEntry.ts';
import { dayKey, monthKey } from './usageLedger.ts';

export interface UsageTotals {
  readonly calls: number;
  readonly errors: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Every call's cost summed, estimated ones included; `estimatedCalls` says how many had no known price. */
  readonly costUsd: number;
  /** Calls counted at the conservative price because nobody priced their model. */
  readonly estimatedCalls: number;
  /** The part of `costUsd` that is estimated. */
  readonly estimatedUsd: number;
}

export interface PeriodUsage extends UsageTotals {
  readonly byFeature: Readonly<Record<string, UsageTotals>>;
  readonly byModel: Readonly<Record<string, UsageTotals>>;
  readonly completionsShown: number;
  readonly completionsAccepted: number;
  /** accepted / shown, or null when nothing was shown. */
  readonly acceptanceRate: number | null;
}

export interface UsageSummary {
  readonly today: PeriodUsage;
  readonly month: PeriodUsage;
}

/** Totals for today and this month (the user's local calendar), for "Groundwork: Show Usage". */
export function summarizeUsage(entries: readonly LedgerEntry[], now: number): UsageSummary {
  const today = dayKey(now);
  const month = monthKey(now);
  return {
    today: summarizePeriod(entries.filter((e) => dayKey(e.time) === today)),
    month: summarizePeriod(entries.filter((e) => monthKey(e.time) === month)),
  };
}

/** What today's requests cost so far, in US dollars (unpriced calls at the conservative estimate). */
export function spentToday(entries: readonly LedgerEntry[], now: number): number {
  return summarizeUsage(entries, now).today.costUsd;
}

function summarizePeriod(entries: readonly LedgerEntry[]): PeriodUsage {
  const requests = entries.filter((e): e is RequestEntry => e.type === 'request');
  const byFeature = groupTotals(requests, (e) => e.feature);
  const byModel = groupTotals(requests, (e) => e.model);
  const shown = entries.filter((e) => e.type === 'completionEvent' && e.event === 'shown').length;
  const accepted = entries.filter((e) => e.type === 'completionEvent' && e.event === 'accepted').length;
  return {
    ...totals(requests),
    byFeature,
    byModel,
    completionsShown: shown,
    completionsAccepted: accepted,
    acceptanceRate: shown > 0 ? accepted / shown : null,
  };
}

function groupTotals(requests: readonly RequestEntry[], keyOf: (entry: RequestEntry) => string): Record<string, UsageTotals> {
  const groups = new Map<string, RequestEntry[]>();
  for (const entry of requests) {
    const key = keyOf(entry);
    const group = groups.get(key) ?? [];
    group.push(entry);
    groups.set(key, group);
  }
  return Object.fromEntries([...groups].map(([key, group]) => [key, totals(group)]));
}

function totals(requests: readonly RequestEntry[]): UsageTotals {
  let errors = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  let estimatedCalls = 0;
  let estimatedUsd = 0;
  for (const entry of requests) {
    if (entry.outcome !== 'ok' && entry.outcome !== 'cancelled') errors++;
    inputTokens += entry.inputTokens;
    outputTokens += entry.outputTokens;
    const cost = requestCost(entry);
    costUsd += cost.usd;
    if (cost.estimated) {
      estimatedCalls++;
      estimatedUsd += cost.usd;
    }
  }
  return { calls: requests.length, errors, inputTokens, outputTokens, costUsd, estimatedCalls, estimatedUsd };
}

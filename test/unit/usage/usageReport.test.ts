import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestEntry } from '../../../src/llm/usageEntry.ts';
import { summarizeUsage } from '../../../src/llm/usageSummary.ts';
import { renderUsageReport } from '../../../src/usage/usageReport.ts';

test('the usage report shows totals, per-feature and per-model rows, and escapes names', () => {
  const now = Date.UTC(2026, 10, 21, 12);
  const base: Omit<RequestEntry, 'feature' | 'model' | 'costUsd'> = {
    type: 'request',
    time: now - 1000,
    task: 'chat',
    tier: 'heavy',
    provider: 'openai',
    inputTokens: 1000,
    outputTokens: 500,
    tokenSource: 'api',
    ttftMs: 100,
    totalMs: 900,
    outcome: 'ok',
    fallbackFrom: null,
    redactions: 0,
  };
  const entries: RequestEntry[] = [
    { ...base, feature: 'chat', model: 'openai/gpt-4o', costUsd: 0.0075 },
    { ...base, feature: '<script>', model: 'azure/gpt-next', costUsd: 0.0525, costEstimated: true },
  ];
  const html = renderUsageReport(summarizeUsage(entries, now), { dailyLimitUsd: 1 });
  assert.match(html, /<h2>Today<\/h2>/);
  assert.match(html, /\$0\.06<\/strong> of the \$1\.00 daily budget · 2 calls/);
  assert.match(html, /<th scope="row">openai\/gpt-4o<\/th><td>1<\/td>/);
  assert.match(html, /1 calls are <strong>estimated<\/strong> \(\$0\.05\)/);
  assert.match(html, /<th scope="row">azure\/gpt-next<\/th>.*\$0\.05 \(estimated\)<\/td>/);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&#60;script&#62;/);
});

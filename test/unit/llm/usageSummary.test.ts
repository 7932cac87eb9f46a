import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LedgerEntry } from '../../../src/llm/usageEntry.ts';
import { estimatedPrices } from '../../../src/llm/prices.ts';
import { spentToday, summarizeUsage } from '../../../src/llm/usageSummary.ts';
import { request } from './ledgerFixtures.ts';

const at = (day: number, hour = 12) => new Date(2026, 10, day, hour).getTime();

test('totals per feature and per model for today and this month, with acceptance rate', () => {
  const entries: LedgerEntry[] = [
    request(new Date(2026, 9, 30).getTime(), { costUsd: 100 }),
    request(at(1), { feature: 'refactor', costUsd: 1, inputTokens: 1000, outputTokens: 100 }),
    request(at(21, 9), { feature: 'completion', model: 'openai/gpt-4o-mini', costUsd: 0.001, inputTokens: 50, outputTokens: 5 }),
    request(at(21, 10), { feature: 'completion', model: 'openai/gpt-4o-mini', costUsd: 0.002, outcome: 'rateLimited', inputTokens: 0, outputTokens: 0 }),
    request(at(21, 11), { feature: 'chat', model: 'local/qwen', costUsd: 0, inputTokens: 10, outputTokens: 20 }),
    { type: 'completionEvent', time: at(21, 9), event: 'shown', model: 'openai/gpt-4o-mini' },
    { type: 'completionEvent', time: at(21, 9), event: 'shown', model: 'openai/gpt-4o-mini' },
    { type: 'completionEvent', time: at(21, 9), event: 'shown', model: 'openai/gpt-4o-mini' },
    { type: 'completionEvent', time: at(21, 9), event: 'accepted', model: 'openai/gpt-4o-mini' },
  ];
  const summary = summarizeUsage(entries, at(21, 20));
  assert.equal(summary.today.calls, 3);
  assert.equal(summary.today.errors, 1);
  assert.equal(summary.today.costUsd, 0.003);
  assert.equal(summary.today.estimatedCalls, 0);
  assert.equal(summary.today.inputTokens, 60);
  assert.equal(summary.today.completionsShown, 3);
  assert.equal(summary.today.completionsAccepted, 1);
  assert.equal(summary.today.acceptanceRate, 1 / 3);
  assert.deepEqual(Object.keys(summary.today.byFeature).sort(), ['chat', 'completion']);
  assert.equal(summary.today.byModel['openai/gpt-4o-mini']?.calls, 2);
  assert.equal(summary.month.calls, 4);
  assert.equal(summary.month.byFeature.refactor?.costUsd, 1);
  assert.equal(summary.month.costUsd, 1.003);
  assert.equal(spentToday(entries, at(21, 20)), 0.003);
});

test('nothing shown means no acceptance rate rather than zero', () => {
  const summary = summarizeUsage([], at(21));
  assert.equal(summary.today.acceptanceRate, null);
  assert.equal(summary.month.calls, 0);
});

test('a call with no known price counts at the stated conservative price, marked estimated, never free', () => {
  const entries: LedgerEntry[] = [
    // Written by the gateway now: priced at the estimate and marked.
    request(at(21, 9), { model: 'azure/my-deployment', costUsd: 0.5, costEstimated: true }),
    // Written before every model had a price: re-priced at the estimate on reading.
    request(at(21, 10), { model: 'anthropic/claude-sonnet-9', costUsd: null, inputTokens: 1_000_000, outputTokens: 0 }),
    request(at(21, 11), { task: 'embedding', model: 'azure/embedder', costUsd: null, inputTokens: 1_000_000, outputTokens: 0 }),
  ];
  const today = summarizeUsage(entries, at(21, 20)).today;
  assert.equal(today.estimatedCalls, 3);
  assert.equal(today.costUsd, 0.5 + estimatedPrices.text.input + estimatedPrices.embedding.input);
  assert.equal(today.estimatedUsd, today.costUsd);
  assert.ok(estimatedPrices.text.input >= 15 && estimatedPrices.text.output >= 75, 'the dearest chat model in the table');
  assert.equal(spentToday(entries, at(21, 20)), today.costUsd);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nullLogger } from '../../../src/common/logger.ts';
import type { BudgetStatus } from '../../../src/llm/modelGateway.ts';
import { estimatedPrices } from '../../../src/llm/prices.ts';
import { ProviderError } from '../../../src/llm/providerError.ts';
import { UsageLedger } from '../../../src/llm/usageLedger.ts';
import { BudgetMonitor } from '../../../src/status/budgetMonitor.ts';
import { startHarness } from './gatewayHarness.ts';

const ask = [{ role: 'user' as const, content: 'Explain the invoice module.' }];
const isBudget = (error: unknown) => error instanceof ProviderError && error.reason === 'budget';

test('two windows share one daily budget: what one spent stops the other before it sends', async () => {
  const settings = { 'budget.dailyUsd': 0.001, prices: { 'openai/gpt-4o': { input: 1000, output: 1000 } } };
  const first = await startHarness({ settings });
  // The second window: its own gateway and ledger instance over the same directory.
  const second = await startHarness({ settings, gateway: { ledger: new UsageLedger({ directory: first.directory }) } });
  try {
    // The second window has looked at today's spend before the first one spent anything.
    assert.equal((await second.gateway.budgetStatus()).exceeded, false);
    first.server.script({ kind: 'text', text: 'expensive', usage: { input: 10, output: 10 } });
    await first.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask }).result;
    await first.ledger.flush();

    second.server.script({ kind: 'text', text: 'x' });
    await assert.rejects(second.gateway.complete({ messages: ask, prefix: 'a', suffix: '' }).result, isBudget);
    assert.equal(second.server.requests.length, 0, 'nothing left the second window');
    assert.equal((await second.gateway.budgetStatus()).exceeded, true);
  } finally {
    await second.close();
    await first.close();
  }
});

test('a model with no known price is counted at the conservative price and can exhaust the budget', async () => {
  // A Claude model newer than the price table.
  const h = await startHarness({ settings: { 'budget.dailyUsd': 0.01, 'models.chat': 'anthropic/claude-sonnet-9' } });
  try {
    h.server.script({ kind: 'text', text: 'answer', usage: { input: 1000, output: 100 } });
    const result = await h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask }).result;
    const expected = (1000 * estimatedPrices.text.input + 100 * estimatedPrices.text.output) / 1_000_000;
    assert.equal(result.costUsd, expected);
    assert.equal(h.entries[0]?.costUsd, expected);
    assert.equal(h.entries[0]?.costEstimated, true);
    assert.equal((await h.gateway.budgetStatus()).spentUsd, expected);
    await assert.rejects(h.gateway.complete({ messages: ask, prefix: 'a', suffix: '' }).result, isBudget);
  } finally {
    await h.close();
  }
});

test('a model on an endpoint marked local costs nothing; a user price replaces the estimate', async () => {
  const h = await startHarness({ settings: { 'models.completion': 'local/qwen2.5-coder', 'models.chat': 'anthropic/claude-sonnet-9', prices: { 'anthropic/claude-sonnet-9': { input: 1, output: 1 } } } });
  try {
    h.server.script({ kind: 'text', text: 'x', usage: { input: 1000, output: 10 } }, { kind: 'text', text: 'y', usage: { input: 1000, output: 0 } });
    await h.gateway.complete({ messages: ask, prefix: 'a', suffix: '' }).result;
    await h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask }).result;
    assert.deepEqual(
      h.entries.map((entry) => [entry.model, entry.costUsd, entry.costEstimated ?? false]),
      [
        ['local/qwen2.5-coder', 0, false],
        ['anthropic/claude-sonnet-9', 1000 / 1_000_000, false],
      ],
    );
  } finally {
    await h.close();
  }
});

/** Timers under the test's hand: `fire` runs what is due at the fake clock's time. */
function fakeTimers(clock: { now: number }) {
  const pending = new Map<number, { at: number; run: () => void }>();
  let next = 0;
  return {
    timers: {
      setTimeout: (run: () => void, ms: number) => {
        pending.set(++next, { at: clock.now + ms, run });
        return next;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    fireDue: () => {
      for (const [id, timer] of [...pending]) {
        if (timer.at <= clock.now) {
          pending.delete(id);
          timer.run();
        }
      }
    },
  };
}

test('paused by budget lifts at midnight, and when the limit is raised, with no request needed', async () => {
  const clock = { now: new Date(2026, 10, 21, 23, 0).getTime() };
  const h = await startHarness({
    settings: { 'budget.dailyUsd': 0.001, prices: { 'openai/gpt-4o': { input: 1000, output: 1000 } } },
    gateway: { now: () => clock.now },
  });
  const { timers, fireDue } = fakeTimers(clock);
  const monitor = new BudgetMonitor({
    read: () => h.gateway.budgetStatus(),
    triggers: [h.gateway.onDidRequest, h.gateway.onDidRefuseForBudget, h.settings.onDidChange],
    logger: nullLogger,
    now: () => clock.now,
    timers,
  });
  const seen: BudgetStatus[] = [];
  monitor.onDidChange((status) => seen.push(status));
  const nextChange = () =>
    new Promise<BudgetStatus>((resolve) => {
      const subscription = monitor.onDidChange((status) => {
        subscription.dispose();
        resolve(status);
      });
    });
  const spendPastTheLimit = async () => {
    h.server.script({ kind: 'text', text: 'expensive', usage: { input: 10, output: 10 } });
    const changed = nextChange();
    await h.gateway.streamChat({ task: 'chat', feature: 'chat', messages: ask }).result;
    return changed;
  };
  try {
    assert.equal((await spendPastTheLimit()).exceeded, true, 'paused');

    // Midnight passes: the timer alone, no request, lifts the pause.
    clock.now = new Date(2026, 10, 22, 0, 0, 2).getTime();
    const atMidnight = nextChange();
    fireDue();
    const newDay = await atMidnight;
    assert.equal(newDay.exceeded, false, 'a new day, a new budget');
    assert.equal(newDay.spentUsd, 0);

    // Spent past the limit again, then the user raises it.
    assert.equal((await spendPastTheLimit()).exceeded, true);
    const raised = nextChange();
    h.settings.set('budget.dailyUsd', 100);
    assert.equal((await raised).exceeded, false, 'a raised limit lifts the pause');
    assert.ok(seen.length >= 4);
  } finally {
    monitor.dispose();
    await h.close();
  }
});

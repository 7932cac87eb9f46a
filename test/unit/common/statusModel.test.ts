import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStatus } from '../../../src/status/statusModel.ts';

test('the status bar says what Groundwork is doing, most urgent first', () => {
  const ready = { kind: 'ready', providers: ['openai'] } as const;
  const cases = [
    { facts: { readiness: undefined }, text: /loading/, command: 'groundwork.showMenu' },
    { facts: { readiness: { kind: 'notConfigured', missingKeys: ['openai', 'anthropic'] } as const }, text: /Set up/, tooltip: /OpenAI and Anthropic/, command: 'groundwork.setApiKey' },
    { facts: { readiness: ready }, text: /^\$\(check\) Groundwork$/, command: 'groundwork.showMenu' },
    { facts: { readiness: ready, showSpend: true, spend: { spentUsd: 0.1234, limitUsd: 0, exceeded: false } }, text: /Groundwork \$0\.12$/ },
    { facts: { readiness: ready, showSpend: true, spend: { spentUsd: 0.004, limitUsd: 1, exceeded: false } }, text: /\$0\.0040$/, tooltip: /of \$1\.00/ },
    { facts: { readiness: ready, spend: { spentUsd: 2, limitUsd: 2, exceeded: true } }, text: /paused by budget/, tooltip: /Raise groundwork\.budget\.dailyUsd/ },
    { facts: { readiness: ready, completion: { state: 'requesting' } as const }, text: /loading~spin\) Groundwork$/, tooltip: /Asking for a completion/ },
    { facts: { readiness: ready, completion: { state: 'paused', by: 'user' } as const }, text: /debug-pause/, command: 'groundwork.toggleCompletions' },
    { facts: { readiness: ready, completion: { state: 'paused', by: 'restricted' } as const }, text: /workspace-untrusted/, tooltip: /Restricted Mode/ },
    { facts: { readiness: ready, completion: { state: 'error', reason: 'rateLimited', message: 'slow down' } as const }, text: /warning/, tooltip: /rateLimited\): slow down/ },
    { facts: { readiness: ready, completion: { state: 'paused', by: 'budget' } as const, spend: { spentUsd: 3, limitUsd: 2, exceeded: true } }, text: /paused by budget/ },
  ];
  for (const { facts, text, tooltip, command } of cases) {
    const view = describeStatus(facts);
    assert.match(view.text, text);
    if (tooltip) assert.match(view.tooltip, tooltip);
    if (command) assert.equal(view.command, command);
  }
});

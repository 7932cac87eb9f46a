import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAgentHarness } from './agentHarness.ts';

test('the daily budget covers the whole task: past it the user is asked once, and a no ends the task as failed with the budget reason', async () => {
  const asked: number[] = [];
  let answer = true;
  const agent = await startAgentHarness({
    files: { 'a.ts': 'a\n' },
    harness: { settings: { 'budget.dailyUsd': 0.001 }, gateway: { confirmOverBudget: async (spent) => (asked.push(spent), answer) } },
  });
  try {
    const read = { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'a.ts' } }], usage: { input: 4_000, output: 0 } } as const;
    agent.gateway.server.script(read, read, read, { kind: 'text', text: 'done' });
    const result = await agent.loop().run('read it thrice');
    assert.equal(result.end, 'done');
    assert.equal(agent.gateway.server.requests.length, 4);
    assert.equal(asked.length, 1, 'asked once for the task, not at every step');

    answer = false;
    agent.gateway.server.script(read);
    const refused = await agent.loop().run('again');
    assert.equal(refused.end, 'failed');
    assert.equal((refused.error as { reason?: string }).reason, 'budget');
    assert.equal(asked.length, 2, 'a new task asks again');
    assert.equal(agent.gateway.server.requests.length, 4, 'nothing was sent');
  } finally {
    await agent.close();
  }
});

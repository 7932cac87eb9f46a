import assert from 'node:assert/strict';
import { test } from 'node:test';
import { droppedResultText } from '../../../src/agent/conversationFit.ts';
import { recordedToolResults } from '../../support/modelServer/modelServer.ts';
import { startAgentHarness } from './agentHarness.ts';

const bigFile = (name: string) => Array.from({ length: 300 }, (_, i) => `${name} ${i + 1} ${'x'.repeat(60)}`).join('\n');

test('large results are cut with a note, and old results leave the conversation before it outgrows the window', async () => {
  const agent = await startAgentHarness({ files: { 'a.txt': bigFile('a'), 'b.txt': bigFile('b') } });
  try {
    agent.gateway.server.script(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'a.txt', startLine: 1, endLine: 300 } }] },
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'b.txt', startLine: 1, endLine: 300 } }] },
      { kind: 'text', text: 'done' },
    );
    // One token a character: a cut result (about 4,000 characters) fits the window once, not twice.
    const loop = agent.loop({ counter: { count: (text) => text.length }, resultBudgetChars: 4_000, maxReplyTokens: 1_000, contextWindowTokens: 1_000 + 1_024 + 5_000 + 7_000 });
    const result = await loop.run('read both');
    assert.equal(result.end, 'done');
    const [second, third] = [agent.gateway.server.requests[1]!, agent.gateway.server.requests[2]!];
    const first = recordedToolResults(second)[0]!;
    assert.ok(first.content.length <= 4_200, String(first.content.length));
    assert.match(first.content, /\[Result cut to about 4000 characters to fit the tool result budget/);
    const kept = Number(/a\.txt, lines 1-(\d+)/.exec(first.content)![1]);
    assert.deepEqual(agent.requests[1]!.sources, [{ path: 'a.txt', startLine: 1, endLine: kept }]);

    const [dropped, latest] = recordedToolResults(third);
    assert.equal(dropped!.content, droppedResultText);
    assert.match(latest!.content, /b\.txt, lines 1-/);
    // The audit record lists what the call carried: b.txt's lines, no longer a.txt's.
    assert.deepEqual(agent.requests[2]!.sources.map((source) => source.path), ['b.txt']);
  } finally {
    await agent.close();
  }
});

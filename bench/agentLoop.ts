/**
 * What the agent loop itself costs per step, network and tool work excluded: the gateway's
 * routing, redaction of the whole conversation, stream plumbing and ledger, plus the loop's own
 * result rendering and fencing, window fit and edit collection, against an in-memory provider that
 * answers each step at once and an in-memory workspace.
 *   node bench/agentLoop.ts [tasks]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLoop } from '../src/agent/agentLoop.ts';
import type { AgentPorts } from '../src/agent/agentWorkspace.ts';
import { nullLogger } from '../src/common/logger.ts';
import { MemorySettingsSource, Settings } from '../src/common/settings.ts';
import { ModelGateway } from '../src/llm/modelGateway.ts';
import type { ModelProvider, ProviderEvent, ToolChatCall } from '../src/llm/modelProvider.ts';
import { UsageLedger } from '../src/llm/usageLedger.ts';
import { FileAccessPolicy } from '../src/safety/fileAccessPolicy.ts';
import { SecretRedactor } from '../src/safety/secretRedactor.ts';

const files = new Map<string, string>();
for (let i = 0; i < 200; i++) {
  files.set(`src/module${i}.ts`, Array.from({ length: 80 }, (_, line) => `export const value${i}_${line} = compute(${line}); // line ${line}`).join('\n'));
}

/** Answers by how far the conversation has come: `reads` steps of two reads, one edit, then the summary. */
function scriptedProvider(reads: number): ModelProvider {
  const call = (id: string, name: string, args: unknown): ProviderEvent => ({ kind: 'toolCall', call: { id, name, arguments: JSON.stringify(args) } });
  return {
    name: 'memory',
    nativeFim: false,
    toolCalling: true,
    async *streamChat() {
      yield { kind: 'end', finishReason: 'stop' };
    },
    async *streamFim() {
      yield { kind: 'end', finishReason: 'stop' };
    },
    async embed() {
      return { vectors: [] };
    },
    async *streamWithTools(request: ToolChatCall) {
      const step = request.messages.filter((message) => message.role === 'assistant').length;
      if (step < reads) {
        yield call(`r${step}a`, 'read_file', { path: `src/module${step % 200}.ts` });
        yield call(`r${step}b`, 'read_file', { path: `src/module${(step + 100) % 200}.ts`, startLine: 10, endLine: 40 });
      } else if (step === reads) {
        yield call('e', 'propose_edits', { edits: [{ path: 'src/module0.ts', search: 'export const value0_3 = compute(3); // line 3', replace: 'export const value0_3 = compute(3, 1); // line 3' }] });
      } else {
        yield { kind: 'text', text: 'Changed src/module0.ts:4 to pass the new argument.' };
      }
      yield { kind: 'end', finishReason: step > reads ? 'stop' : 'tool_calls' };
      yield { kind: 'usage', inputTokens: 1_000, outputTokens: 50 };
    },
  };
}

const ports: AgentPorts = {
  workspace: { read: async (path) => files.get(path), listFiles: async () => [...files.keys()] },
  policy: new FileAccessPolicy(),
  search: async () => [],
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const directory = await mkdtemp(join(tmpdir(), 'groundwork-bench-agent-'));
try {
  const settings = new Settings(new MemorySettingsSource({ 'models.heavy': 'memory/big', 'models.heavyFallbacks': [] }), nullLogger);
  const ledger = new UsageLedger({ directory });
  const tasks = Number(process.argv[2] ?? 100);
  console.log('Agent loop overhead per step (model call + its tool results), in-memory provider and workspace, SecretRedactor on');
  for (const reads of [1, 10, 30]) {
    const providers = { get: async () => scriptedProvider(reads), isLocal: () => false };
    const gateway = new ModelGateway({ settings, providers, ledger, contentFilter: new SecretRedactor() });
    const loop = new AgentLoop({ gateway, ports, limits: { maxSteps: 100, maxCostUsd: 0 } });
    const steps = reads + 2;
    for (let i = 0; i < 5; i++) await loop.run('Pass 1 to compute in module0.');
    const perStep: number[] = [];
    for (let i = 0; i < tasks; i++) {
      const start = performance.now();
      const result = await loop.run('Pass 1 to compute in module0.');
      perStep.push(((performance.now() - start) * 1000) / steps);
      if (result.end !== 'done' || result.editSet?.files.length !== 1) throw new Error(`the scripted task ended ${result.end}`);
    }
    perStep.sort((a, b) => a - b);
    const mean = perStep.reduce((sum, value) => sum + value, 0) / perStep.length;
    console.log(
      `${`task of ${steps} steps (${reads * 2} file reads)`.padEnd(36)} per step p50 ${percentile(perStep, 50).toFixed(0).padStart(6)} µs   p99 ${percentile(perStep, 99).toFixed(0).padStart(6)} µs   mean ${mean.toFixed(0).padStart(6)} µs   (n=${tasks} tasks)`,
    );
    gateway.dispose();
  }
  await ledger.flush();
} finally {
  await rm(directory, { recursive: true, force: true });
}

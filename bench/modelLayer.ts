/**
 * What the model layer costs per request, network excluded: routing (with the token count a
 * completion needs for escalation), the content filter, the stream plumbing, retries bookkeeping
 * and the ledger write, against an in-memory provider that answers at once.
 *   node bench/modelLayer.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullLogger } from '../src/common/logger.ts';
import { MemorySettingsSource, Settings } from '../src/common/settings.ts';
import type { ContentFilter } from '../src/llm/contentFilter.ts';
import { ModelGateway } from '../src/llm/modelGateway.ts';
import type { ModelProvider, ProviderEvent } from '../src/llm/modelProvider.ts';
import { UsageLedger } from '../src/llm/usageLedger.ts';

/** The chat phrasing every completion request carries, for a model without native FIM. */
const ask = [{ role: 'user' as const, content: 'Complete the code at the cursor.' }];

const answer: ProviderEvent[] = [
  { kind: 'text', text: 'return a ' },
  { kind: 'text', text: '+ b;' },
  { kind: 'end', finishReason: 'stop' },
  { kind: 'usage', inputTokens: 900, outputTokens: 4 },
];

const instant: ModelProvider = {
  name: 'memory',
  nativeFim: true,
  async *streamChat() {
    yield* answer;
  },
  async *streamFim() {
    yield* answer;
  },
  async embed(call) {
    return { vectors: call.inputs.map(() => [0, 1]), inputTokens: 1 };
  },
};

const secretPattern = /\b(?:sk-[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16})\b/g;
const regexFilter: ContentFilter = {
  redact(text) {
    let count = 0;
    const redacted = text.replace(secretPattern, () => {
      count++;
      return '[redacted]';
    });
    return { text: redacted, count };
  },
};

const prefix = Array.from({ length: 120 }, (_, i) => `  const value${i} = compute(${i}, options); // line ${i}\n`).join('');
const suffix = Array.from({ length: 40 }, (_, i) => `  log(value${i});\n`).join('');
const chatMessages = [
  { role: 'system' as const, content: 'You are a careful assistant for this repository.' },
  { role: 'user' as const, content: `Explain this code:\n${prefix}` },
];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(label: string, iterations: number, run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await run();
    samples.push((performance.now() - start) * 1000);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  console.log(
    `${label.padEnd(46)} p50 ${percentile(samples, 50).toFixed(0).padStart(6)} µs   p99 ${percentile(samples, 99).toFixed(0).padStart(6)} µs   mean ${mean.toFixed(0).padStart(6)} µs   (n=${iterations})`,
  );
}

const directory = await mkdtemp(join(tmpdir(), 'groundwork-bench-'));
try {
  const settings = new Settings(
    new MemorySettingsSource({ 'models.completion': 'memory/coder', 'models.heavy': 'memory/big', 'models.heavyFallbacks': [], 'models.embedding': 'memory/embed' }),
    nullLogger,
  );
  const ledger = new UsageLedger({ directory });
  const providers = { get: async () => instant, isLocal: () => false };
  const plain = new ModelGateway({ settings, providers, ledger });
  const filtered = new ModelGateway({ settings, providers, ledger, contentFilter: regexFilter });
  const iterations = Number(process.argv[2] ?? 2000);

  console.log(`Model layer overhead per request, in-memory provider (prefix ${prefix.length} chars, suffix ${suffix.length} chars)`);
  await measure('completion (FIM), pass-through filter', iterations, () => plain.complete({ messages: ask, prefix, suffix }).result);
  await measure('completion (FIM), regex secret filter', iterations, () => filtered.complete({ messages: ask, prefix, suffix }).result);
  const longPrefix = prefix.repeat(3);
  await measure(`completion over ${8_000} bytes (exact token count)`, Math.ceil(iterations / 10), () => plain.complete({ messages: ask, prefix: longPrefix, suffix }).result);
  await measure('chat stream, iterated, regex secret filter', iterations, async () => {
    const stream = filtered.streamChat({ task: 'chat', feature: 'chat', messages: chatMessages });
    for await (const _event of stream) {
      // drain
    }
    return stream.result;
  });
  await measure('embedding batch of 16, regex secret filter', iterations, () =>
    filtered.embed({ feature: 'index', inputs: Array.from({ length: 16 }, (_, i) => `chunk ${i} ${suffix}`) }),
  );
  const flushStart = performance.now();
  await ledger.flush();
  console.log(`ledger: ${iterations * 4 + Math.ceil(iterations / 10) + 1000} appends flushed ${(performance.now() - flushStart).toFixed(0)} ms after the last request`);
} finally {
  await rm(directory, { recursive: true, force: true });
}

// Typing replay: types part of a real source file (picomatch's parser, read in place from
// node_modules) one character at a time at human intervals, through the real completion engine,
// gateway and OpenAI SDK, against the fake model server with a fixed 150 ms time to first token.
// It compares Groundwork's defaults with Continue's (350 ms debounce, no typed-ahead reuse).
//   node bench/typingReplay.ts [--chars 600] [--seed 7] [--debounce 75,150]  (Groundwork at each debounce)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nullLogger } from '../src/common/logger.ts';
import { MemorySettingsSource, Settings } from '../src/common/settings.ts';
import { CompletionEngine, type CompletionEngineOptions, type CompletionResult, defaultEngineOptions } from '../src/completion/completionEngine.ts';
import { gatewayCompletionModel } from '../src/completion/gatewayCompletionModel.ts';
import { ApiKeys } from '../src/llm/apiKeys.ts';
import { ModelGateway } from '../src/llm/modelGateway.ts';
import { ProviderRegistry } from '../src/llm/providerRegistry.ts';
import { UsageLedger } from '../src/llm/usageLedger.ts';
import { MemorySecretStore } from '../test/support/memorySecretStore.ts';
import { seededRandom } from '../test/support/seededRandom.ts';
import { startModelServer } from '../test/support/modelServer/modelServer.ts';

const { values } = parseArgs({
  options: { chars: { type: 'string', default: '600' }, seed: { type: 'string', default: '7' }, debounce: { type: 'string' } },
});
const sourcePath = 'node_modules/picomatch/lib/parse.js';
const source = await readFile(sourcePath, 'utf8');
// Start typing inside the parser's body, at a line start, where real code is dense.
const start = source.indexOf('\n', source.indexOf('const parse = (input, options) =>')) + 1;
const typedText = source.slice(start, start + Number(values.chars));
const before = source.slice(0, start);
const after = source.slice(start + typedText.length);

// Seeded, so every run types with the same rhythm.
const random = seededRandom;

/** Milliseconds before each keystroke: bursts of 70–170 ms, longer after a newline, and thinking pauses. */
function intervals(seed: number): number[] {
  const next = random(seed);
  return [...typedText].map((char) => {
    if (char === '\n') return 400 + next() * 500;
    if (next() < 0.06) return 800 + next() * 1200;
    return 70 + next() * 100;
  });
}

interface Config {
  readonly name: string;
  readonly options: Partial<CompletionEngineOptions>;
}

interface Outcome {
  readonly requests: number;
  readonly shown: number;
  readonly fromCacheOrTypedAhead: number;
  readonly pauses: number;
  readonly pausesWithSuggestion: number;
  readonly pausesWithRightSuggestion: number;
  /** Keystroke to a fresh suggestion: from the model, for this keystroke or one it typed forward from. */
  readonly latenciesMs: number[];
  /** The same, only for suggestions whose request this keystroke sent. */
  readonly ownLatenciesMs: number[];
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function replay(config: Config, seed: number): Promise<Outcome> {
  const next = random(seed + 1);
  let cursor = 0;
  // The fake model answers like a good but imperfect model: the rest of the line two times in three.
  const server = await startModelServer({
    responder: () => {
      const rest = typedText.slice(cursor) + after;
      const line = rest.slice(0, Math.max(0, rest.indexOf('\n')));
      const text = next() < 0.67 || line.length < 2 ? line : `${line.slice(0, 1)}${line.slice(1).split('').reverse().join('')}`;
      return { kind: 'text', text: text || ' ', ttftMs: 150, chunkDelayMs: 5 };
    },
  });
  const directory = await mkdtemp(join(tmpdir(), 'groundwork-replay-'));
  const settings = new Settings(new MemorySettingsSource({ 'openai.baseUrl': `${server.url}/v1` }), nullLogger);
  const keys = new ApiKeys(new MemorySecretStore(), { OPENAI_API_KEY: 'sk-replay' });
  const registry = new ProviderRegistry(settings, keys);
  const gateway = new ModelGateway({ settings, providers: registry, ledger: new UsageLedger({ directory }) });
  const engine = new CompletionEngine({ model: () => gatewayCompletionModel(gateway, false), isReadable: () => true }, config.options);
  engine.warmUp();

  let latest: { keystroke: number; result: CompletionResult | undefined } | undefined;
  let controller: AbortController | undefined;
  const outcome: Outcome = { requests: 0, shown: 0, fromCacheOrTypedAhead: 0, pauses: 0, pausesWithSuggestion: 0, pausesWithRightSuggestion: 0, latenciesMs: [], ownLatenciesMs: [] };
  const waits = intervals(seed);
  const mutable = outcome as { -readonly [K in keyof Outcome]: Outcome[K] };
  for (let keystroke = 0; keystroke < typedText.length; keystroke++) {
    cursor = keystroke + 1;
    controller?.abort();
    controller = new AbortController();
    const typed = before + typedText.slice(0, cursor);
    const lines = typed.split('\n');
    const document = { path: 'lib/parse.js', languageId: 'javascript', version: keystroke, text: typed + after };
    const position = { line: lines.length - 1, character: lines.at(-1)!.length };
    const pressed = performance.now();
    const current = keystroke;
    void engine.provide({ document, position, trigger: 'automatic' }, controller.signal).then((result) => {
      if (result) {
        mutable.shown++;
        const latency = performance.now() - pressed;
        if (result.source === 'model' || result.source === 'joined') mutable.latenciesMs.push(latency);
        if (result.source === 'model') mutable.ownLatenciesMs.push(latency);
        else mutable.fromCacheOrTypedAhead++;
      }
      latest = { keystroke: current, result };
    });
    const wait = waits[keystroke + 1] ?? 0;
    await delay(wait);
    if (wait >= 500) {
      mutable.pauses++;
      const visible = latest?.keystroke === current && latest.result?.text;
      if (visible) {
        mutable.pausesWithSuggestion++;
        const upcoming = typedText.slice(cursor);
        if (upcoming.startsWith(latest!.result!.text.slice(0, Math.min(8, latest!.result!.text.length)))) mutable.pausesWithRightSuggestion++;
      }
    }
  }
  await delay(1000);
  mutable.requests = server.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
  engine.dispose();
  gateway.dispose();
  registry.dispose();
  await server.close();
  await rm(directory, { recursive: true, force: true });
  return outcome;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
};

const debounces = (values.debounce ?? String(defaultEngineOptions.debounceMs)).split(',').map(Number);
const configs: Config[] = [
  ...debounces.map((debounceMs) => ({
    name: `Groundwork (${debounceMs} ms debounce; a sent request kept while the user types forward; typed-ahead reuse)`,
    options: { debounceMs, typedAhead: true, joinSent: true },
  })),
  { name: 'Groundwork 0.1 (150 ms debounce, every keystroke aborts; typed-ahead reuse)', options: { debounceMs: 150, typedAhead: true, joinSent: false } },
  { name: "Continue's defaults (350 ms debounce, no typed-ahead)", options: { debounceMs: 350, typedAhead: false, joinSent: false } },
];
console.log(`typing replay: ${typedText.length} characters of ${sourcePath}, seed ${values.seed}, time to first token 150 ms`);
for (const config of configs) {
  const result = await replay(config, Number(values.seed));
  const per100 = (result.requests / typedText.length) * 100;
  console.log(`\n${config.name}`);
  console.log(`  requests per 100 typed characters: ${per100.toFixed(1)}`);
  console.log(`  suggestions shown: ${result.shown}; from cache or typed-ahead: ${((result.fromCacheOrTypedAhead / Math.max(1, result.shown)) * 100).toFixed(0)}%`);
  console.log(`  pauses (>= 500 ms): ${result.pauses}; with a suggestion visible: ${((result.pausesWithSuggestion / Math.max(1, result.pauses)) * 100).toFixed(0)}%; with one matching what was typed next: ${((result.pausesWithRightSuggestion / Math.max(1, result.pauses)) * 100).toFixed(0)}%`);
  console.log(`  keystroke to fresh suggestion: p50 ${percentile(result.latenciesMs, 50).toFixed(0)} ms, p90 ${percentile(result.latenciesMs, 90).toFixed(0)} ms (${result.latenciesMs.length})`);
  console.log(`  … only where this keystroke sent the request: p50 ${percentile(result.ownLatenciesMs, 50).toFixed(0)} ms (${result.ownLatenciesMs.length})`);
}

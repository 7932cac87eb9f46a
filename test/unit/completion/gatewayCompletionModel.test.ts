import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompletionEngine } from '../../../src/completion/completionEngine.ts';
import { gatewayCompletionModel, isFimModel } from '../../../src/completion/gatewayCompletionModel.ts';
import type { ChatPrompt, FimPrompt } from '../../../src/completion/types.ts';
import { startHarness } from '../llm/gatewayHarness.ts';

const sources = [
  { kind: 'prefix', path: 'src/a.ts', tokens: 30 },
  { kind: 'suffix', path: 'src/a.ts', tokens: 10 },
  { kind: 'import', path: 'src/money.ts', tokens: 20 },
] as const;

async function collect(iterable: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const delta of iterable) text += delta;
  return text;
}

const chatForm: ChatPrompt = { kind: 'chat', messages: [{ role: 'user', content: 'fill <CURSOR/>' }], maxTokens: 64, sources };
const fimForm: FimPrompt = { kind: 'fim', prompt: 'function f() {\n  ', suffix: '\n}', stop: ['\n\n'], maxTokens: 64, sources };

test('each model is sent the form it takes: chat completions for a chat model, /v1/completions with suffix for a FIM endpoint', async () => {
  const harness = await startHarness();
  try {
    harness.server.script({ kind: 'text', text: 'return 1;' });
    const chat = gatewayCompletionModel(harness.gateway, false).stream({ chat: chatForm, fim: fimForm }, new AbortController().signal);
    assert.equal(await collect(chat), 'return 1;');
    assert.equal(chat.form, 'chat');
    const chatRequest = harness.server.requests.at(-1)!;
    assert.match(chatRequest.path, /\/chat\/completions$/);
    assert.equal((chatRequest.body as { model: string }).model, 'gpt-4o-mini');
    assert.deepEqual((chatRequest.body as { messages: unknown }).messages, chatForm.messages);

    harness.server.script({ kind: 'text', text: 'return 2;' });
    harness.settings.set('models.completion', 'local/coder');
    const fim = gatewayCompletionModel(harness.gateway, true).stream({ chat: chatForm, fim: fimForm }, new AbortController().signal);
    assert.equal(await collect(fim), 'return 2;');
    assert.equal(fim.form, 'fim');
    const fimRequest = harness.server.requests.at(-1)!;
    assert.match(fimRequest.path, /\/v1\/completions$/);
    const body = fimRequest.body as { prompt: string; suffix: string; model: string };
    assert.deepEqual([body.model, body.prompt, body.suffix], ['coder', 'function f() {\n  ', '\n}']);
  } finally {
    await harness.close();
  }
});

// Finding: the prompt was chosen from the first model only, so a FIM-first chain that fell back
// to a chat model sent the gateway's own chat phrasing and got FIM clean-up.
test('a FIM-first chain that falls back to a chat model sends it the chat form, and says so', async () => {
  const harness = await startHarness({ settings: { 'models.completion': 'local/coder', 'models.completionFallbacks': ['openai/gpt-4o-mini'] } });
  try {
    harness.server.script({ kind: 'error', status: 503, path: '/completions' }, { kind: 'text', text: 'return 3;' });
    const stream = gatewayCompletionModel(harness.gateway, true).stream({ chat: chatForm, fim: fimForm }, new AbortController().signal);
    assert.equal(await collect(stream), 'return 3;');
    assert.equal(stream.form, 'chat');
    const last = harness.server.requests.at(-1)!;
    assert.match(last.path, /\/chat\/completions$/);
    assert.deepEqual((last.body as { messages: unknown }).messages, chatForm.messages);
  } finally {
    await harness.close();
  }
});

test('the audit sees each file the prompt drew on once, and the ledger the engine\'s token count', async () => {
  const harness = await startHarness();
  const seen: string[][] = [];
  harness.gateway.onDidRequest((event) => seen.push(event.sources.map((source) => source.path)));
  try {
    harness.server.script({ kind: 'text', text: 'x' });
    await collect(gatewayCompletionModel(harness.gateway, false).stream({ chat: chatForm, fim: fimForm }, new AbortController().signal));
    assert.deepEqual(seen, [['src/a.ts', 'src/money.ts']]);
  } finally {
    await harness.close();
  }
});

test('only endpoints marked fim serve native fill-in-the-middle', () => {
  const endpoints = [{ name: 'ollama', baseUrl: 'http://localhost:11434/v1', fim: true }, { name: 'vllm', baseUrl: 'http://x/v1' }];
  assert.equal(isFimModel('ollama/qwen2.5-coder', endpoints), true);
  assert.equal(isFimModel('vllm/deepseek', endpoints), false);
  assert.equal(isFimModel('openai/gpt-4o-mini', endpoints), false);
  assert.equal(isFimModel('not a model', endpoints), false);
});

test('a keystroke that leaves the place aborts the HTTP request of the one before: the server sees the connection close', async () => {
  const harness = await startHarness();
  try {
    const engine = new CompletionEngine({ model: () => gatewayCompletionModel(harness.gateway, false), isReadable: () => true }, { debounceMs: 0 });
    // The first answer is slow to start; the second comes at once.
    harness.server.script({ kind: 'text', text: 'return total;', ttftMs: 2_000 }, { kind: 'text', text: 'return totals;' });
    const document = (text: string, version: number) => ({ path: 'src/a.ts', languageId: 'typescript', version, text });
    const first = engine.provide({ document: document('function f() {\n  ret\n}\n', 1), position: { line: 1, character: 5 }, trigger: 'automatic' }, new AbortController().signal);
    while (harness.server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // A deletion: the first answer is for a place the user has left.
    const second = await engine.provide({ document: document('function f() {\n  re\n}\n', 2), position: { line: 1, character: 4 }, trigger: 'automatic' }, new AbortController().signal);
    assert.equal(await first, undefined);
    assert.equal(second?.text, 'turn totals;');
    await harness.server.idle();
    assert.equal(harness.server.requests.length, 2);
    assert.equal(harness.server.requests[0]!.aborted, true);
    assert.equal(harness.server.requests[1]!.aborted, false);
    assert.equal(engine.counters.errors, 0);
    engine.dispose();
  } finally {
    await harness.close();
  }
});

test('a keystroke typed forward keeps the HTTP request of the one before and shows its answer: one request, not two', async () => {
  const harness = await startHarness();
  try {
    const engine = new CompletionEngine({ model: () => gatewayCompletionModel(harness.gateway, false), isReadable: () => true }, { debounceMs: 0 });
    harness.server.script({ kind: 'text', text: 'return total;', ttftMs: 300 }, { kind: 'text', text: 'unexpected second request' });
    const document = (text: string, version: number) => ({ path: 'src/a.ts', languageId: 'typescript', version, text });
    const editor = new AbortController();
    const first = engine.provide({ document: document('function f() {\n  ret\n}\n', 1), position: { line: 1, character: 5 }, trigger: 'automatic' }, editor.signal);
    while (harness.server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    editor.abort();
    const second = await engine.provide({ document: document('function f() {\n  retu\n}\n', 2), position: { line: 1, character: 6 }, trigger: 'automatic' }, new AbortController().signal);
    assert.equal(await first, undefined);
    assert.deepEqual([second?.text, second?.source], ['rn total;', 'joined']);
    await harness.server.idle();
    assert.equal(harness.server.requests.length, 1);
    assert.equal(harness.server.requests[0]!.aborted, false);
    engine.dispose();
  } finally {
    await harness.close();
  }
});

test('a suggestion stopped early because it was complete is recorded as answered, not cancelled', async () => {
  const harness = await startHarness();
  try {
    const engine = new CompletionEngine({ model: () => gatewayCompletionModel(harness.gateway, false), isReadable: () => true }, { debounceMs: 0 });
    // Line mode: the first newline completes the suggestion; the rest of the stream is not needed.
    harness.server.script({ kind: 'text', chunks: ['urn total;', '\n', 'console.log(total);\n', 'more();\n'], chunkDelayMs: 50 });
    const document = { path: 'src/a.ts', languageId: 'typescript', version: 1, text: 'function f(total) {\n  ret\n}\n' };
    const result = await engine.provide({ document, position: { line: 1, character: 5 }, trigger: 'automatic' }, new AbortController().signal);
    assert.equal(result?.text, 'urn total;');
    await harness.server.idle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(harness.server.requests[0]!.aborted, true, 'the rest of the stream was not read');
    assert.deepEqual(harness.entries.map((entry) => entry.outcome), ['ok']);
    engine.dispose();
  } finally {
    await harness.close();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatController } from '../../../src/chat/chatController.ts';
import { ChatSession } from '../../../src/chat/chatSession.ts';
import { ContextAssembler } from '../../../src/chat/contextAssembler.ts';
import { HistoryStore } from '../../../src/chat/historyStore.ts';
import { type HostMessage, parseWebviewMessage, type Question } from '../../../src/chat/protocol.ts';
import type { RequestEvent } from '../../../src/llm/modelGateway.ts';
import { takesImages } from '../../../src/llm/visionModels.ts';
import { FileAccessPolicy } from '../../../src/safety/fileAccessPolicy.ts';
import { auditRecordOf } from '../../../src/safety/auditRecords.ts';
import { startHarness } from '../llm/gatewayHarness.ts';
import { MemoryKeyValue, quarterCounter } from './fakes.ts';

// A 1×1 PNG.
const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const screenshot: Question = { text: 'What does this error dialog mean?', mentions: [], includeSelection: false, images: [{ name: 'error.png', mediaType: 'image/png', base64: png }] };

function controller(gateway: ConstructorParameters<typeof ChatController>[0]['gateway'], defaultModel: string) {
  const context = new ContextAssembler({ editor: { selection: () => undefined }, files: { read: async () => undefined }, diagnostics: { problems: () => [] }, policy: new FileAccessPolicy(), counter: quarterCounter });
  const chat = new ChatController({
    gateway,
    context,
    session: new ChatSession({ store: new HistoryStore(new MemoryKeyValue()) }),
    counter: quarterCounter,
    fileExists: async () => false,
    listFiles: async () => [],
    policy: new FileAccessPolicy(),
    models: () => [],
    defaultModel: () => defaultModel,
  });
  const posted: HostMessage[] = [];
  chat.onDidPost((message) => posted.push(message));
  return { chat, posted };
}

for (const [vendor, model] of [
  ['OpenAI', 'openai/gpt-4o'],
  ['Anthropic', 'anthropic/claude-sonnet-5-5'],
] as const) {
  test(`${vendor}: a pasted screenshot reaches the model as an image part, and the audit log records its size, not its bytes`, async () => {
    const harness = await startHarness({ settings: { 'models.heavy': model, 'models.heavyFallbacks': [] } });
    try {
      const events: RequestEvent[] = [];
      harness.gateway.onDidRequest((event) => events.push(event));
      harness.server.script({ kind: 'text', text: 'The dialog says the file is locked.' });
      const { chat, posted } = controller(harness.gateway, model);
      await chat.ask('r1', screenshot);
      assert.equal(posted.filter((message) => message.type === 'answerDone').length, 1);
      const body = JSON.stringify(harness.server.requests[0]!.body);
      if (vendor === 'OpenAI') assert.ok(body.includes(`"type":"image_url","image_url":{"url":"data:image/png;base64,${png}"}`), body.slice(0, 400));
      else assert.ok(body.includes(`"type":"image","source":{"type":"base64","media_type":"image/png","data":"${png}"}`), body.slice(0, 400));
      const record = auditRecordOf(events[0]!);
      assert.deepEqual(record.images, [{ mediaType: 'image/png', bytes: Math.floor((png.length * 3) / 4) }]);
      assert.ok(!JSON.stringify(record).includes(png), 'the audit log never holds the image');
    } finally {
      await harness.close();
    }
  });
}

test('a model that takes no images gets nothing: the panel says so and keeps the question', async () => {
  const harness = await startHarness({ settings: { 'models.heavy': 'openai/gpt-3.5-turbo', 'models.heavyFallbacks': [] } });
  try {
    const { chat, posted } = controller(harness.gateway, 'openai/gpt-3.5-turbo');
    await chat.ask('r1', screenshot);
    assert.equal(harness.server.requests.length, 0);
    const error = posted.find((message) => message.type === 'error');
    assert.ok(error && error.type === 'error');
    assert.match(error.text, /gpt-3\.5-turbo takes no images/);
    assert.equal(error.question.images?.length, 1);
  } finally {
    await harness.close();
  }
});

test('vision models by name, and the panel\'s images are checked at the boundary', () => {
  for (const name of ['openai/gpt-4o', 'openai/gpt-4o-mini', 'openai/gpt-4.1', 'anthropic/claude-sonnet-5-5', 'anthropic/claude-3-5-sonnet-latest', 'local/llava:13b']) assert.ok(takesImages(name), name);
  for (const name of ['openai/gpt-3.5-turbo', 'openai/o1-mini', 'local/qwen2.5-coder']) assert.ok(!takesImages(name), name);
  const ask = (images: unknown) => parseWebviewMessage({ type: 'ask', requestId: 'r', text: 'q', mentions: [], includeSelection: false, images });
  assert.equal((ask([{ name: 'a.png', mediaType: 'image/png', base64: png }]) as { images?: unknown[] }).images?.length, 1);
  assert.equal(ask([{ name: 'a.svg', mediaType: 'image/svg+xml', base64: png }]), undefined, 'SVG can carry script: refused');
  assert.equal(ask([{ name: 'a.png', mediaType: 'image/png', base64: 'not base64!' }]), undefined);
  assert.equal(ask(Array.from({ length: 5 }, () => ({ name: 'a.png', mediaType: 'image/png', base64: png }))), undefined, 'at most four');
});

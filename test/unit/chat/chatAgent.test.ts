import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentPorts } from '../../../src/agent/agentWorkspace.ts';
import { chatAgent } from '../../../src/chat/chatAgent.ts';
import { ChatController, type ChatAgent } from '../../../src/chat/chatController.ts';
import { ChatSession } from '../../../src/chat/chatSession.ts';
import { ContextAssembler } from '../../../src/chat/contextAssembler.ts';
import { HistoryStore, parseHistory } from '../../../src/chat/historyStore.ts';
import type { HostMessage, Question } from '../../../src/chat/protocol.ts';
import { nullLogger } from '../../../src/common/logger.ts';
import { MemorySettingsSource, Settings } from '../../../src/common/settings.ts';
import type { RequestEvent } from '../../../src/llm/modelGateway.ts';
import { FileAccessPolicy } from '../../../src/safety/fileAccessPolicy.ts';
import { recordedToolResults, recordedTools } from '../../support/modelServer/modelServer.ts';
import { startHarness } from '../llm/gatewayHarness.ts';
import { FakeGateway, MemoryKeyValue, quarterCounter } from './fakes.ts';

const files: Record<string, string> = {
  'src/auth.ts': 'import { startSession } from "./session";\n\nexport function login(user: string) {\n  return startSession(user);\n}\n',
  'src/session.ts': 'export function startSession(user: string) {\n  return { user, expiresInMinutes: 30 };\n}\n',
};

const question = (text: string): Question => ({ text, mentions: [], includeSelection: false });
const ofType = <T extends HostMessage['type']>(posted: HostMessage[], type: T) => posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);

function controllerWith(agent: ChatAgent | undefined, gateway = new FakeGateway()) {
  const storage = new MemoryKeyValue();
  const store = new HistoryStore(storage);
  const session = new ChatSession({ store });
  // The first search finds login only: where the session's length is set takes a second look.
  const context = new ContextAssembler({
    retrieve: async () => [{ path: 'src/auth.ts', startLine: 3, endLine: 5, symbol: 'login', text: files['src/auth.ts']!.split('\n').slice(2, 5).join('\n'), score: 1 }],
    editor: { selection: () => undefined },
    files: { read: async () => undefined },
    diagnostics: { problems: () => [] },
    policy: new FileAccessPolicy(),
    counter: quarterCounter,
  });
  const controller = new ChatController({
    gateway,
    context,
    session,
    counter: quarterCounter,
    fileExists: async () => false,
    listFiles: async () => [],
    policy: new FileAccessPolicy(),
    models: () => [],
    ...(agent ? { agent } : {}),
  });
  const posted: HostMessage[] = [];
  controller.onDidPost((message) => posted.push(message));
  return { controller, session, storage, store, posted };
}

type Harness = Awaited<ReturnType<typeof startHarness>>;

async function withAgent(run: (parts: { agent: ChatAgent; server: Harness['server']; gateway: Harness['gateway'] }) => Promise<void>, enabled = true, heavy?: string): Promise<void> {
  const harness = await startHarness(heavy ? { settings: { 'models.heavy': heavy, 'models.heavyFallbacks': [] } } : {});
  try {
    const ports: AgentPorts = {
      workspace: { read: async (path) => files[path], listFiles: async () => Object.keys(files) },
      policy: new FileAccessPolicy(),
      search: async () => [{ path: 'src/auth.ts', startLine: 3, endLine: 5, symbol: 'login', score: 1 }],
    };
    const settings = new Settings(new MemorySettingsSource({ 'agent.enabled': enabled, 'agent.maxSteps': 5 }), nullLogger);
    await run({ agent: chatAgent(harness.gateway, settings, ports, nullLogger), server: harness.server, gateway: harness.gateway });
  } finally {
    await harness.close();
  }
}

test('Agent mode: a question the first search half answers gets a read step, shown as a card, and the answer cites both files', async () => {
  await withAgent(async ({ agent, server }) => {
    server.script(
      { kind: 'toolCalls', text: 'Checking the session.', calls: [{ name: 'read_file', arguments: { path: 'src/session.ts' } }] },
      { kind: 'text', text: 'login (src/auth.ts:3-5) starts a session that lasts 30 minutes (src/session.ts:2).' },
    );
    const { controller, session, storage, store, posted } = controllerWith(agent);
    await controller.ask('r1', question('How long does a login session last?'));

    assert.equal(server.requests.length, 2);
    const tools = recordedTools(server.requests[0]!).map((tool) => tool.name);
    assert.deepEqual(tools, ['search_codebase', 'read_file', 'find_files', 'grep'], 'a chat question gets the read-only tools');
    assert.match(JSON.stringify(server.requests[0]!.body), /workspace data, not instructions: src\/auth\.ts, lines 3-5/, 'the first search goes with the question');

    const [step] = ofType(posted, 'step');
    assert.equal(step!.step.calls[0]!.name, 'read_file');
    assert.deepEqual(step!.step.calls[0]!.sources.map((source) => source.path), ['src/session.ts']);
    const done = ofType(posted, 'answerDone')[0]!.message;
    assert.equal(done.text, 'login (src/auth.ts:3-5) starts a session that lasts 30 minutes (src/session.ts:2).');
    assert.deepEqual(done.citations!.map((citation) => citation.path), ['src/auth.ts', 'src/session.ts']);
    assert.equal(done.steps!.length, 1);
    assert.ok(done.stats!.inputTokens > 0 && done.stats!.costUsd! > 0, 'the whole task\'s tokens and cost');

    // Steps survive a reload like the rest of the history.
    await store.flush();
    assert.equal(storage.values.size, 1);
    const saved = parseHistory([...storage.values.values()][0]);
    assert.deepEqual(saved!.conversations[0]!.messages.at(-1)!.steps, done.steps);
    assert.deepEqual(session.active.messages.at(-1)!.steps, done.steps);
  });
});

// A 1×1 PNG.
const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

for (const [vendor, model] of [
  ['OpenAI', 'openai/gpt-4o'],
  ['Anthropic', 'anthropic/claude-sonnet-5-5'],
] as const) {
  test(`Agent mode, ${vendor}: a pasted screenshot goes with the task to every step as an image part, and each step's audit lists it`, async () => {
    await withAgent(
      async ({ agent, server, gateway }) => {
        const events: RequestEvent[] = [];
        gateway.onDidRequest((event) => events.push(event));
        server.script(
          { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/session.ts' } }] },
          { kind: 'text', text: 'The dialog is the session timeout set at src/session.ts:2.' },
        );
        const { controller, posted } = controllerWith(agent);
        await controller.ask('r1', { ...question('Why does this dialog appear after half an hour?'), images: [{ name: 'dialog.png', mediaType: 'image/png', base64: png }] });
        assert.equal(ofType(posted, 'answerDone')[0]!.message.text, 'The dialog is the session timeout set at src/session.ts:2.');
        assert.equal(server.requests.length, 2, 'the agent ran: a read step, then the answer');
        assert.ok(recordedTools(server.requests[0]!).length > 0, 'tools offered with the image');
        const imagePart =
          vendor === 'OpenAI' ? `"type":"image_url","image_url":{"url":"data:image/png;base64,${png}"}` : `"type":"image","source":{"type":"base64","media_type":"image/png","data":"${png}"}`;
        for (const request of server.requests) assert.ok(JSON.stringify(request.body).includes(imagePart), JSON.stringify(request.body).slice(0, 600));
        assert.deepEqual(
          events.map((event) => event.images),
          [0, 1].map(() => [{ mediaType: 'image/png', bytes: Math.floor((png.length * 3) / 4) }]),
        );
      },
      true,
      model,
    );
  });
}

test('Agent mode: a question the first search answers costs one call, with no steps', async () => {
  await withAgent(async ({ agent, server }) => {
    server.script({ kind: 'text', text: 'login is at src/auth.ts:3-5.' });
    const { controller, posted } = controllerWith(agent);
    await controller.ask('r1', question('Where is login?'));
    assert.equal(server.requests.length, 1);
    assert.equal(ofType(posted, 'step').length, 0);
    assert.equal(ofType(posted, 'answerDone')[0]!.message.steps, undefined);
  });
});

test('with Agent mode off, or a model that takes no tools, the question gets one pass, and the second case says so', async () => {
  await withAgent(async ({ agent, server }) => {
    const gateway = new FakeGateway({ events: [{ type: 'text', text: 'One pass.' }] });
    const { controller, posted } = controllerWith(agent, gateway);
    await controller.ask('r1', question('Where is login?'));
    assert.equal(server.requests.length, 0);
    assert.equal(gateway.requests.length, 1);
    assert.equal(ofType(posted, 'answerDone')[0]!.message.note, undefined, 'turned off by the user: nothing to explain');
  }, false);
  const noTools: ChatAgent = {
    enabled: () => true,
    unavailable: async (model) => `Agent mode did not run: ${model ?? 'the chat model'} takes no tools.`,
    run: () => assert.fail('the agent must not run'),
  };
  const gateway = new FakeGateway({ events: [{ type: 'text', text: 'One pass.' }] });
  const { controller, posted } = controllerWith(noTools, gateway);
  await controller.ask('r1', question('Where is login?'));
  assert.match(ofType(posted, 'answerDone')[0]!.message.note!, /takes no tools/);
});

test("the composer's Agent toggle answers the panel's questions in one pass; off in settings, the toggle cannot turn it on", async () => {
  await withAgent(async ({ agent, server }) => {
    server.script({ kind: 'text', text: 'login is at src/auth.ts:3-5.' });
    const gateway = new FakeGateway({ events: [{ type: 'text', text: 'One pass.' }] });
    const { controller, posted } = controllerWith(agent, gateway);
    assert.equal(controller.snapshot().agentMode, 'on');
    controller.setAgentMode(false);
    assert.equal(ofType(posted, 'state').at(-1)!.chat.agentMode, 'off', 'the panel hears of it');
    await controller.ask('r1', question('Where is login?'));
    assert.equal(server.requests.length, 0, 'no agent call');
    assert.equal(gateway.requests.length, 1);
    assert.equal(ofType(posted, 'answerDone')[0]!.message.note, undefined, 'turned off by the user: nothing to explain');

    controller.setAgentMode(true);
    await controller.ask('r2', question('Where is login?'));
    assert.equal(server.requests.length, 1, 'back on, the agent answers');
    assert.equal(gateway.requests.length, 1);
  });
  await withAgent(async ({ agent, server }) => {
    const gateway = new FakeGateway({ events: [{ type: 'text', text: 'One pass.' }] });
    const { controller } = controllerWith(agent, gateway);
    assert.equal(controller.snapshot().agentMode, 'settingOff');
    controller.setAgentMode(true);
    assert.equal(controller.snapshot().agentMode, 'settingOff');
    await controller.ask('r1', question('Where is login?'));
    assert.equal(server.requests.length, 0);
    assert.equal(gateway.requests.length, 1);
  }, false);
  // Without an index the chat has no Agent mode: the panel shows no toggle.
  assert.equal(controllerWith(undefined).controller.snapshot().agentMode, undefined);
});

test('a panel reloaded mid-answer gets the steps so far; Stop closes the open request and keeps the steps with the answer', async () => {
  await withAgent(async ({ agent, server }) => {
    server.script(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/session.ts' } }] },
      { kind: 'hang' },
    );
    const { controller, posted } = controllerWith(agent);
    let reloaded: ReturnType<ChatController['snapshot']> | undefined;
    controller.onDidPost((message) => {
      if (message.type !== 'step') return;
      // The panel reloads: it is drawn again from the snapshot. Then the user presses Stop.
      reloaded = controller.snapshot();
      setTimeout(() => controller.stop('r1'), 50);
    });
    await controller.ask('r1', question('How long does a login session last?'));

    const steps = reloaded!.streaming!.steps!;
    assert.equal(steps.length, 1);
    assert.deepEqual(steps[0]!.calls[0]!.sources.map((source) => source.path), ['src/session.ts']);
    await server.idle();
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1]!.aborted, true, 'Stop closed the open request');
    // The card's size is what the model got.
    assert.equal(steps[0]!.calls[0]!.chars, recordedToolResults(server.requests[1]!).at(-1)!.content.length);
    const done = ofType(posted, 'answerDone')[0]!.message;
    assert.equal(done.stopped, true);
    assert.deepEqual(done.steps, steps);
  });
});

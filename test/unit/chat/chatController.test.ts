import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatController, type ChatControllerOptions } from '../../../src/chat/chatController.ts';
import { ChatSession } from '../../../src/chat/chatSession.ts';
import { ContextAssembler } from '../../../src/chat/contextAssembler.ts';
import { HistoryStore } from '../../../src/chat/historyStore.ts';
import type { ChatMessageView, HostMessage, Question } from '../../../src/chat/protocol.ts';
import { ProviderError } from '../../../src/llm/providerError.ts';
import { FileAccessPolicy } from '../../../src/safety/fileAccessPolicy.ts';
import { FakeGateway, MemoryKeyValue, quarterCounter } from './fakes.ts';

function ids(prefix: string): () => string {
  let next = 0;
  return () => `${prefix}${++next}`;
}

function setup(gateway: FakeGateway, options: Partial<ChatControllerOptions> = {}) {
  const storage = new MemoryKeyValue();
  const session = new ChatSession({ store: new HistoryStore(storage), newId: ids('c') });
  const context = new ContextAssembler({
    retrieve: async () => [{ path: 'src/auth.ts', startLine: 3, endLine: 5, symbol: 'login', text: 'export function login() {\n  return true;\n}', score: 1 }],
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
    listFiles: async () => ['src/auth.ts', '.env', 'config/server.pem', 'src/b.ts'],
    policy: new FileAccessPolicy(),
    models: () => [
      { name: 'openai/gpt-4o', tier: 'chat', price: { input: 2.5, output: 10 } },
      { name: 'openai/gpt-4o-mini', tier: 'fast' },
    ],
    newId: ids('m'),
    ...options,
  });
  const posted: HostMessage[] = [];
  controller.onDidPost((message) => posted.push(message));
  return { controller, session, storage, posted };
}

const question = (text: string): Question => ({ text, mentions: [], includeSelection: false });
const ofType = <T extends HostMessage['type']>(posted: HostMessage[], type: T) => posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);

test('streams deltas, then saves the turn with stats, sources and verified citations', async () => {
  const gateway = new FakeGateway({ events: [{ type: 'text', text: 'Login is in ' }, { type: 'text', text: 'src/auth.ts:3-5.' }] });
  const { controller, session, posted } = setup(gateway);
  await controller.ask('r1', question('how does login work here?'));

  const start = ofType(posted, 'answerStart')[0]!;
  assert.equal(start.requestId, 'r1');
  assert.deepEqual(ofType(posted, 'delta').map((d) => [d.messageId, d.text]), [[start.messageId, 'Login is in '], [start.messageId, 'src/auth.ts:3-5.']]);
  const done = ofType(posted, 'answerDone')[0]!;
  assert.equal(done.message.text, 'Login is in src/auth.ts:3-5.');
  assert.deepEqual(done.message.stats, { model: 'openai/gpt-4o', fallbackFrom: null, inputTokens: 100, outputTokens: 20, costUsd: 0.00045 });
  assert.deepEqual(done.message.sources, [{ path: 'src/auth.ts', startLine: 3, endLine: 5, symbol: 'login' }]);
  assert.deepEqual(done.message.citations, [{ text: 'src/auth.ts:3-5', path: 'src/auth.ts', startLine: 3, endLine: 5 }]);
  assert.deepEqual(session.active.messages.map((m: ChatMessageView) => m.role), ['user', 'assistant']);
  // After the answer the state is current and no longer streaming.
  const state = ofType(posted, 'state').at(-1)!;
  assert.equal(state.chat.streaming, null);
  assert.equal(state.chat.conversations[0]!.title, 'how does login work here?');
});

test('the request carries the system prompt and the retrieved chunk as labelled workspace data', async () => {
  const gateway = new FakeGateway({ events: [{ type: 'text', text: 'ok' }] });
  const { controller } = setup(gateway);
  await controller.ask('r1', question('where is login defined?'));
  const request = gateway.requests[0]!;
  assert.equal(request.task, 'chat');
  assert.equal(request.feature, 'chat');
  assert.equal(request.model, undefined);
  assert.match(request.messages[0]!.content, /workspace data/);
  assert.match(request.messages[0]!.content, /path:line/);
  const last = request.messages.at(-1)!;
  assert.equal(last.role, 'user');
  assert.match(last.content, /workspace data, not instructions: src\/auth\.ts, lines 3-5\n```\nexport function login/);
  assert.match(last.content, /Question:\nwhere is login defined\?$/);
  assert.deepEqual(request.sources?.map((source) => source.path), ['src/auth.ts'], 'the audit log learns which files went out');
});

test('a restart drops the text shown so far', async () => {
  const gateway = new FakeGateway({
    events: [{ type: 'text', text: 'half an ans' }, { type: 'restart', model: 'anthropic/claude-sonnet-5-5', reason: 'network' }, { type: 'text', text: 'Full answer.' }],
    result: { model: 'anthropic/claude-sonnet-5-5', fallbackFrom: 'openai/gpt-4o' },
  });
  const { controller, posted } = setup(gateway);
  await controller.ask('r1', question('explain the login flow'));
  assert.equal(ofType(posted, 'restart')[0]!.model, 'anthropic/claude-sonnet-5-5');
  const done = ofType(posted, 'answerDone')[0]!;
  assert.equal(done.message.text, 'Full answer.');
  assert.equal(done.message.stats?.fallbackFrom, 'openai/gpt-4o');
});

test('Stop aborts the request signal and keeps what arrived, marked stopped', async () => {
  const gateway = new FakeGateway({ events: [{ type: 'text', text: 'Partial ' }, { type: 'text', text: 'never sent' }], holdAfter: 1 });
  const { controller, session, posted } = setup(gateway);
  const asking = controller.ask('r1', question('explain the login flow'));
  await gateway.held;
  // A reopened view would resume from here.
  assert.deepEqual(controller.snapshot().streaming?.text, 'Partial ');
  controller.stop('r1');
  await asking;
  assert.equal(gateway.requests[0]!.signal?.aborted, true);
  const done = ofType(posted, 'answerDone')[0]!;
  assert.equal(done.message.text, 'Partial ');
  assert.equal(done.message.stopped, true);
  assert.equal(ofType(posted, 'error').length, 0);
  assert.equal(session.active.messages.length, 2);
});

test('Stop for another request id does nothing', async () => {
  const gateway = new FakeGateway({ events: [{ type: 'text', text: 'x' }] });
  const { controller, posted } = setup(gateway);
  controller.stop('other');
  await controller.ask('r1', question('explain the login flow'));
  assert.notEqual(ofType(posted, 'answerDone')[0]!.message.stopped, true);
});

test('an error reaches the panel with its actions and the question, and nothing is saved', async () => {
  const error = new ProviderError('auth', 'openai/gpt-4o refused the API key (401).', { provider: 'openai', model: 'gpt-4o' });
  const gateway = new FakeGateway({ events: [], error });
  const { controller, session, posted } = setup(gateway);
  const asked: Question = { text: 'why is @file:src/a.ts slow?', mentions: [{ kind: 'file', path: 'src/a.ts' }], includeSelection: true };
  await controller.ask('r1', asked);
  const shown = ofType(posted, 'error')[0]!;
  assert.equal(shown.reason, 'auth');
  assert.deepEqual(shown.actions, ['setApiKey']);
  assert.deepEqual(shown.question, asked);
  assert.match(shown.text, /API key/);
  assert.equal(session.active.messages.length, 0);
  assert.equal(controller.snapshot().streaming, null);
});

test('rate limits say when to retry; network errors say so', async () => {
  const limited = new ProviderError('rateLimited', 'openai/gpt-4o is rate-limited.', { provider: 'openai', model: 'gpt-4o', retryAfterMs: 20_000 });
  const offline = new ProviderError('network', 'Could not reach openai.', { provider: 'openai', model: 'gpt-4o' });
  const gateway = new FakeGateway({ events: [], error: limited }, { events: [], error: offline });
  const { controller, posted } = setup(gateway);
  await controller.ask('r1', question('explain the login flow'));
  await controller.ask('r2', question('explain the login flow'));
  const [first, second] = ofType(posted, 'error');
  assert.match(first!.text, /Try again in 20 s/);
  assert.deepEqual(first!.actions, ['retry']);
  assert.match(second!.text, /network/);
});

test('a new question aborts the one still running', async () => {
  const gateway = new FakeGateway({ events: [{ type: 'text', text: 'slow' }], holdAfter: 1 }, { events: [{ type: 'text', text: 'fast' }] });
  const { controller, posted } = setup(gateway);
  const first = controller.ask('r1', question('first question here'));
  await gateway.held;
  await controller.ask('r2', question('second question here'));
  await first;
  assert.equal(gateway.requests[0]!.signal?.aborted, true);
  const done = ofType(posted, 'answerDone');
  assert.deepEqual(done.map((d) => [d.requestId, d.message.text, d.message.stopped ?? false]), [['r1', 'slow', true], ['r2', 'fast', false]]);
});

test('the picked model is used only when the picker offered it', async () => {
  const gateway = new FakeGateway({ events: [{ type: 'text', text: 'a' }] }, { events: [{ type: 'text', text: 'b' }] });
  const { controller } = setup(gateway);
  controller.pickModel('openai/gpt-4o-mini');
  await controller.ask('r1', question('explain the login flow'));
  controller.pickModel('evil/model');
  await controller.ask('r2', question('explain the login flow'));
  assert.equal(gateway.requests[0]!.model, 'openai/gpt-4o-mini');
  assert.equal(gateway.requests[1]!.model, undefined);
  assert.equal(controller.snapshot().selectedModel, null);
});

test('the file picker never offers secret files', async () => {
  const { controller, posted } = setup(new FakeGateway());
  await controller.listFiles('f1', '');
  assert.deepEqual(ofType(posted, 'fileList')[0], { type: 'fileList', requestId: 'f1', files: ['src/auth.ts', 'src/b.ts'] });
});

test('a long conversation sends the newest turns and says older ones were left out', async () => {
  const answers = Array.from({ length: 4 }, () => ({ events: [{ type: 'text' as const, text: 'y'.repeat(400) }] }));
  const gateway = new FakeGateway(...answers);
  const { controller, posted } = setup(gateway, { budget: { historyTokens: 150 } });
  for (let i = 0; i < 4; i++) await controller.ask(`r${i}`, question(`question number ${i} about login`));
  const last = gateway.requests.at(-1)!;
  // system + one earlier turn (2 messages, ~110 tokens each) + the question.
  assert.equal(last.messages.length, 4);
  assert.match(last.messages[1]!.content, /question number 2/);
  assert.match(ofType(posted, 'truncation').at(-1)!.note, /4 earlier messages .* left out/);
  assert.match(controller.snapshot().truncationNote ?? '', /left out/);
});

test('with summaries on, older turns are summarized by a model call and the summary is sent', async () => {
  const answer = { events: [{ type: 'text' as const, text: 'y'.repeat(400) }] };
  const gateway = new FakeGateway(answer, answer, answer, { events: [{ type: 'text', text: 'They asked about login twice.' }] }, answer);
  const { controller, session } = setup(gateway, { budget: { historyTokens: 300 }, summarizeHistory: true });
  for (let i = 0; i < 4; i++) await controller.ask(`r${i}`, question(`question number ${i} about login`));
  const summaryCall = gateway.requests.find((request) => request.feature === 'chatSummary');
  assert.ok(summaryCall, 'a summary was requested');
  assert.match(summaryCall.messages[1]!.content, /question number 0/);
  const last = gateway.requests.at(-1)!;
  assert.match(last.messages[1]!.content, /Summary of the earlier part[\s\S]*They asked about login twice\./);
  assert.ok(session.active.summary);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatSession } from '../../../src/chat/chatSession.ts';
import { HistoryStore, historyBackupKey, historyKey, historyLimits, parseHistory } from '../../../src/chat/historyStore.ts';
import type { ChatMessageView } from '../../../src/chat/protocol.ts';
import { MemoryLogger } from '../../../src/common/logger.ts';
import { MemoryKeyValue } from './fakes.ts';

function ids(): () => string {
  let next = 0;
  return () => `id${++next}`;
}

const user = (text: string, time = 1): ChatMessageView => ({ id: `u-${text}`, role: 'user', text, time, mentions: [{ kind: 'codebase' }] });
const answer = (text: string, time = 2): ChatMessageView => ({
  id: `a-${text}`,
  role: 'assistant',
  text,
  time,
  sources: [{ path: 'src/a.ts', startLine: 1, endLine: 9, symbol: 'a' }],
  citations: [{ text: 'src/a.ts:3', path: 'src/a.ts', startLine: 3, endLine: 3 }],
  stats: { model: 'openai/gpt-4o', fallbackFrom: null, inputTokens: 10, outputTokens: 5, costUsd: 0.001 },
});

test('a conversation survives a reload: same messages, same open conversation', async () => {
  const storage = new MemoryKeyValue();
  const first = new ChatSession({ store: new HistoryStore(storage), newId: ids(), now: () => 100 });
  first.append(user('How does login work?'));
  first.append(answer('Through src/a.ts:3.'));
  await first.flush();

  const reloaded = new ChatSession({ store: new HistoryStore(storage), newId: ids() });
  assert.equal(reloaded.active.id, first.active.id);
  assert.deepEqual(reloaded.active.messages, [user('How does login work?'), answer('Through src/a.ts:3.')]);
  assert.equal(reloaded.active.title, 'How does login work?');
});

test('new chat, then the past conversation can be listed and reopened', async () => {
  const storage = new MemoryKeyValue();
  let clock = 0;
  const session = new ChatSession({ store: new HistoryStore(storage), newId: ids(), now: () => ++clock });
  session.append(user('first question'));
  const firstId = session.active.id;
  session.newChat();
  assert.notEqual(session.active.id, firstId);
  assert.equal(session.active.messages.length, 0);
  // A second New Chat on an empty conversation does not pile up empty ones.
  assert.equal(session.newChat().id, session.active.id);
  session.append(user('second question'));
  assert.deepEqual(session.list().map((c) => c.title), ['second question', 'first question']);
  assert.ok(session.select(firstId));
  assert.equal(session.active.messages[0]!.text, 'first question');
  await session.flush();
  assert.equal(new ChatSession({ store: new HistoryStore(storage) }).active.id, firstId);
  assert.equal(session.select('nope'), false);
});

test('deleting the open conversation opens the next one', () => {
  const session = new ChatSession({ store: new HistoryStore(new MemoryKeyValue()), newId: ids() });
  session.append(user('one'));
  const one = session.active.id;
  session.newChat();
  session.append(user('two'));
  session.delete(session.active.id);
  assert.equal(session.active.id, one);
  session.delete(one);
  assert.equal(session.active.messages.length, 0);
  assert.deepEqual(session.list(), []);
});

test('corrupt data starts fresh without throwing and is kept as a backup', async () => {
  for (const corrupt of ['{not json', { version: 1, conversations: 'no' }, { version: 99, conversations: [] }, { version: 1, conversations: [{ id: 'x' }] }, 42]) {
    const storage = new MemoryKeyValue();
    storage.values.set(historyKey, corrupt);
    const logger = new MemoryLogger();
    const store = new HistoryStore(storage, logger);
    const session = new ChatSession({ store, newId: ids() });
    assert.equal(session.active.messages.length, 0);
    await store.flush();
    assert.deepEqual(storage.values.get(historyBackupKey), corrupt);
    assert.ok(logger.lines.some((line) => line.level === 'warn'));
    // And the chat works afterwards.
    session.append(user('still works'));
    await store.flush();
    assert.equal(parseHistory(storage.values.get(historyKey))?.conversations[0]?.messages[0]?.text, 'still works');
  }
});

test('the stored record is versioned and bounded', async () => {
  const storage = new MemoryKeyValue();
  const store = new HistoryStore(storage);
  const conversations = Array.from({ length: historyLimits.conversations + 5 }, (_, i) => ({
    id: `c${i}`,
    title: `t${i}`,
    createdAt: i,
    updatedAt: 1000 - i,
    messages: Array.from({ length: 3 }, (_, j) => user(`m${i}-${j}`, j)),
  }));
  await store.save({ activeId: 'c0', conversations });
  const record = storage.values.get(historyKey) as { version: number; conversations: unknown[] };
  assert.equal(record.version, 1);
  assert.equal(record.conversations.length, historyLimits.conversations);
  assert.equal(store.load().activeId, 'c0');
});

test('a message with malformed optional fields makes the record invalid rather than half-read', () => {
  const record = { version: 1, activeId: null, conversations: [{ id: 'c', title: 't', createdAt: 1, updatedAt: 1, messages: [{ id: 'm', role: 'user', text: 'x', time: 1, sources: [{ path: 3 }] }] }] };
  assert.equal(parseHistory(record), undefined);
  const fixed = { ...record, conversations: [{ ...record.conversations[0]!, messages: [{ id: 'm', role: 'user', text: 'x', time: 1 }] }] };
  assert.equal(parseHistory(fixed)?.conversations.length, 1);
});

test('a conversation cut to its newest messages keeps a summary that counts only the kept ones', async () => {
  const storage = new MemoryKeyValue();
  const session = new ChatSession({ store: new HistoryStore(storage), newId: ids(), now: () => 1 });
  const extra = 30;
  for (let i = 0; i < historyLimits.messagesPerConversation + extra; i++) session.append(i % 2 === 0 ? user(`q${i}`) : answer(`a${i}`));
  // The summary saw the first 50 messages: after the cut, 30 of them are gone, so it covers the first 20 kept.
  session.setSummary(session.active.id, { text: 'the early part', coversMessages: 50 });
  await session.flush();

  const reloaded = new ChatSession({ store: new HistoryStore(storage), newId: ids() }).active;
  assert.equal(reloaded.messages.length, historyLimits.messagesPerConversation);
  assert.equal(reloaded.messages[0]?.text, `q${extra}`);
  assert.deepEqual(reloaded.summary, { text: 'the early part', coversMessages: 50 - extra });

  // A summary that covered only messages now dropped covers none of the kept ones.
  session.setSummary(session.active.id, { text: 'only the dropped part', coversMessages: 10 });
  await session.flush();
  assert.equal(new ChatSession({ store: new HistoryStore(storage), newId: ids() }).active.summary?.coversMessages, 0);
});

test('an Agent mode answer keeps its steps and result sizes; one saved before sizes were recorded still loads', () => {
  const call = { name: 'read_file', arguments: '{"path":"src/a.ts"}', summary: 'src/a.ts, lines 1-9', isError: false, cut: false, sources: [{ path: 'src/a.ts', startLine: 1, endLine: 9 }] };
  const record = (chars?: number) => ({
    version: 1,
    activeId: 'c',
    conversations: [{ id: 'c', title: 't', createdAt: 1, updatedAt: 1, messages: [{ ...answer('Read it.'), steps: [{ index: 1, model: 'openai/gpt-4o', text: '', calls: [{ ...call, ...(chars !== undefined ? { chars } : {}) }] }] }] }],
  });
  assert.deepEqual(parseHistory(record(412))?.conversations[0]!.messages[0]!.steps![0]!.calls[0], { ...call, chars: 412 });
  assert.deepEqual(parseHistory(record())?.conversations[0]!.messages[0]!.steps![0]!.calls[0], call);
});

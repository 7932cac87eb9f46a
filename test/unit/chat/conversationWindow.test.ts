import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitConversation, summaryRequest } from '../../../src/chat/conversationWindow.ts';
import type { ChatMessageView } from '../../../src/chat/protocol.ts';
import { quarterCounter } from './fakes.ts';

const message = (role: 'user' | 'assistant', text: string): ChatMessageView => ({ id: text, role, text, time: 0 });
// Each message costs 25 + 4 = 29 tokens with the quarter counter.
const conversation = Array.from({ length: 10 }, (_, i) => message(i % 2 === 0 ? 'user' : 'assistant', `${i}`.padEnd(100, '.')));

test('everything fits: all messages in order, no note', () => {
  const result = fitConversation({ messages: conversation, budgetTokens: 10_000, counter: quarterCounter });
  assert.equal(result.history.length, 10);
  assert.equal(result.keptFrom, 0);
  assert.equal(result.note, null);
  assert.deepEqual(result.history.map((m) => m.role), conversation.map((m) => m.role));
});

test('older turns are dropped whole, newest kept, with a note', () => {
  const result = fitConversation({ messages: conversation, budgetTokens: 29 * 5, counter: quarterCounter });
  // Five messages fit but a question and its answer go together: two whole turns (4 messages).
  assert.equal(result.keptFrom, 6);
  assert.deepEqual(result.history.map((m) => m.content), conversation.slice(6).map((m) => m.text));
  assert.ok(result.tokens <= 29 * 5);
  assert.match(result.note ?? '', /6 earlier messages .* left out/);
  // No message is cut: each one sent is exactly as stored.
  for (const sent of result.history) assert.ok(conversation.some((m) => m.text === sent.content));
});

test('a message too big for the budget is dropped, never cut', () => {
  const huge = [message('user', 'q'), message('assistant', 'x'.repeat(4000))];
  const result = fitConversation({ messages: huge, budgetTokens: 100, counter: quarterCounter });
  assert.deepEqual(result.history, []);
  assert.equal(result.keptFrom, 2);
  assert.match(result.note ?? '', /2 earlier messages/);
});

test('a stored summary that covers the dropped messages is sent in their place', () => {
  const summary = { text: 'They discussed login.', coversMessages: 6 };
  const budgetTokens = 29 * 4 + 40;
  const result = fitConversation({ messages: conversation, summary, budgetTokens, counter: quarterCounter });
  assert.equal(result.summarized, true);
  assert.match(result.history[0]!.content, /Summary of the earlier part.*\nThey discussed login\./s);
  assert.equal(result.history.length, 5);
  assert.equal(result.keptFrom, 6);
  assert.ok(result.tokens <= budgetTokens);
  assert.match(result.note ?? '', /summary/);
});

test('a stale summary (covering fewer messages than were dropped) is not used', () => {
  const result = fitConversation({ messages: conversation, summary: { text: 'old', coversMessages: 2 }, budgetTokens: 29 * 4 + 40, counter: quarterCounter });
  assert.equal(result.summarized, false);
  assert.ok(!result.history.some((m) => m.content.includes('old')));
});

test('the summary request carries the transcript as data', () => {
  const request = summaryRequest([message('user', 'why?'), message('assistant', 'because')]);
  assert.equal(request[0]!.role, 'system');
  assert.match(request[1]!.content, /User: why\?\n\nAssistant: because/);
});

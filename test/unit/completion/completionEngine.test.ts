import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deferred } from '../../../src/common/async.ts';
import {
  CompletionEngine,
  type CompletionPorts,
  type CompletionRecord,
  type CompletionStatus,
} from '../../../src/completion/completionEngine.ts';
import type { Clock, CompletionModel, CompletionPrompt, CompletionPrompts, CompletionRequest, CompletionStream } from '../../../src/completion/types.ts';
import { docAt } from './fixtures.ts';

/** Timers that fire only when the test advances time. */
class FakeClock implements Clock {
  private time = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextHandle = 1;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + ms, callback });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  async advance(ms: number): Promise<void> {
    this.time += ms;
    for (const [handle, timer] of [...this.timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.time) continue;
      this.timers.delete(handle);
      timer.callback();
    }
    await settle();
  }
}

/** Lets queued promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Call {
  readonly prompt: CompletionPrompt;
  readonly signal: AbortSignal;
  readonly release: Deferred<void>;
}

/** A model whose streams wait for the test to release them (or not, with `instant`). */
class FakeModel implements CompletionModel {
  readonly fim = true;
  readonly calls: Call[] = [];
  reply: string[] = ['42;'];
  failure: Error | undefined;
  instant = true;
  /** The form the answering model was sent: a FIM-first chain may end at a chat model. */
  form: CompletionStream['form'] = 'fim';

  stream(prompts: CompletionPrompts, signal: AbortSignal): CompletionStream {
    const call = { prompt: prompts.fim, signal, release: new Deferred<void>() };
    this.calls.push(call);
    if (this.instant) call.release.resolve();
    const { reply, failure } = this;
    return {
      form: this.form,
      async *[Symbol.asyncIterator]() {
        await call.release.promise;
        if (failure) throw failure;
        for (const delta of reply) {
          if (signal.aborted) throw signal.reason;
          yield delta;
        }
      },
    };
  }
}

function setup(ports: Partial<CompletionPorts> = {}) {
  const clock = new FakeClock();
  const model = new FakeModel();
  const engine = new CompletionEngine({ model: () => model, isReadable: (path) => !path.endsWith('.env'), clock, ...ports }, { debounceMs: 75 });
  const statuses: CompletionStatus[] = [];
  const records: CompletionRecord[] = [];
  engine.onDidChangeStatus((status) => statuses.push(status));
  engine.onDidComplete((record) => records.push(record));
  return { clock, model, engine, statuses, records };
}

function request(textWithCursor: string, path = 'src/a.ts', trigger: CompletionRequest['trigger'] = 'automatic'): CompletionRequest {
  return { ...docAt(textWithCursor, 'typescript', path), trigger };
}

const never = new AbortController().signal;

test('scheduler: nothing is requested before the debounce has passed', async () => {
  const { clock, model, engine } = setup();
  const result = engine.provide(request('const x = <|>\n'), never);
  await settle();
  await clock.advance(74);
  assert.equal(model.calls.length, 0);
  await clock.advance(1);
  assert.equal(model.calls.length, 1);
  assert.deepEqual(await result, { id: 'c1', text: '42;', source: 'model', mode: 'block' });
});

test('scheduler: a keystroke during the debounce cancels the earlier request before it reaches the model', async () => {
  const { clock, model, engine, records } = setup();
  const first = engine.provide(request('const x = <|>\n'), never);
  await clock.advance(40);
  const second = engine.provide(request('const x = 1<|>\n'), never);
  assert.equal(await first, undefined);
  await clock.advance(75);
  assert.equal(model.calls.length, 1, 'only the newer request is sent');
  assert.ok((await second) !== undefined);
  assert.deepEqual(records.map((record) => [record.outcome, record.sent]), [['cancelled', false], ['shown', true]]);
  assert.equal(engine.counters.cancelled, 1);
});

test('scheduler: a keystroke that leaves a sent request\'s place aborts its stream', async () => {
  const { clock, model, engine } = setup();
  model.instant = false;
  const first = engine.provide(request('const x = <|>\n'), never);
  await clock.advance(75);
  assert.equal(model.calls.length, 1);
  assert.equal(model.calls[0]!.signal.aborted, false);
  // A deletion is not typing forward: the answer is for a place the user has left.
  const second = engine.provide(request('const x <|>\n'), never);
  assert.equal(model.calls[0]!.signal.aborted, true, 'aborted on the keystroke, before the new debounce');
  model.calls[0]!.release.resolve();
  assert.equal(await first, undefined);
  await clock.advance(75);
  model.calls[1]!.release.resolve();
  assert.equal((await second)?.text, '42;');
});

test('scheduler: a keystroke typed forward from a sent request waits for its answer instead of paying for another', async () => {
  const { clock, model, engine, records } = setup();
  model.instant = false;
  const editor = new AbortController();
  const first = engine.provide(request('const x = <|>\n'), editor.signal);
  await clock.advance(75);
  assert.equal(model.calls.length, 1);
  // The editor cancels the first call on the next keystroke; the request itself runs on.
  editor.abort();
  const second = engine.provide(request('const x = 4<|>\n'), never);
  assert.equal(await first, undefined);
  assert.equal(model.calls[0]!.signal.aborted, false);
  await clock.advance(200);
  assert.equal(model.calls.length, 1, 'no second request while the first may still serve');
  model.calls[0]!.release.resolve();
  assert.deepEqual(await second, { id: 'c2', text: '2;', source: 'joined', mode: 'line' });
  assert.equal(engine.counters.joined, 1);
  assert.deepEqual(records.map((record) => record.outcome), ['shown']);
});

test('scheduler: typed forward, but the answer does not begin with what was typed: a new request follows it', async () => {
  const { clock, model, engine } = setup();
  model.instant = false;
  void engine.provide(request('const x = <|>\n'), never);
  await clock.advance(75);
  const second = engine.provide(request('const x = 1<|>\n'), never);
  model.calls[0]!.release.resolve();
  await settle();
  assert.equal(model.calls.length, 1, 'the new request waits for its own debounce');
  await clock.advance(75);
  assert.equal(model.calls.length, 2);
  model.calls[1]!.release.resolve();
  assert.equal((await second)?.text, '42;');
});

test('scheduler: typing onto the next line, or off with joinSent, aborts the sent request as before', async () => {
  for (const [next, options] of [
    ['const x = \n<|>\n', {}],
    ['const x = 4<|>\n', { joinSent: false }],
  ] as const) {
    const { clock, model, engine } = setup();
    engine.updateOptions(options);
    model.instant = false;
    void engine.provide(request('const x = <|>\n'), never);
    await clock.advance(75);
    void engine.provide(request(next), never);
    assert.equal(model.calls[0]!.signal.aborted, true, JSON.stringify(next));
    model.calls[0]!.release.resolve();
  }
});

test('scheduler: requests in different documents do not cancel each other', async () => {
  const { clock, model, engine } = setup();
  const a = engine.provide(request('const x = <|>\n', 'src/a.ts'), never);
  const b = engine.provide(request('const y = <|>\n', 'src/b.ts'), never);
  await clock.advance(75);
  assert.equal(model.calls.length, 2);
  assert.equal((await a)?.text, '42;');
  assert.equal((await b)?.text, '42;');
});

test("scheduler: the editor's cancellation aborts, and an explicit trigger skips the debounce", async () => {
  const { clock, model, engine } = setup();
  const editor = new AbortController();
  const cancelled = engine.provide(request('const x = <|>\n'), editor.signal);
  editor.abort();
  assert.equal(await cancelled, undefined);
  const explicit = engine.provide(request('const z = <|>\n', 'src/a.ts', 'explicit'), never);
  await settle();
  assert.equal(model.calls.length, 1, 'sent without waiting for the clock');
  assert.equal(clock.pending, 0, 'no debounce timer was set');
  assert.equal((await explicit)?.text, '42;');
});

test('cache and typed-ahead: the same place, or typing what the suggestion begins with, sends nothing', async () => {
  const { clock, model, engine } = setup();
  model.reply = ['\n  return ', 'total;'];
  const text = 'function f(total: number) {<|>\n}\n';
  const first = engine.provide(request(text), never);
  await clock.advance(75);
  assert.equal((await first)?.text, '\n  return total;');
  assert.deepEqual(await engine.provide(request(text), never), { id: 'c2', text: '\n  return total;', source: 'cache', mode: 'block' });
  const typed = await engine.provide(request('function f(total: number) {\n  ret<|>\n}\n'), never);
  assert.equal(typed?.text, 'urn total;');
  assert.equal(typed?.source, 'typedAhead');
  assert.equal(model.calls.length, 1);
  const counters = engine.counters;
  assert.deepEqual([counters.requested, counters.shown, counters.cacheHits, counters.typedAhead], [1, 3, 1, 1]);
  // Another model answers from now on: the old suggestion is not served from the cache.
  engine.modelChanged();
  model.reply = ['\n  return total * 2;'];
  const again = engine.provide(request(text), never);
  await clock.advance(75);
  assert.equal((await again)?.source, 'model');
  assert.equal(model.calls.length, 2);
});

test('early stop is wired: a single-line request stops reading at the newline', async () => {
  const { clock, model, engine, records } = setup();
  model.reply = ['a, b', ')\nconst', ' more = 1;\n'];
  const result = engine.provide(request('const x = foo(<|>);\n'), never);
  await clock.advance(75);
  assert.equal((await result)?.text, 'a, b');
  assert.equal(model.calls[0]!.signal.aborted, true);
  assert.equal(records[0]!.stopped, 'newline');
  assert.equal(engine.counters.earlyStops, 1);
});

test('status: idle, requesting, error with its reason, then idle again after a success', async () => {
  const { clock, model, engine, statuses, records } = setup();
  model.failure = Object.assign(new Error('Too many requests'), { reason: 'rateLimited' });
  const failed = engine.provide(request('const x = <|>\n'), never);
  await clock.advance(75);
  assert.equal(await failed, undefined);
  assert.deepEqual(engine.status, { state: 'error', reason: 'rateLimited', message: 'Too many requests' });
  model.failure = undefined;
  const ok = engine.provide(request('const y = <|>\n'), never);
  await clock.advance(75);
  await ok;
  assert.deepEqual(
    statuses.map((status) => status.state),
    ['requesting', 'error', 'requesting', 'idle'],
  );
  assert.deepEqual(records.map((record) => record.outcome), ['error', 'shown']);
  assert.equal(engine.counters.errors, 1);
});

test('status: paused by the user shows nothing; paused by the budget still serves the cache', async () => {
  const { clock, model, engine } = setup();
  const first = engine.provide(request('const x = <|>\n'), never);
  await clock.advance(75);
  await first;
  engine.pause('budget');
  assert.deepEqual(engine.status, { state: 'paused', by: 'budget' });
  assert.equal((await engine.provide(request('const x = <|>\n'), never))?.source, 'cache');
  assert.equal(await engine.provide(request('const other = <|>\n'), never), undefined);
  engine.pause('user');
  assert.deepEqual(engine.status, { state: 'paused', by: 'user' });
  assert.equal(await engine.provide(request('const x = <|>\n'), never), undefined);
  engine.resume('user');
  engine.resume('budget');
  assert.deepEqual(engine.status, { state: 'idle' });
  assert.equal(model.calls.length, 1);
});

test('counters: an accepted suggestion counts once; secret files get no suggestion and no request', async () => {
  const { clock, model, engine } = setup();
  const result = engine.provide(request('const x = <|>\n'), never);
  await clock.advance(75);
  const shown = await result;
  engine.accepted(shown!.id);
  engine.accepted(shown!.id);
  engine.accepted('unknown');
  assert.equal(engine.counters.accepted, 1);
  assert.equal(await engine.provide(request('API_KEY=<|>\n', '.env'), never), undefined);
  assert.equal(model.calls.length, 1);
});

test('the ledger record lists the context sources that went into the prompt', async () => {
  const { clock, engine, records } = setup({
    recentDocuments: () => [{ path: 'src/helpers.ts', languageId: 'typescript', version: 1, text: 'export function total(items) {\n  return items.length;\n}' }],
  });
  const result = engine.provide(request('function summary(items) {\n  const n = total(items);\n  return <|>\n}\n'), never);
  await clock.advance(75);
  await result;
  assert.deepEqual(
    records[0]!.sources.map((source) => `${source.kind}:${source.path}`),
    ['prefix:src/a.ts', 'suffix:src/a.ts', 'recentFile:src/helpers.ts'],
  );
  assert.equal(records[0]!.promptKind, 'fim');
});

test('a suggestion holding a redaction placeholder the file does not hold is never shown', async () => {
  const { clock, model, engine, records } = setup();
  model.reply = ['"gw_redacted_password_1_qkzwmvtr";'];
  const mangled = engine.provide(request('const password = <|>\n'), never);
  await clock.advance(75);
  assert.equal(await mangled, undefined);
  assert.equal(records.at(-1)!.outcome, 'empty');
  // A file that already holds the string (a test fixture of placeholders) may get it again.
  model.reply = ['"GW_REDACTED_TOKEN_1";'];
  const fixture = engine.provide(request('const a = "GW_REDACTED_TOKEN_1";\nconst b = <|>\n', 'src/b.ts'), never);
  await clock.advance(75);
  assert.equal((await fixture)?.text, '"GW_REDACTED_TOKEN_1";');
});

// Finding: every keystroke started an index search before the debounce (150 searches for 23
// model requests when typing 150 characters).
test('the index is searched only for a request that is sent, and the search is aborted with it', async () => {
  const searches: AbortSignal[] = [];
  const { clock, model, engine } = setup({
    // A search that answers only when dropped, so one can be caught in flight.
    searchIndex: (_query, signal) => {
      searches.push(signal);
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve([]), { once: true }));
    },
  });
  let text = 'const total = ';
  for (let i = 0; i < 20; i++) {
    text += 'x';
    void engine.provide(request(`${text}<|>\n`), never);
    await clock.advance(40);
  }
  assert.equal(searches.length, 0, 'no search while typing');
  await clock.advance(400);
  await clock.advance(100);
  assert.equal(model.calls.length, 1);
  assert.equal(searches.length, 1, 'one search for the one request');
  void engine.provide(request(`${text}y<|>\n`), never);
  await clock.advance(80);
  assert.equal(searches.length, 2, 'past the debounce, within the index\'s cap');
  assert.equal(searches[1]!.aborted, false);
  void engine.provide(request(`${text}yz<|>\n`), never);
  assert.equal(searches[1]!.aborted, true, 'a newer keystroke aborts the search in flight');
});

test('the answer is cleaned for the form the answering model was sent, not the first model\'s', async () => {
  const { clock, model, engine } = setup();
  // The first model serves FIM; the one that answered was a chat fallback, fences and all.
  model.form = 'chat';
  model.reply = ['```typescript\n', '42;\n', '```'];
  const result = engine.provide(request('const x = <|>\n'), never);
  await clock.advance(75);
  assert.equal((await result)?.text, '42;');
});

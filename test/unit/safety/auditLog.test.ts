import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { AuditLog, type AuditRecord, formatAuditEntries, outcomeText } from '../../../src/safety/auditLog.ts';
import { MemoryLogger } from '../../../src/common/logger.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gw-audit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'audit');
}

/** A clock the test moves by hand. */
function clock(iso: string) {
  let now = new Date(iso);
  return { now: () => now, set: (next: string) => (now = new Date(next)) };
}

const record = (feature: string, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  feature,
  provider: 'openai',
  model: 'gpt-4o-mini',
  files: [{ path: 'src/app.ts', startLine: 1, endLine: 40 }],
  inputTokens: 812,
  outputTokens: 64,
  redactions: { count: 1, kinds: ['PASSWORD'] },
  ...extra,
});

test('entries are written as JSON lines without content by default, and read back', async (t) => {
  const directory = await tempDir(t);
  const time = clock('2026-03-10T12:00:00.000Z');
  const log = new AuditLog({ directory, now: time.now });
  await log.append(record('completion', { content: 'const password = "GW_REDACTED_PASSWORD_1";' }));
  const raw = await readFile(log.currentFile(), 'utf8');
  assert.equal(log.currentFile(), join(directory, 'audit-2026-03-10.jsonl'));
  assert.equal(raw.split('\n').length, 2);
  assert.ok(!raw.includes('GW_REDACTED'), 'no content by default');
  const { entries, skippedLines } = await log.read();
  assert.equal(skippedLines, 0);
  assert.deepEqual(entries, [{ ...record('completion'), time: '2026-03-10T12:00:00.000Z' }]);
});

test('content is kept only when the log is told to record it', async (t) => {
  const directory = await tempDir(t);
  const log = new AuditLog({ directory, recordContent: true });
  await log.append(record('chat', { content: 'hello' }));
  log.setRecordContent(false);
  await log.append(record('chat', { content: 'not kept' }));
  const { entries } = await log.read();
  assert.deepEqual(entries.map((e) => e.content), ['hello', undefined]);
});

test('concurrent appends lose no line and keep every line whole', async (t) => {
  const directory = await tempDir(t);
  const log = new AuditLog({ directory });
  const big = 'x'.repeat(20_000);
  await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(record(`f${i}`, { model: i % 10 === 0 ? big : 'm' }))));
  const raw = await readFile(log.currentFile(), 'utf8');
  const lines = raw.trimEnd().split('\n');
  assert.equal(lines.length, 200);
  const features = lines.map((line) => (JSON.parse(line) as { feature: string }).feature);
  assert.deepEqual(new Set(features).size, 200);
  // The queue keeps submission order.
  assert.deepEqual(features, Array.from({ length: 200 }, (_, i) => `f${i}`));
});

test('a corrupt or torn line is skipped and counted, the rest is read', async (t) => {
  const directory = await tempDir(t);
  const time = clock('2026-03-10T12:00:00.000Z');
  const log = new AuditLog({ directory, now: time.now });
  await log.append(record('chat'));
  await appendFile(log.currentFile(), '{"time":"2026-03-10T12:00:01.000Z","feat\nnot json at all\n[1,2]\n{"time":"nope","feature":"x"}\n');
  time.set('2026-03-10T12:00:02.000Z');
  await log.append(record('refactor'));
  const { entries, skippedLines } = await log.read();
  assert.deepEqual(entries.map((e) => e.feature), ['chat', 'refactor']);
  assert.equal(skippedLines, 4);
});

test('retention deletes day files past the window and hides older entries of the boundary day', async (t) => {
  const directory = await tempDir(t);
  await mkdir(directory, { recursive: true });
  const line = (time: string, feature: string) => JSON.stringify({ ...record(feature), time }) + '\n';
  await writeFile(join(directory, 'audit-2026-01-01.jsonl'), line('2026-01-01T10:00:00.000Z', 'ancient'));
  await writeFile(join(directory, 'audit-2026-03-02.jsonl'), line('2026-03-02T08:00:00.000Z', 'too-old') + line('2026-03-02T20:00:00.000Z', 'kept-boundary'));
  await writeFile(join(directory, 'audit-2026-03-05.jsonl'), line('2026-03-05T10:00:00.000Z', 'recent'));
  await writeFile(join(directory, 'notes.txt'), 'not a log file');
  const time = clock('2026-03-10T12:00:00.000Z');
  const log = new AuditLog({ directory, retentionDays: 8, now: time.now });

  const { entries } = await log.read();
  assert.deepEqual(entries.map((e) => e.feature), ['kept-boundary', 'recent']);

  assert.equal(await log.prune(), 1);
  assert.deepEqual((await readdir(directory)).sort(), ['audit-2026-03-02.jsonl', 'audit-2026-03-05.jsonl', 'notes.txt']);

  log.setRetentionDays(3);
  assert.equal(await log.prune(), 2);
  assert.deepEqual((await readdir(directory)).sort(), ['notes.txt']);
});

test('the first append of a day prunes, so a long-running window keeps the log bounded', async (t) => {
  const directory = await tempDir(t);
  const time = clock('2026-03-01T12:00:00.000Z');
  const log = new AuditLog({ directory, retentionDays: 2, now: time.now });
  await log.append(record('day1'));
  time.set('2026-03-02T12:00:00.000Z');
  await log.append(record('day2'));
  time.set('2026-03-05T12:00:00.000Z');
  await log.append(record('day5'));
  assert.deepEqual(await readdir(directory), ['audit-2026-03-05.jsonl']);
  assert.deepEqual((await log.read()).entries.map((e) => e.feature), ['day5']);
});

test('reading filters by time and limits to the newest entries', async (t) => {
  const directory = await tempDir(t);
  const time = clock('2026-03-10T12:00:00.000Z');
  const log = new AuditLog({ directory, now: time.now });
  for (let i = 0; i < 5; i++) await log.append(record(`r${i}`, { time: `2026-03-10T0${i}:00:00.000Z` }));
  assert.deepEqual((await log.read({ limit: 2 })).entries.map((e) => e.feature), ['r3', 'r4']);
  assert.deepEqual((await log.read({ since: new Date('2026-03-10T02:00:00.000Z') })).entries.map((e) => e.feature), ['r2', 'r3', 'r4']);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(log.read({ signal: controller.signal }), { name: 'AbortError' });
});

test('a log that cannot be written warns instead of failing the request', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gw-audit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const blocked = join(dir, 'file');
  await writeFile(blocked, 'a file where the folder should be');
  const logger = new MemoryLogger();
  const log = new AuditLog({ directory: join(blocked, 'audit'), logger });
  await log.append(record('chat'));
  assert.equal(logger.lines.length, 1);
  assert.equal(logger.lines[0]!.level, 'warn');
  assert.match(logger.lines[0]!.message, /Could not write the audit log/);
  assert.deepEqual(await log.read(), { entries: [], skippedLines: 0 });
});

test('a missing directory reads as an empty log, and bad retention falls back to 30 days', async (t) => {
  const directory = await tempDir(t);
  const time = clock('2026-03-31T12:00:00.000Z');
  const log = new AuditLog({ directory, retentionDays: 0, now: time.now });
  assert.deepEqual(await log.read(), { entries: [], skippedLines: 0 });
  await log.append(record('a', { time: '2026-03-02T12:00:00.000Z' }));
  await log.append(record('b', { time: '2026-02-28T12:00:00.000Z' }));
  assert.deepEqual((await log.read()).entries.map((e) => e.feature), ['a']);
});

test('reading pairs started and finished lines, keeps old unpaired lines, and shows a request with no reply as such', async (t) => {
  const directory = await tempDir(t);
  const time = clock('2026-03-10T12:00:00.000Z');
  const log = new AuditLog({ directory, now: time.now });
  // A line from before the pairing: no id, no state.
  await log.append(record('completion', { time: '2026-03-10T09:00:00.000Z' }));
  const { inputTokens: _in, outputTokens: _out, ...started } = record('chat', { id: 'a', state: 'started', time: '2026-03-10T10:00:00.000Z' });
  await log.append(started);
  await log.append({ ...started, id: 'b', time: '2026-03-10T10:30:00.000Z' });
  await log.append(record('chat', { id: 'a', state: 'finished', time: '2026-03-10T10:00:00.000Z', outcome: 'ok' }));
  const { entries, skippedLines } = await log.readDay('2026-03-10');
  assert.equal(skippedLines, 0);
  assert.deepEqual(
    entries.map((entry) => [entry.time.slice(11, 16), entry.feature, entry.state, entry.inputTokens, outcomeText(entry)]),
    [
      ['09:00', 'completion', undefined, 812, 'unknown'],
      ['10:00', 'chat', 'finished', 812, 'ok'],
      ['10:30', 'chat', 'started', undefined, 'no reply recorded (the window closed or reloaded, or it is still running)'],
    ],
  );
  assert.deepEqual((await log.read()).entries, entries, 'read pairs the same way');
});

test('the days with a log, newest first, within the retention window', async (t) => {
  const directory = await tempDir(t);
  await mkdir(directory, { recursive: true });
  for (const day of ['2026-01-02', '2026-03-08', '2026-03-10', '2026-03-09']) await writeFile(join(directory, `audit-${day}.jsonl`), '');
  await writeFile(join(directory, 'notes.txt'), '');
  const log = new AuditLog({ directory, retentionDays: 30, now: clock('2026-03-10T12:00:00.000Z').now });
  assert.deepEqual(await log.days(), ['2026-03-10', '2026-03-09', '2026-03-08']);
  assert.deepEqual((await log.readDay('../../etc/passwd')).entries, [], 'only a day names a file');
});

test('the day view shows one line per request with its line ranges, and says when no reply was recorded', () => {
  const text = formatAuditEntries([
    { ...record('completion'), time: '2026-03-10T09:00:00.000Z', files: [{ path: 'src/a.ts', startLine: 3, endLine: 9 }, { path: 'src/b.ts', startLine: 4, endLine: 4 }, { path: 'README.md' }], outcome: 'ok', content: 'never shown' },
    { ...record('chat'), id: 'x', state: 'started', time: '2026-03-10T10:00:00.000Z' },
  ]);
  const [first, second] = text.split('\n').map((line) => JSON.parse(line) as { files: string[]; outcome: string; content?: string });
  assert.deepEqual(first!.files, ['src/a.ts:3-9', 'src/b.ts:4', 'README.md']);
  assert.equal(first!.outcome, 'ok');
  assert.equal(first!.content, undefined);
  assert.match(second!.outcome, /^no reply recorded/);
});

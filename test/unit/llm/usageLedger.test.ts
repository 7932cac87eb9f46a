import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import type { RequestEntry } from '../../../src/llm/usageEntry.ts';
import { UsageLedger } from '../../../src/llm/usageLedger.ts';
import { request } from './ledgerFixtures.ts';

const at = (year: number, month: number, day: number, hour = 12) => new Date(year, month - 1, day, hour).getTime();

async function withDirectory(run: (directory: string) => Promise<void>): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'groundwork-ledger-test-'));
  try {
    await run(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

test('entries persist as JSON lines in one file per month and read back after a restart', async () => {
  await withDirectory(async (directory) => {
    const ledger = new UsageLedger({ directory });
    await ledger.append(request(at(2026, 10, 31)));
    await ledger.append(request(at(2026, 11, 1), { model: 'openai/gpt-4o-mini' }));
    await ledger.append({ type: 'completionEvent', time: at(2026, 11, 2), event: 'shown', model: null });
    assert.deepEqual((await readdir(directory)).sort(), ['usage-2026-10.jsonl', 'usage-2026-11.jsonl']);
    const reopened = new UsageLedger({ directory });
    const november = await reopened.readMonth(at(2026, 11, 15));
    assert.equal(november.length, 2);
    assert.equal((november[0] as RequestEntry).model, 'openai/gpt-4o-mini');
    assert.equal(november[1]?.type, 'completionEvent');
  });
});

test('a corrupt line is skipped, not fatal', async () => {
  await withDirectory(async (directory) => {
    const file = join(directory, 'usage-2026-11.jsonl');
    await writeFile(file, `${JSON.stringify(request(at(2026, 11, 3)))}\n{"type":"request","ti\nnot json at all\n{"type":"other","time":1}\n`);
    await appendFile(file, `${JSON.stringify(request(at(2026, 11, 4)))}\n`);
    const entries = await new UsageLedger({ directory }).readMonth(at(2026, 11, 20));
    assert.deepEqual(entries.map((e) => e.time), [at(2026, 11, 3), at(2026, 11, 4)]);
  });
});

test('concurrent appends all land, each on its own line', async () => {
  await withDirectory(async (directory) => {
    const ledger = new UsageLedger({ directory, maxFileBytes: 4_000 });
    const times = Array.from({ length: 200 }, (_, i) => at(2026, 11, 5) + i);
    await Promise.all(times.map((time) => ledger.append(request(time))));
    const entries = await ledger.readMonth(at(2026, 11, 5));
    assert.deepEqual(entries.map((e) => e.time), times);
    assert.ok((await readdir(directory)).length > 1, 'the month was rotated into parts');
  });
});

test('past the size cap the month file rotates to numbered parts, read oldest first', async () => {
  await withDirectory(async (directory) => {
    const ledger = new UsageLedger({ directory, maxFileBytes: 700 });
    for (let i = 0; i < 6; i++) await ledger.append(request(at(2026, 11, 6) + i));
    const files = (await readdir(directory)).sort();
    assert.deepEqual(files, ['usage-2026-11.1.jsonl', 'usage-2026-11.2.jsonl', 'usage-2026-11.jsonl']);
    for (const file of files) assert.ok((await readFile(join(directory, file))).length <= 700);
    const entries = await ledger.readMonth(at(2026, 11, 6));
    assert.deepEqual(entries.map((e) => e.time - at(2026, 11, 6)), [0, 1, 2, 3, 4, 5]);
  });
});

test('months older than the retention are pruned on first write', async () => {
  await withDirectory(async (directory) => {
    await writeFile(join(directory, 'usage-2025-01.jsonl'), '');
    await writeFile(join(directory, 'usage-2026-09.1.jsonl'), '');
    await writeFile(join(directory, 'usage-2026-10.jsonl'), '');
    await writeFile(join(directory, 'notes.txt'), 'kept');
    const ledger = new UsageLedger({ directory, retainMonths: 2 });
    await ledger.append(request(at(2026, 11, 7)));
    assert.deepEqual((await readdir(directory)).sort(), ['notes.txt', 'usage-2026-10.jsonl', 'usage-2026-11.jsonl']);
  });
});

test("today's spend counts today's costs only, and keeps up with appends", async () => {
  await withDirectory(async (directory) => {
    const ledger = new UsageLedger({ directory });
    await ledger.append(request(at(2026, 11, 20), { costUsd: 5 }));
    await ledger.append(request(at(2026, 11, 21, 9), { costUsd: 0.25 }));
    await ledger.append(request(at(2026, 11, 21, 10), { costUsd: 0 }));
    const now = at(2026, 11, 21, 18);
    assert.equal(await ledger.spentTodayUsd(now), 0.25);
    await ledger.append(request(at(2026, 11, 21, 11), { costUsd: 0.5 }));
    assert.equal(await ledger.spentTodayUsd(now), 0.75);
    assert.equal(await new UsageLedger({ directory }).spentTodayUsd(now), 0.75);
  });
});

test('two windows on one ledger share one budget: each sees what the other spent since it last looked', async () => {
  await withDirectory(async (directory) => {
    const now = at(2026, 11, 21, 18);
    const first = new UsageLedger({ directory });
    const second = new UsageLedger({ directory });
    // Both have read today's spend once, so a per-window total would now be stale.
    assert.equal(await first.spentTodayUsd(now), 0);
    assert.equal(await second.spentTodayUsd(now), 0);
    await first.append(request(at(2026, 11, 21, 9), { costUsd: 3 }));
    assert.equal(await second.spentTodayUsd(now), 3);
    await second.append(request(at(2026, 11, 21, 10), { costUsd: 2 }));
    assert.equal(await first.spentTodayUsd(now), 5);
    assert.equal(await second.spentTodayUsd(now), 5);
  });
});

test("another window's rotation neither loses nor double-counts spend, and a half-written line waits", async () => {
  await withDirectory(async (directory) => {
    const now = at(2026, 11, 21, 18);
    const writer = new UsageLedger({ directory, maxFileBytes: 700 });
    const reader = new UsageLedger({ directory });
    await writer.append(request(at(2026, 11, 21, 9), { costUsd: 1 }));
    assert.equal(await reader.spentTodayUsd(now), 1);
    for (let i = 0; i < 5; i++) await writer.append(request(at(2026, 11, 21, 10) + i, { costUsd: 1 }));
    assert.ok((await readdir(directory)).length > 1, 'rotated');
    assert.equal(await reader.spentTodayUsd(now), 6);
    const line = JSON.stringify(request(at(2026, 11, 21, 11), { costUsd: 10 }));
    await appendFile(join(directory, 'usage-2026-11.jsonl'), line.slice(0, 40));
    assert.equal(await reader.spentTodayUsd(now), 6, 'a line still being written is not read yet');
    await appendFile(join(directory, 'usage-2026-11.jsonl'), `${line.slice(40)}\n`);
    assert.equal(await reader.spentTodayUsd(now), 16);
  });
});

test('a request another process wrote counts against this window before its next request', async () => {
  await withDirectory(async (directory) => {
    const now = Date.now();
    const here = new UsageLedger({ directory });
    assert.equal(await here.spentTodayUsd(now), 0);
    const ledgerModule = new URL('../../../src/llm/usageLedger.ts', import.meta.url).href;
    const script = `
      const { UsageLedger } = await import(${JSON.stringify(ledgerModule)});
      const ledger = new UsageLedger({ directory: ${JSON.stringify(directory)} });
      const entry = ${JSON.stringify(request(now, { costUsd: 4.5 }))};
      await ledger.append(entry);
    `;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    assert.equal(await here.spentTodayUsd(now), 4.5);
  });
});

test('a new day starts from zero without anything being appended', async () => {
  await withDirectory(async (directory) => {
    const ledger = new UsageLedger({ directory });
    await ledger.append(request(at(2026, 11, 21, 23), { costUsd: 7 }));
    assert.equal(await ledger.spentTodayUsd(at(2026, 11, 21, 23)), 7);
    assert.equal(await ledger.spentTodayUsd(at(2026, 11, 22, 0)), 0);
  });
});

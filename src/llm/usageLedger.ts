import { appendFile, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialQueue } from '../common/async.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import { type LedgerEntry, requestCost } from './usageEntry.ts';

export interface UsageLedgerOptions {
  /** A directory the shell owns (the extension's global storage), created on first write. */
  readonly directory: string;
  /** A month's file past this size is rotated to a numbered part. */
  readonly maxFileBytes?: number;
  /** Months kept, the current one included; older files are deleted. */
  readonly retainMonths?: number;
  readonly logger?: Logger;
}

/** The part of the ledger the gateway needs; tests and the benchmark may pass their own. */
export interface UsageRecorder {
  append(entry: LedgerEntry): Promise<void>;
  /** Today's spend by every window sharing the ledger's directory, as it is on disk now. */
  spentTodayUsd(now: number): Promise<number>;
}

/** Today's spend as far as this window has read the month's files, keyed by file identity. */
interface SpendTail {
  readonly day: string;
  usd: number;
  /** Bytes read so far per file (device and inode, so a rotated file keeps its place). */
  readonly read: Map<string, number>;
}

const filePattern = /^usage-(\d{4})-(\d{2})(?:\.(\d+))?\.jsonl$/;

/**
 * The usage ledger as JSON lines, one file per month (`usage-2026-11.jsonl`), rotated to
 * `usage-2026-11.1.jsonl`, `.2`… past a size cap. Writes go through one queue so concurrent
 * appends never interleave; a line that does not parse is skipped when reading. Every window
 * appends to the same files, so today's spend is read from disk (only the bytes added since the
 * last look) rather than kept per window: N windows share one budget.
 */
export class UsageLedger implements UsageRecorder {
  private readonly directory: string;
  private readonly maxFileBytes: number;
  private readonly retainMonths: number;
  private readonly logger: Logger;
  private readonly queue = new SerialQueue();
  private ready: Promise<void> | undefined;
  private readonly spendQueue = new SerialQueue();
  private spend: SpendTail | undefined;
  /** Sizes of the files this ledger appends to, so an append costs no stat. */
  private readonly sizes = new Map<string, number>();
  private readonly pending: LedgerEntry[] = [];
  private readonly lines: Array<[string, string]> = [];
  private batch: Promise<void> | undefined;

  constructor(options: UsageLedgerOptions) {
    this.directory = options.directory;
    this.maxFileBytes = options.maxFileBytes ?? 5 * 1024 * 1024;
    this.retainMonths = options.retainMonths ?? 12;
    this.logger = options.logger ?? nullLogger;
  }

  append(entry: LedgerEntry): Promise<void> {
    this.pending.push(entry);
    // Entries arriving while a write is under way go out together in the next one.
    this.batch ??= this.queue.run(() => {
      const entries = this.pending.splice(0);
      this.batch = undefined;
      return this.write(entries);
    });
    return this.batch;
  }

  private async write(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.prepare(entries[0]!.time);
    for (const entry of entries) {
      const file = join(this.directory, `usage-${monthKey(entry.time)}.jsonl`);
      const line = `${JSON.stringify(entry)}\n`;
      const bytes = Buffer.byteLength(line);
      let size = this.sizes.get(file) ?? (await fileSize(file));
      if (size > 0 && size + bytes > this.maxFileBytes) {
        await this.flushLines();
        await this.rotate(entry.time, file);
        size = 0;
      }
      this.lines.push([file, line]);
      this.sizes.set(file, size + bytes);
    }
    await this.flushLines();
  }

  /** Appends the collected lines, one write per file. */
  private async flushLines(): Promise<void> {
    const byFile = new Map<string, string[]>();
    for (const [file, line] of this.lines.splice(0)) {
      const list = byFile.get(file) ?? [];
      list.push(line);
      byFile.set(file, list);
    }
    for (const [file, lines] of byFile) await appendFile(file, lines.join(''), 'utf8');
  }

  /** Resolves once every append so far is on disk. */
  flush(): Promise<void> {
    return this.queue.idle();
  }

  /** Every entry of the month containing `now`, oldest file first. */
  async readMonth(now: number): Promise<LedgerEntry[]> {
    await this.flush();
    const month = monthKey(now);
    const files = (await this.listFiles()).filter((file) => file.month === month);
    // Rotated parts are older than the live file: .1 before .2 before the unnumbered one.
    files.sort((a, b) => (a.part ?? Infinity) - (b.part ?? Infinity));
    const entries: LedgerEntry[] = [];
    for (const file of files) entries.push(...(await this.readFile(join(this.directory, file.name))));
    return entries;
  }

  async spentTodayUsd(now: number): Promise<number> {
    // This window's own appends first, then whatever any window has added since the last look.
    await this.flush();
    return this.spendQueue.run(() => this.readSpend(now));
  }

  private async readSpend(now: number): Promise<number> {
    const day = dayKey(now);
    const month = monthKey(now);
    if (this.spend?.day !== day) this.spend = { day, usd: 0, read: new Map() };
    const spend = this.spend;
    for (const file of await this.listFiles()) {
      if (file.month !== month) continue;
      const path = join(this.directory, file.name);
      const info = await stat(path).catch(() => undefined);
      if (!info) continue;
      const id = info.ino ? `${info.dev}:${info.ino}` : file.name;
      const done = spend.read.get(id) ?? 0;
      if (info.size < done) {
        // Shrunk: not an append-only file any more (edited by hand, replaced). Count it all again.
        this.spend = undefined;
        return this.readSpend(now);
      }
      if (info.size === done) continue;
      const { text, bytes } = await readWholeLines(path, done, info.size);
      spend.read.set(id, done + bytes);
      for (const line of text.split('\n')) {
        const entry = parseLine(line);
        if (entry?.type === 'request' && dayKey(entry.time) === day) spend.usd += requestCost(entry).usd;
      }
    }
    return spend.usd;
  }

  private async readFile(path: string): Promise<LedgerEntry[]> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return [];
    }
    const entries: LedgerEntry[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const value = JSON.parse(line) as unknown;
        if (isEntry(value)) entries.push(value);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    if (skipped > 0) this.logger.warn(`Skipped ${skipped} unreadable line(s) in ${path}.`);
    return entries;
  }

  private prepare(now: number): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.directory, { recursive: true });
      await this.prune(now);
    })();
    return this.ready;
  }

  private async rotate(now: number, file: string): Promise<void> {
    const month = monthKey(now);
    const parts = (await this.listFiles()).filter((f) => f.month === month && f.part !== undefined).map((f) => f.part!);
    const next = parts.length > 0 ? Math.max(...parts) + 1 : 1;
    await rename(file, join(this.directory, `usage-${month}.${next}.jsonl`));
  }

  private async prune(now: number): Promise<void> {
    const oldest = monthIndex(now) - (this.retainMonths - 1);
    for (const file of await this.listFiles()) {
      if (file.index < oldest) {
        await unlink(join(this.directory, file.name)).catch(() => undefined);
      }
    }
  }

  private async listFiles(): Promise<Array<{ name: string; month: string; index: number; part: number | undefined }>> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const match = filePattern.exec(name);
      if (!match) return [];
      const year = Number(match[1]);
      const month = Number(match[2]);
      return [{ name, month: `${match[1]}-${match[2]}`, index: year * 12 + month - 1, part: match[3] ? Number(match[3]) : undefined }];
    });
  }
}

function parseLine(line: string): LedgerEntry | undefined {
  if (!line.trim()) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return isEntry(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The complete lines between `from` and `to`: a line another window is still writing (no newline
 * yet) is left for the next read.
 */
async function readWholeLines(path: string, from: number, to: number): Promise<{ text: string; bytes: number }> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
    return { text: buffer.subarray(0, end).toString('utf8'), bytes: end };
  } finally {
    await handle.close();
  }
}

function isEntry(value: unknown): value is LedgerEntry {
  if (!value || typeof value !== 'object') return false;
  const entry = value as { type?: unknown; time?: unknown };
  return (entry.type === 'request' || entry.type === 'completionEvent') && typeof entry.time === 'number';
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Months and days follow the user's local calendar: "today" is their today. */
export function monthKey(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}`;
}

export function dayKey(time: number): string {
  const date = new Date(time);
  return `${monthKey(time)}-${pad(date.getDate())}`;
}

function monthIndex(time: number): number {
  const date = new Date(time);
  return date.getFullYear() * 12 + date.getMonth();
}

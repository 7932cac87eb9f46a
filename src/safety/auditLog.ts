import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { abortReason, SerialQueue } from '../common/async.ts';
import { errorMessage } from '../common/errors.ts';
import { type Logger, nullLogger } from '../common/logger.ts';

/** A part of a file that went into a request. Lines are 1-based and inclusive; none means the file as a whole. */
export interface AuditFileRange {
  readonly path: string;
  readonly startLine?: number;
  readonly endLine?: number;
}

/**
 * One request sent to a model, as the user can review it later. A request is written twice: a
 * `started` line before it leaves and a `finished` one with its outcome, paired by `id`; reads
 * return one entry per request. Lines from before the pairing (no `id`) stand alone, as then.
 */
export interface AuditEntry {
  /** ISO 8601, UTC. */
  readonly time: string;
  /** Pairs a request's started and finished lines. */
  readonly id?: string;
  /**
   * On disk: which of the two lines this is. In what `read` returns: `started` means no finished
   * line was found, so no reply was recorded (the window closed or reloaded, or it is still running).
   */
  readonly state?: 'started' | 'finished';
  /** 'completion', 'chat', 'refactor', 'embedding', … */
  readonly feature: string;
  readonly provider: string;
  readonly model: string;
  readonly files: readonly AuditFileRange[];
  /** Absent on a started line: counted once the request ends. */
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly redactions: { readonly count: number; readonly kinds: readonly string[] };
  /** Images sent with the prompt: their type and size, never their bytes. */
  readonly images?: readonly { readonly mediaType: string; readonly bytes: number }[];
  /** 'ok', 'cancelled' or the failure's reason. */
  readonly outcome?: string;
  /** The text sent (already redacted); kept only when the log is told to record content. */
  readonly content?: string;
}

/** What callers pass: the time defaults to now. */
export type AuditRecord = Omit<AuditEntry, 'time'> & { readonly time?: string };

export interface AuditLogOptions {
  /** Where the log lives; the shell passes the extension's global storage folder plus `audit`. */
  readonly directory: string;
  /** `groundwork.audit.retentionDays`; default 30. */
  readonly retentionDays?: number;
  /** Also write the (redacted) text of each request. Off by default: the log records what, not the words. */
  readonly recordContent?: boolean;
  readonly logger?: Logger;
  /** For tests. */
  readonly now?: () => Date;
}

export interface AuditReadOptions {
  /** Only entries at or after this time (the retention window applies anyway). */
  readonly since?: Date;
  /** The newest `limit` entries. */
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

export interface AuditReadResult {
  /** Oldest first. */
  readonly entries: readonly AuditEntry[];
  /** Lines that were not valid entries (a crash mid-write, a hand edit); skipped, never fatal. */
  readonly skippedLines: number;
}

const dayMs = 24 * 60 * 60 * 1000;
const fileNamePattern = /^audit-(\d{4}-\d{2}-\d{2})\.jsonl$/;

/**
 * The local JSON-lines audit trail of every request sent: one file per UTC day, so retention
 * deletes whole files, and entries in the oldest kept file past the window are hidden on read.
 * Appends go through one queue so concurrent requests never interleave or lose lines; each line
 * is written by a single append, which keeps lines whole even with several windows writing.
 */
export class AuditLog {
  private readonly directory: string;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly queue = new SerialQueue();
  private retentionDays: number;
  private recordContent: boolean;
  private directoryReady = false;
  private prunedDay: string | undefined;

  constructor(options: AuditLogOptions) {
    this.directory = options.directory;
    this.retentionDays = validRetention(options.retentionDays);
    this.recordContent = options.recordContent ?? false;
    this.logger = options.logger ?? nullLogger;
    this.now = options.now ?? (() => new Date());
  }

  setRetentionDays(days: number): void {
    this.retentionDays = validRetention(days);
    this.prunedDay = undefined;
  }

  setRecordContent(record: boolean): void {
    this.recordContent = record;
  }

  /** The file today's entries go to. */
  currentFile(): string {
    return join(this.directory, fileName(this.now()));
  }

  /** The UTC days (`2026-03-10`) that have a log file within the retention window, newest first. */
  async days(): Promise<string[]> {
    await this.flush();
    const cutoff = this.cutoff();
    return (await this.dayFiles())
      .filter(({ day }) => Date.parse(`${day}T00:00:00Z`) + dayMs > cutoff)
      .map(({ day }) => day)
      .reverse();
  }

  /** One UTC day's requests, paired, oldest first: what "Open Audit Log" shows for the day picked. */
  async readDay(day: string): Promise<AuditReadResult> {
    await this.flush();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return { entries: [], skippedLines: 0 };
    const text = await readFile(join(this.directory, `audit-${day}.jsonl`), 'utf8').catch(() => '');
    return pairLines(text.split('\n'));
  }

  /**
   * Queues one entry. Never rejects: a full disk must not break a completion, so failures are
   * logged instead. Await it (or `flush`) when the line must be on disk.
   */
  append(record: AuditRecord): Promise<void> {
    const time = record.time ?? this.now().toISOString();
    const { content, ...rest } = record;
    const entry: AuditEntry = this.recordContent && content !== undefined ? { ...rest, time, content } : { ...rest, time };
    const line = JSON.stringify(entry) + '\n';
    const file = join(this.directory, fileName(new Date(time)));
    return this.queue
      .run(async () => {
        await this.ensureDirectory();
        await appendFile(file, line, 'utf8');
        const today = dayOf(this.now());
        if (this.prunedDay !== today) {
          this.prunedDay = today;
          await this.pruneNow();
        }
      })
      .catch((error: unknown) => this.logger.warn(`Could not write the audit log: ${errorMessage(error)}`));
  }

  /** Resolves once every queued append has been written. */
  flush(): Promise<void> {
    return this.queue.idle();
  }

  /** Deletes the day files wholly outside the retention window; returns how many went. */
  prune(): Promise<number> {
    return this.queue.run(() => this.pruneNow());
  }

  async read(options: AuditReadOptions = {}): Promise<AuditReadResult> {
    await this.flush();
    const cutoff = this.cutoff();
    const since = options.since && options.since.getTime() > cutoff ? options.since.getTime() : cutoff;
    const lines: string[] = [];
    for (const name of await this.dayFiles()) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      // A day file holds entries of that UTC day only; skip the ones wholly before `since`.
      if (Date.parse(`${name.day}T00:00:00Z`) + dayMs <= since) continue;
      const text = await readFile(join(this.directory, name.file), 'utf8').catch(() => '');
      lines.push(...text.split('\n'));
    }
    const paired = pairLines(lines);
    const entries = paired.entries.filter((entry) => Date.parse(entry.time) >= since);
    const skippedLines = paired.skippedLines;
    const limited = options.limit !== undefined && entries.length > options.limit ? entries.slice(entries.length - options.limit) : entries;
    return { entries: limited, skippedLines };
  }

  private cutoff(): number {
    return this.now().getTime() - this.retentionDays * dayMs;
  }

  private async ensureDirectory(): Promise<void> {
    if (this.directoryReady) return;
    await mkdir(this.directory, { recursive: true });
    this.directoryReady = true;
  }

  private async pruneNow(): Promise<number> {
    const cutoff = this.cutoff();
    let removed = 0;
    for (const { file, day } of await this.dayFiles()) {
      if (Date.parse(`${day}T00:00:00Z`) + dayMs <= cutoff) {
        await rm(join(this.directory, file), { force: true });
        removed++;
      }
    }
    if (removed > 0) this.logger.debug(`Audit log: removed ${removed} day file(s) older than ${this.retentionDays} days.`);
    return removed;
  }

  private async dayFiles(): Promise<{ file: string; day: string }[]> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    return names
      .map((file) => ({ file, day: fileNamePattern.exec(file)?.[1] }))
      .filter((item): item is { file: string; day: string } => item.day !== undefined)
      .sort((a, b) => a.day.localeCompare(b.day));
  }
}

function validRetention(days: number | undefined): number {
  return days !== undefined && Number.isFinite(days) && days >= 1 ? Math.floor(days) : 30;
}

function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function fileName(date: Date): string {
  return `audit-${dayOf(date)}.jsonl`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One entry per request, oldest first: a finished line completes its started one (keeping the
 * started line's time and place); a started line alone stays `started`, no reply recorded.
 */
function pairLines(lines: readonly string[]): AuditReadResult {
  const entries: AuditEntry[] = [];
  const byId = new Map<string, number>();
  let skippedLines = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const entry = parseEntry(line);
    if (!entry) {
      skippedLines++;
      continue;
    }
    const at = entry.id !== undefined ? byId.get(entry.id) : undefined;
    if (at === undefined) {
      if (entry.id !== undefined) byId.set(entry.id, entries.length);
      entries.push(entry);
    } else if (entry.state === 'finished') {
      const started = entries[at]!;
      entries[at] = { ...started, ...entry, time: started.time, state: 'finished' };
    }
  }
  entries.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return { entries, skippedLines };
}

/** What a reader is told about a request's outcome, a started one with no reply included. */
export function outcomeText(entry: AuditEntry): string {
  if (entry.state === 'started') return 'no reply recorded (the window closed or reloaded, or it is still running)';
  return entry.outcome ?? 'unknown';
}

/**
 * A day's requests for reading, one JSON line each: files as `path:start-end`, and a request that
 * never finished says so in its outcome. No content, even when the log records it.
 */
export function formatAuditEntries(entries: readonly AuditEntry[]): string {
  return entries
    .map((entry) =>
      JSON.stringify({
        time: entry.time,
        feature: entry.feature,
        provider: entry.provider,
        model: entry.model,
        files: entry.files.map(fileLabel),
        ...(entry.inputTokens !== undefined ? { inputTokens: entry.inputTokens } : {}),
        ...(entry.outputTokens !== undefined ? { outputTokens: entry.outputTokens } : {}),
        redactions: entry.redactions,
        outcome: outcomeText(entry),
      }),
    )
    .join('\n');
}

function fileLabel(file: AuditFileRange): string {
  if (file.startLine === undefined) return file.path;
  return file.endLine !== undefined && file.endLine !== file.startLine ? `${file.path}:${file.startLine}-${file.endLine}` : `${file.path}:${file.startLine}`;
}

/** An entry, or undefined for anything that is not one: torn lines, hand edits, other JSON. */
function parseEntry(line: string): AuditEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const { time, id, state, feature, provider, model, files, inputTokens, redactions } = value;
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return undefined;
  if (typeof feature !== 'string' || typeof provider !== 'string' || typeof model !== 'string') return undefined;
  if (!Array.isArray(files) || !isObject(redactions)) return undefined;
  if (id !== undefined && typeof id !== 'string') return undefined;
  if (state !== undefined && state !== 'started' && state !== 'finished') return undefined;
  // Only a started line may lack its token count: it is written before there is one.
  if (typeof inputTokens !== 'number' && state !== 'started') return undefined;
  return value as unknown as AuditEntry;
}

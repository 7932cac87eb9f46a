import { abortReason, type SerialQueue } from '../common/async.ts';
import type { Logger } from '../common/logger.ts';
import { secretFileReason } from '../safety/secretFiles.ts';
import { type Chunker, contentHash } from './chunker.ts';
import { type StoredChunk, type StoredFile, termCountsOf } from './chunkStore.ts';
import { codeTermCounts } from './codeTokens.ts';
import { type DiscoveredFile, discoverFiles, type DiscoveryOptions, type IndexRoot } from './discovery.ts';
import { type CachingEmbedder, embeddingText } from './embedder.ts';
import { contentVerdict, formatBytes } from './fileFilter.ts';
import type { IndexFileSystem } from './indexFileSystem.ts';
import type { IndexStorage } from './indexStorage.ts';
import type { LocalSearchBackend } from './localSearchBackend.ts';
import { fileKeyOf } from './searchBackend.ts';
import type { SkippedFiles } from './skippedFiles.ts';

interface ShardJob {
  /** Files to read and index (their content hash decides whether anything changed). */
  readonly upserts: DiscoveredFile[];
  readonly deletes: Set<string>;
}

export interface IndexProgress {
  readonly phase: 'discovering' | 'indexing' | 'done';
  readonly doneFiles: number;
  readonly totalFiles: number;
}

/** Files whose reads are started ahead of the one being indexed. */
const filesReadAhead = 3;

/** What an update did, counted as it goes (WorkspaceIndex's UpdateResult). */
export interface BuildTotals {
  /** Files (re-)chunked and stored. */
  indexedFiles: number;
  removedFiles: number;
  /** Files read whose content had not changed. */
  unchangedFiles: number;
  /** Chunks sent to the embedder (cache misses). */
  embeddedChunks: number;
}

export interface IndexBuilderParts {
  readonly storage: IndexStorage;
  readonly memory: LocalSearchBackend;
  readonly embedder: CachingEmbedder;
  readonly chunker: Chunker;
  readonly fs: IndexFileSystem;
  readonly skips: SkippedFiles;
  /** The index's write queue: one shard is processed at a time, between searches. */
  readonly queue: SerialQueue;
  readonly logger: Logger;
  /** The size limit of the discovery options configured now. */
  readonly maxFileSizeBytes: () => number;
  readonly absolutePath: (root: string, path: string) => string;
}

/**
 * Writes the index one shard at a time: reads its files (a few ahead), chunks them, reuses the
 * vectors of chunks already held and embeds the rest, saves the shard under the storage's lock,
 * and only then updates memory. Runs in the index's write queue.
 */
export class IndexBuilder {
  private readonly options: IndexBuilderParts;
  private readonly storage: IndexStorage;
  private readonly memory: LocalSearchBackend;
  private readonly embedder: CachingEmbedder;
  private readonly chunker: Chunker;
  private readonly fs: IndexFileSystem;
  private readonly skips: SkippedFiles;
  private readonly queue: SerialQueue;
  private readonly logger: Logger;
  /** Set when the last discovery reached the file cap, written for the user. */
  capMessage: string | undefined;

  constructor(parts: IndexBuilderParts) {
    this.options = parts;
    this.storage = parts.storage;
    this.memory = parts.memory;
    this.embedder = parts.embedder;
    this.chunker = parts.chunker;
    this.fs = parts.fs;
    this.skips = parts.skips;
    this.queue = parts.queue;
    this.logger = parts.logger;
  }

  /**
   * Discovers every file, then re-indexes those whose size or time changed and drops what is
   * gone, shard by shard. What another window on this storage saved is read, not indexed again.
   */
  async refresh(roots: readonly IndexRoot[], discovery: DiscoveryOptions, signal: AbortSignal, totals: BuildTotals, progress: (progress: IndexProgress) => void): Promise<void> {
    const found = await discoverFiles(roots, this.fs, discovery, signal);
    this.skips.setDiscovered(found.skipped, found.skippedCounts);
    this.capMessage = found.capMessage;
    if (found.capMessage) this.logger.warn(found.capMessage);
    await this.queue.run(() => this.storage.chooseStore(found.files.length));
    // What another window on this storage saved is read, not indexed a second time.
    await this.queue.run(() => this.storage.reloadChangedShards());

    const jobs = new Map<number, ShardJob>();
    const jobFor = (shard: number) => {
      let job = jobs.get(shard);
      if (!job) jobs.set(shard, (job = { upserts: [], deletes: new Set() }));
      return job;
    };
    const seen = new Set<string>();
    for (const file of found.files) {
      const key = fileKeyOf(file.root, file.path);
      seen.add(key);
      const known = this.memory.file(key);
      if (known && known.size === file.size && known.mtimeMs === file.mtimeMs) continue;
      jobFor(this.storage.shardOf(key)).upserts.push(file);
    }
    for (const key of this.memory.fileKeys()) {
      if (!seen.has(key)) jobFor(this.storage.shardOf(key)).deletes.add(key);
    }
    this.skips.retain((key) => seen.has(key));

    const totalFiles = [...jobs.values()].reduce((sum, job) => sum + job.upserts.length, 0);
    let doneFiles = 0;
    progress({ phase: 'indexing', doneFiles, totalFiles });
    for (const shard of [...jobs.keys()].sort((a, b) => a - b)) {
      if (signal.aborted) throw abortReason(signal);
      const job = jobs.get(shard)!;
      await this.queue.run(() => this.processShard(shard, job, signal, totals));
      doneFiles += job.upserts.length;
      progress({ phase: 'indexing', doneFiles, totalFiles });
    }
    progress({ phase: 'done', doneFiles, totalFiles });
  }

  /** Indexes the files named and drops the keys named, shard by shard. */
  async apply(upserts: readonly DiscoveredFile[], deletes: ReadonlySet<string>, signal: AbortSignal, totals: BuildTotals): Promise<void> {
    const jobs = new Map<number, ShardJob>();
    for (const file of upserts) {
      const shard = this.storage.shardOf(fileKeyOf(file.root, file.path));
      if (!jobs.has(shard)) jobs.set(shard, { upserts: [], deletes: new Set() });
      jobs.get(shard)!.upserts.push(file);
    }
    for (const key of deletes) {
      const shard = this.storage.shardOf(key);
      if (!jobs.has(shard)) jobs.set(shard, { upserts: [], deletes: new Set() });
      jobs.get(shard)!.deletes.add(key);
    }
    // Shards with new content first: a renamed file's chunks are still in memory to copy vectors from.
    const order = [...jobs.entries()].sort((a, b) => Number(b[1].upserts.length > 0) - Number(a[1].upserts.length > 0) || a[0] - b[0]);
    for (const [shard, job] of order) {
      if (signal.aborted) throw abortReason(signal);
      await this.queue.run(() => this.processShard(shard, job, signal, totals));
    }
  }

  /** Indexes one shard's share of a job, saves the shard, then updates memory. */
  private async processShard(shard: number, job: ShardJob, signal: AbortSignal, totals: BuildTotals): Promise<void> {
    // Taken before the read: a write landing between the two makes them differ, never hides.
    const readFingerprint = await this.storage.store.fingerprint(shard);
    const read = await this.storage.store.read(shard);
    const onDisk = new Map<string, StoredFile>();
    if (read.kind === 'ok') {
      for (const file of read.files) onDisk.set(fileKeyOf(file.root, file.path), file);
    }
    const upserts = [...job.upserts];
    const queued = new Set(upserts.map((file) => fileKeyOf(file.root, file.path)));
    // Files memory knows but the shard lacks (damaged or deleted under us): index them again too.
    for (const key of this.memory.shardFiles(shard) ?? []) {
      const entry = this.memory.file(key)!;
      if (onDisk.has(key) || queued.has(key) || job.deletes.has(key)) continue;
      if (read.kind === 'corrupt') this.storage.repairedShards.add(shard);
      upserts.push({ root: entry.root, path: entry.path, absolutePath: this.options.absolutePath(entry.root, entry.path), size: -1, mtimeMs: -1 });
    }

    const removed = new Set(job.deletes);
    const stored: StoredFile[] = [];
    const pending: { file: DiscoveredFile; hash: string; chunks: Awaited<ReturnType<Chunker['chunk']>> }[] = [];
    // Reads run a few files ahead, so the disk works while the previous file is chunked and
    // embedded; a secret file is never read, not even ahead.
    const reads: (Promise<Uint8Array | undefined> | undefined)[] = [];
    const readAhead = (i: number) => {
      const file = upserts[i];
      if (file && secretFileReason(file.path) === undefined) {
        reads[i] = this.fs.readFile(file.absolutePath).catch(() => undefined);
      }
    };
    for (let i = 0; i < filesReadAhead; i++) readAhead(i);
    for (const [i, file] of upserts.entries()) {
      if (signal.aborted) throw abortReason(signal);
      readAhead(i + filesReadAhead);
      const key = fileKeyOf(file.root, file.path);
      // Checked again here: a file re-indexed from the catalog may have become secret since.
      const secret = secretFileReason(file.path);
      if (secret !== undefined) {
        this.skips.record(key, { root: file.root, path: file.path, reason: 'secret', detail: secret });
        removed.add(key);
        continue;
      }
      const bytes = await reads[i];
      reads[i] = undefined;
      // Unreadable: gone since discovery, or not ours to read.
      if (bytes === undefined) {
        removed.add(key);
        continue;
      }
      const verdict =
        bytes.length > this.options.maxFileSizeBytes()
          ? { reason: 'tooLarge' as const, detail: `${formatBytes(bytes.length)} > ${formatBytes(this.options.maxFileSizeBytes())}` }
          : contentVerdict(bytes);
      if (verdict) {
        this.skips.record(key, { root: file.root, path: file.path, ...verdict });
        removed.add(key);
        continue;
      }
      this.skips.forget(key);
      const text = new TextDecoder().decode(bytes);
      const hash = contentHash(text);
      const previous = onDisk.get(key);
      const stat = file.size < 0 ? await this.fs.stat(file.absolutePath) : file;
      if (previous && previous.hash === hash && this.memory.file(key) !== undefined) {
        // Touched, not changed: record the new time so the next refresh skips it without reading.
        stored.push({ ...previous, size: stat?.size ?? bytes.length, mtimeMs: stat?.mtimeMs ?? 0 });
        totals.unchangedFiles++;
        continue;
      }
      const chunks = await this.chunker.chunk(file.path, text);
      pending.push({ file: { ...file, size: stat?.size ?? bytes.length, mtimeMs: stat?.mtimeMs ?? 0 }, hash, chunks });
    }

    // Vectors: reuse any chunk already in the index with the same content, embed the rest.
    const allChunks = pending.flatMap((entry) => entry.chunks);
    const known = new Map<string, Float32Array>();
    for (const chunk of allChunks) {
      const vector = this.memory.vectorOf(chunk.hash);
      if (vector) known.set(chunk.hash, vector);
    }
    const toEmbed = pending.flatMap(({ file, chunks }) => chunks.filter((chunk) => !known.has(chunk.hash)).map((chunk) => ({ file, chunk })));
    const before = this.embedder.embeddedCount;
    const embedded = await this.embedder.embed(
      toEmbed.map(({ file, chunk }) => ({
        text: embeddingText(chunk),
        // Where the text came from, for the audit log of a remote embedder.
        source: { root: file.root, path: file.path, startLine: chunk.startLine, endLine: chunk.endLine },
      })),
      signal,
    );
    totals.embeddedChunks += this.embedder.embeddedCount - before;
    toEmbed.forEach(({ chunk }, i) => known.set(chunk.hash, embedded[i]));

    for (const entry of pending) {
      const chunks: StoredChunk[] = entry.chunks.map((chunk) => ({
        s: chunk.startLine,
        e: chunk.endLine,
        l: chunk.language,
        ...(chunk.symbol !== undefined ? { y: chunk.symbol } : {}),
        h: chunk.hash,
        t: termCountsOf(codeTermCounts(chunk.text)),
        v: known.get(chunk.hash)!,
      }));
      stored.push({ root: entry.file.root, path: entry.file.path, hash: entry.hash, size: entry.file.size, mtimeMs: entry.file.mtimeMs, chunks });
      totals.indexedFiles++;
    }

    if (signal.aborted) throw abortReason(signal);
    // Another window may have saved this shard since it was read: its files are kept by reading
    // the shard again under the lock and applying only this job's changes to it.
    const store = this.storage.store;
    const saved = await this.storage.underLock(async () => {
      const unchanged = this.storage.store === store && (await this.storage.store.fingerprint(shard)) === readFingerprint;
      const latest = unchanged ? read : await this.storage.store.read(shard);
      const files = new Map<string, StoredFile>();
      if (latest.kind === 'ok') for (const file of latest.files) files.set(fileKeyOf(file.root, file.path), file);
      for (const key of removed) files.delete(key);
      for (const file of stored) files.set(fileKeyOf(file.root, file.path), file);
      await this.storage.store.write(shard, [...files.values()]);
      this.storage.shardFingerprints[shard] = await this.storage.store.fingerprint(shard);
      return [...files.values()];
    });

    // On disk now: only from here does memory (and so search) see the change.
    for (const key of removed) {
      if (this.memory.removeFile(key)) totals.removedFiles++;
    }
    this.storage.syncShard(shard, saved, new Set(stored.map((file) => fileKeyOf(file.root, file.path))));
  }
}

import { abortReason } from '../common/async.ts';
import { secretFileReason } from '../safety/secretFiles.ts';
import { type Chunker, contentHash } from './chunker.ts';
import { type StoredChunk, type StoredFile, termCountsOf } from './chunkStore.ts';
import { codeTermCounts } from './codeTokens.ts';
import type { DiscoveredFile } from './discovery.ts';
import { type CachingEmbedder, embeddingText } from './embedder.ts';
import { contentVerdict, formatBytes } from './fileFilter.ts';
import type { IndexFileSystem } from './indexFileSystem.ts';
import type { IndexStorage } from './indexStorage.ts';
import type { LocalSearchBackend } from './localSearchBackend.ts';
import { fileKeyOf } from './searchBackend.ts';
import type { SkippedFiles } from './skippedFiles.ts';

export interface ShardJob {
  /** Files to read and index (their content hash decides whether anything changed). */
  readonly upserts: DiscoveredFile[];
  readonly deletes: Set<string>;
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

  constructor(parts: IndexBuilderParts) {
    this.options = parts;
    this.storage = parts.storage;
    this.memory = parts.memory;
    this.embedder = parts.embedder;
    this.chunker = parts.chunker;
    this.fs = parts.fs;
    this.skips = parts.skips;
  }

  /** Indexes one shard's share of a job, saves the shard, then updates memory. */
  async processShard(shard: number, job: ShardJob, signal: AbortSignal, totals: BuildTotals): Promise<void> {
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

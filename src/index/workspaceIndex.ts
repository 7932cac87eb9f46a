import { promises as fsp } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { abortReason, SerialQueue } from '../common/async.ts';
import { type Disposable } from '../common/disposable.ts';
import { errorMessage, isCancellation } from '../common/errors.ts';
import { Emitter, type Event } from '../common/event.ts';
import { secretFileReason } from '../safety/secretFiles.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import { Chunker, type ChunkerOptions, contentHash } from './chunker.ts';
import { codeTermCounts } from './codeTokens.ts';
import {
  defaultDiscoveryOptions,
  type DiscoveredFile,
  discoverFiles,
  type DiscoveryOptions,
  type IndexRoot,
  type SkippedFile,
} from './discovery.ts';
import { CachingEmbedder, type Embedder, embeddingText } from './embedder.ts';
import { contentVerdict, FileFilter, formatBytes, type SkipReason } from './fileFilter.ts';
import { type IndexFileSystem, nodeIndexFileSystem } from './indexFileSystem.ts';
import { readSnapshot, snapshotFileName, writeSnapshot } from './indexSnapshot.ts';
import { type ChunkStore, type ShardRead, shardOf, type StoreKind, type StoredChunk, type StoredFile, termCountsOf } from './chunkStore.ts';
import { createChunkStore, moveChunkStore, openChunkStore, openChunkStoreHoldingLock, readManifest, type StoreChoice } from './openChunkStore.ts';
import { SkippedFiles, type SkippedPage } from './skippedFiles.ts';
import { StorageLock } from './storageLock.ts';
import { TreeSitterParsers } from './treeSitterParsers.ts';
import { type VectorMatrixOptions } from './vectorMatrix.ts';
import { LocalSearchBackend } from './localSearchBackend.ts';
import { type FileHit, fileKeyOf, type SearchHit, type SearchOptions } from './searchBackend.ts';

export type { FileHit, SearchHit, SearchOptions } from './searchBackend.ts';

export interface WorkspaceIndexOptions {
  /** Where the index lives (the extension's workspace storage, or `.groundwork/index` for the CLI). */
  readonly storeDirectory: string;
  readonly roots: readonly IndexRoot[];
  readonly embedder: Embedder;
  readonly fs?: IndexFileSystem;
  readonly discovery?: Partial<DiscoveryOptions>;
  readonly logger?: Logger;
  /** Folder with web-tree-sitter.wasm and the grammars; found automatically when omitted. */
  readonly grammarDirectory?: string;
  readonly chunker?: Partial<ChunkerOptions>;
  /** Shards on disk; fixed when the store is created. */
  readonly shardCount?: number;
  /**
   * Which store keeps the index on disk (src/index/chunkStore.ts). `auto`, the default, builds a
   * new index in vectra unless the workspace has more than `vectraMaxFiles` files, where loading
   * and holding vectra's items would pass the targets; an existing store is kept as it is.
   */
  readonly store?: StoreChoice;
  readonly vectraMaxFiles?: number;
  /** Tuning of the in-memory vector search (when the coarse pass starts). */
  readonly vectorSearch?: VectorMatrixOptions;
  /** How long after the last change the snapshot of memory is saved (src/index/indexSnapshot.ts). Default 10 s. */
  readonly snapshotDelayMs?: number;
}

export interface IndexProgress {
  readonly phase: 'discovering' | 'indexing' | 'done';
  readonly doneFiles: number;
  readonly totalFiles: number;
}

/** How the last open loaded the index. */
export interface IndexLoad {
  /** `snapshot` when memory came from the snapshot, plus any shard written after it. */
  readonly source: 'snapshot' | 'shards';
  readonly shardsRead: number;
  readonly milliseconds: number;
}

export interface IndexStatus {
  readonly state: 'loading' | 'idle' | 'indexing' | 'error';
  readonly embedderId: string;
  /** Which store keeps the index on disk. */
  readonly store: StoreKind;
  readonly files: number;
  readonly chunks: number;
  /** The first few skipped files of each reason (`skippedFiles` pages through all); `skippedCounts` has the totals. */
  readonly skipped: readonly SkippedFile[];
  readonly skippedCounts: Readonly<Record<SkipReason, number>>;
  /** Set when the file cap (groundwork.index.maxFiles) was reached, written for the user. */
  readonly capMessage?: string;
  readonly progress?: IndexProgress;
  /** Shards found damaged on disk since open; their files were (or will be) re-indexed. */
  readonly repairedShards: readonly number[];
  readonly load?: IndexLoad;
  readonly lastError?: string;
}

/** Absolute paths, as file watchers report them. A branch switch arrives as one batch. */
export interface FileChanges {
  readonly changed?: readonly string[];
  readonly deleted?: readonly string[];
  readonly renamed?: readonly { readonly from: string; readonly to: string }[];
}

export interface UpdateResult {
  /** Files (re-)chunked and stored. */
  readonly indexedFiles: number;
  readonly removedFiles: number;
  /** Files read whose content had not changed. */
  readonly unchangedFiles: number;
  /** Chunks sent to the embedder (cache misses). */
  readonly embeddedChunks: number;
}

interface ShardJob {
  /** Files to read and index (their content hash decides whether anything changed). */
  readonly upserts: DiscoveredFile[];
  readonly deletes: Set<string>;
}

/** Files whose reads are started ahead of the one being indexed. */
const filesReadAhead = 3;

/**
 * Above this many files, `auto` keeps a new index in the binary store. bench/index.ts measured
 * vectra's cold load at about a second for 10,000 chunks (some 1,400 files of real code at 7
 * chunks a file) and 3.3 to 4.4 s for 50,000, against 0.4 s and 1.4 to 2.0 s for the binary shards.
 */
export const defaultVectraMaxFiles = 1500;

function wantedStore(options: WorkspaceIndexOptions, kind: StoreChoice) {
  return {
    embedderId: options.embedder.id,
    dimensions: options.embedder.dimensions,
    kind,
    ...(options.shardCount !== undefined ? { shardCount: options.shardCount } : {}),
  };
}

/**
 * The workspace index: discovery, chunking, embedding and a sharded durable store, with search
 * answered by the local backend (localSearchBackend.ts: an in-memory vector matrix and a BM25
 * index). All writes go through one queue, shard by shard, and memory changes only after the
 * shard is on disk, so progress survives a reload and a killed build resumes where it stopped.
 */
export class WorkspaceIndex implements Disposable {
  private readonly options: WorkspaceIndexOptions;
  private readonly logger: Logger;
  private readonly fs: IndexFileSystem;
  private store: ChunkStore;
  /** Held for every change to the storage: other windows on it write through the same lock. */
  private readonly lock: StorageLock;
  private readonly embedder: CachingEmbedder;
  private readonly chunker: Chunker;
  /** What search reads: every chunk in memory, changed only after its shard is on disk. */
  private readonly memory: LocalSearchBackend;
  private readonly queue = new SerialQueue();
  private readonly statusEmitter = new Emitter<IndexStatus>();
  private roots: readonly IndexRoot[];
  private discoveryOptions: DiscoveryOptions;
  private filters = new Map<string, FileFilter>();
  private readonly skips = new SkippedFiles();
  private capMessage: string | undefined;
  private readonly repairedShards = new Set<number>();
  private state: IndexStatus['state'] = 'loading';
  private progress: IndexProgress | undefined;
  private lastError: string | undefined;
  private loaded: IndexLoad | undefined;
  /** Per shard, the fingerprint of the shard file memory reflects; `corrupt` for one that could not be read. */
  private shardFingerprints: string[] = [];
  /** Per shard, what the snapshot on disk reflects; undefined when there is none. */
  private snapshotFingerprints: readonly string[] | undefined;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;

  readonly onDidChangeStatus: Event<IndexStatus> = this.statusEmitter.event;

  private constructor(options: WorkspaceIndexOptions, store: ChunkStore) {
    this.options = options;
    this.logger = options.logger ?? nullLogger;
    this.fs = options.fs ?? nodeIndexFileSystem;
    this.store = store;
    this.lock = new StorageLock(options.storeDirectory);
    this.embedder = new CachingEmbedder(options.embedder);
    this.chunker = new Chunker(new TreeSitterParsers(options.grammarDirectory, this.logger), options.chunker);
    this.memory = new LocalSearchBackend({
      dimensions: options.embedder.dimensions,
      ...(options.vectorSearch !== undefined ? { vectorSearch: options.vectorSearch } : {}),
      embedQuery: (query, signal, source) => this.embedder.embedQuery(query, signal, source),
      absolutePath: (root, path) => this.absolutePath(root, path),
      shardOf: (fileKey) => this.shardOf(fileKey),
    });
    this.roots = validateRoots(options.roots);
    this.discoveryOptions = { ...defaultDiscoveryOptions, ...options.discovery };
    this.rebuildFilters();
  }

  /**
   * Opens the index in `storeDirectory` and loads what is there. A store built by another
   * embedder is wiped (vectors of different models cannot be compared); call `refresh()` next.
   */
  static async open(options: WorkspaceIndexOptions, signal?: AbortSignal): Promise<WorkspaceIndex> {
    const { store, reset } = await openChunkStore(options.storeDirectory, wantedStore(options, options.store ?? 'auto'));
    const index = new WorkspaceIndex(options, store);
    if (reset) index.logger.info(`The index on disk was built by another embedder, format or store; rebuilding it with ${options.embedder.id}.`);
    await index.load(signal);
    return index;
  }

  get embedderId(): string {
    return this.embedder.id;
  }

  status(): IndexStatus {
    return {
      state: this.state,
      embedderId: this.embedder.id,
      store: this.store.kind,
      files: this.memory.fileCount,
      chunks: this.memory.chunkCount,
      skipped: this.skips.sample(),
      skippedCounts: this.skips.counts(),
      ...(this.capMessage !== undefined ? { capMessage: this.capMessage } : {}),
      ...(this.progress !== undefined ? { progress: this.progress } : {}),
      repairedShards: [...this.repairedShards],
      ...(this.loaded !== undefined ? { load: this.loaded } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** One page of the files skipped for `reason`; the status carries only the first few. */
  skippedFiles(reason: SkipReason, offset = 0, limit = 200): SkippedPage {
    return this.skips.page(reason, Math.max(0, offset), Math.max(0, Math.min(limit, 1000)));
  }

  /** New roots or discovery settings (index.exclude, maxFileSizeKb, maxFiles); call `refresh()` after. */
  configure(update: { readonly roots?: readonly IndexRoot[]; readonly discovery?: Partial<DiscoveryOptions> }): void {
    if (update.roots) this.roots = validateRoots(update.roots);
    if (update.discovery) this.discoveryOptions = { ...this.discoveryOptions, ...update.discovery };
    this.rebuildFilters();
  }

  /**
   * Brings the index in line with the disk: discovers every file, re-indexes those whose size or
   * time changed (only changed chunks are embedded) and drops what is gone. Resumes an
   * interrupted build. Cancelling keeps everything saved so far.
   */
  async refresh(signal: AbortSignal = new AbortController().signal, onProgress?: (progress: IndexProgress) => void): Promise<UpdateResult> {
    return this.tracked(async (totals) => {
      this.setProgress({ phase: 'discovering', doneFiles: 0, totalFiles: 0 }, onProgress);
      for (const filter of this.filters.values()) filter.invalidate();
      const found = await discoverFiles(this.roots, this.fs, this.discoveryOptions, signal);
      this.skips.setDiscovered(found.skipped, found.skippedCounts);
      this.capMessage = found.capMessage;
      if (found.capMessage) this.logger.warn(found.capMessage);
      await this.queue.run(() => this.chooseStore(found.files.length));
      // What another window on this storage saved is read, not indexed a second time.
      await this.queue.run(() => this.reloadChangedShards());

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
        jobFor(this.shardOf(key)).upserts.push(file);
      }
      for (const key of this.memory.fileKeys()) {
        if (!seen.has(key)) jobFor(this.shardOf(key)).deletes.add(key);
      }
      this.skips.retain((key) => seen.has(key));

      const totalFiles = [...jobs.values()].reduce((sum, job) => sum + job.upserts.length, 0);
      let doneFiles = 0;
      this.setProgress({ phase: 'indexing', doneFiles, totalFiles }, onProgress);
      for (const shard of [...jobs.keys()].sort((a, b) => a - b)) {
        if (signal.aborted) throw abortReason(signal);
        const job = jobs.get(shard)!;
        await this.queue.run(() => this.processShard(shard, job, signal, totals));
        doneFiles += job.upserts.length;
        this.setProgress({ phase: 'indexing', doneFiles, totalFiles }, onProgress);
      }
      this.setProgress({ phase: 'done', doneFiles, totalFiles }, onProgress);
    });
  }

  /**
   * Applies file events as one batch (a save, or a branch switch touching hundreds of files).
   * Only the files named are read; a change to a .gitignore or .groundworkignore, or to a
   * folder, falls back to `refresh()`.
   */
  async applyChanges(changes: FileChanges, signal: AbortSignal = new AbortController().signal): Promise<UpdateResult> {
    const changed = [...(changes.changed ?? []), ...(changes.renamed ?? []).map((r) => r.to)];
    const deleted = [...(changes.deleted ?? []), ...(changes.renamed ?? []).map((r) => r.from)];
    const isIgnoreFile = (path: string) => /(^|[\\/])\.(git|groundwork)ignore$/.test(path);
    if ([...changed, ...deleted].some(isIgnoreFile)) return this.refresh(signal);

    const upserts: DiscoveredFile[] = [];
    const deletes = new Set<string>();
    for (const absolutePath of deleted) {
      const located = this.locate(absolutePath);
      if (!located) continue;
      const key = fileKeyOf(located.root.id, located.path);
      // A deleted folder arrives as one event: drop every file under it.
      for (const known of this.memory.fileKeys()) if (known === key || known.startsWith(`${key}/`)) deletes.add(known);
      this.skips.forget(key);
    }
    for (const absolutePath of changed) {
      const located = this.locate(absolutePath);
      if (!located) continue;
      const key = fileKeyOf(located.root.id, located.path);
      const stat = await this.fs.stat(absolutePath);
      if (!stat) {
        deletes.add(key);
        continue;
      }
      if (stat.kind === 'directory') return this.refresh(signal);
      if (stat.kind !== 'file') continue;
      const verdict = await this.filters.get(located.root.id)!.classify(located.path, stat.size);
      const overCap = !verdict && this.memory.file(key) === undefined && this.memory.fileCount + upserts.length >= this.discoveryOptions.maxFiles;
      if (verdict || overCap) {
        const skip = verdict ?? { reason: 'overCap' as const, detail: `more than ${this.discoveryOptions.maxFiles} files` };
        const indexed = this.memory.file(key) !== undefined;
        // A file under an ignored or generated folder that was never indexed is not listed one by
        // one: discovery lists its folder, and a build writes thousands of them on every run.
        if (indexed || (skip.reason !== 'ignored' && skip.reason !== 'generated')) this.skips.record(key, { root: located.root.id, path: located.path, ...skip });
        if (indexed) deletes.add(key);
        continue;
      }
      deletes.delete(key);
      upserts.push({ root: located.root.id, path: located.path, absolutePath, size: stat.size, mtimeMs: stat.mtimeMs });
    }
    return this.tracked(async (totals) => {
      const jobs = new Map<number, ShardJob>();
      for (const file of upserts) {
        const shard = this.shardOf(fileKeyOf(file.root, file.path));
        if (!jobs.has(shard)) jobs.set(shard, { upserts: [], deletes: new Set() });
        jobs.get(shard)!.upserts.push(file);
      }
      for (const key of deletes) {
        const shard = this.shardOf(key);
        if (!jobs.has(shard)) jobs.set(shard, { upserts: [], deletes: new Set() });
        jobs.get(shard)!.deletes.add(key);
      }
      // Shards with new content first: a renamed file's chunks are still in memory to copy vectors from.
      const order = [...jobs.entries()].sort((a, b) => Number(b[1].upserts.length > 0) - Number(a[1].upserts.length > 0) || a[0] - b[0]);
      for (const [shard, job] of order) {
        if (signal.aborted) throw abortReason(signal);
        await this.queue.run(() => this.processShard(shard, job, signal, totals));
      }
    });
  }

  /**
   * Indexes every file again from scratch: the shards and the snapshot are deleted first and no
   * vector is reused, so a bad index (wrong vectors, a shard that reads well but lies) is replaced
   * whole, where `refresh()` would skip every file whose size and time did not change. Search finds
   * less until it is done; cancelling keeps what was saved, and the next refresh goes on.
   */
  async rebuild(signal: AbortSignal = new AbortController().signal, onProgress?: (progress: IndexProgress) => void): Promise<UpdateResult> {
    await this.queue.run(() =>
      this.underLock(async () => {
        await this.store.clear();
        await fsp.rm(this.snapshotPath, { force: true });
        this.memory.clear();
        this.embedder.forget();
        this.skips.clearLater();
        this.repairedShards.clear();
        this.shardFingerprints = await this.fingerprintShards();
        this.snapshotFingerprints = undefined;
      }),
    );
    this.fireStatus();
    return this.refresh(signal, onProgress);
  }

  /**
   * The best chunks for a query, for chat's context and completion: vector and BM25 fused, taken
   * in the file ranking's order (localSearchBackend.ts).
   */
  async search(query: string, options: SearchOptions = {}, signal: AbortSignal = new AbortController().signal): Promise<SearchHit[]> {
    return this.memory.search(query, options, signal);
  }

  /** The best files for a query, ranked by fileRanking.ts, each with its best chunks. */
  async searchFiles(query: string, options: SearchOptions = {}, signal: AbortSignal = new AbortController().signal): Promise<FileHit[]> {
    return this.memory.searchFiles(query, options, signal);
  }

  /**
   * Runs both searches once over what is loaded, so the first real query does not wait while V8
   * compiles them. The embedder is left out: a remote one would be a paid request. Returns how long it took.
   */
  warmUp(): number {
    return this.memory.warmUp();
  }

  /** Resolves when every queued write is on disk, the snapshot included. */
  async flush(): Promise<void> {
    clearTimeout(this.snapshotTimer);
    await this.queue.run(() => this.saveSnapshot());
  }

  dispose(): void {
    clearTimeout(this.snapshotTimer);
    this.statusEmitter.dispose();
  }

  /**
   * In `auto`, an empty index takes the store that suits the workspace's size, and a vectra index
   * whose workspace has grown past `vectraMaxFiles` moves its shards to the binary store as they
   * are (nothing is re-indexed). A shrinking workspace keeps the binary store.
   */
  private async chooseStore(fileCount: number): Promise<void> {
    if ((this.options.store ?? 'auto') !== 'auto') return;
    const kind = fileCount > (this.options.vectraMaxFiles ?? defaultVectraMaxFiles) ? 'binary' : 'vectra';
    if (kind === this.store.kind) return;
    // Decided under the lock from what is on disk: another window may have moved or filled the store.
    await this.underLock(async () => {
      if (kind === this.store.kind) return;
      const empty = (await this.fingerprintShards()).every((fingerprint) => fingerprint === 'missing');
      if (!empty && kind === 'vectra') return;
      const started = performance.now();
      this.store = empty ? (await openChunkStoreHoldingLock(this.options.storeDirectory, wantedStore(this.options, kind))).store : await moveChunkStore(this.store, kind);
      this.shardFingerprints = await this.fingerprintShards();
      this.snapshotFingerprints = undefined;
      const moved = empty ? '' : ` (its ${this.memory.fileCount} files moved in ${Math.round(performance.now() - started)} ms)`;
      this.logger.info(`${fileCount} files: the index is kept in the ${kind === 'vectra' ? 'vectra' : 'binary shard'} store${moved}.`);
    });
  }

  /**
   * Runs `work` holding the storage's writer lock, on the store the manifest names now: another
   * window may have moved it to the other kind while this one waited.
   */
  private underLock<T>(work: () => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      await this.followStoreOnDisk();
      return work();
    });
  }

  private async followStoreOnDisk(): Promise<void> {
    const onDisk = await readManifest(this.options.storeDirectory);
    const mine = this.store.manifest;
    if (!onDisk || (onDisk.store === mine.store && onDisk.formatVersion === mine.formatVersion)) return;
    if (onDisk.embedderId !== mine.embedderId || onDisk.dimensions !== mine.dimensions || onDisk.shardCount !== mine.shardCount || onDisk.formatVersion !== mine.formatVersion) {
      throw new Error(`Another window rebuilt this index with ${String(onDisk.embedderId)}; reload this window to use it.`);
    }
    this.logger.info(`Another window moved the index to the ${onDisk.store === 'vectra' ? 'vectra' : 'binary shard'} store; following it.`);
    this.store = createChunkStore(this.options.storeDirectory, { ...mine, store: onDisk.store === 'vectra' ? 'vectra' : 'binary' });
    // Every shard file is new: read them all again (the same files, plus what the other window changed).
    this.shardFingerprints = this.shardFingerprints.map(() => 'moved');
    this.snapshotFingerprints = undefined;
    await this.reloadChangedShards();
  }

  /** Reads into memory the shards written since memory reflected them (by another window on this storage). */
  private async reloadChangedShards(): Promise<void> {
    const now = await this.fingerprintShards();
    for (let shard = 0; shard < now.length; shard++) {
      if (now[shard] === this.shardFingerprints[shard] || this.shardFingerprints[shard] === 'corrupt') continue;
      const read = await this.store.read(shard);
      if (read.kind === 'corrupt') continue;
      this.syncShard(shard, read.kind === 'ok' ? read.files : [], new Set());
      this.shardFingerprints[shard] = await this.store.fingerprint(shard);
    }
  }

  /**
   * Makes memory hold exactly `files` for one shard: the files in `fresh` are always replaced,
   * the others only when memory lacks them or holds another version (another window wrote them).
   */
  private syncShard(shard: number, files: readonly StoredFile[], fresh: ReadonlySet<string>): void {
    const keys = new Set(files.map((file) => fileKeyOf(file.root, file.path)));
    for (const key of [...(this.memory.shardFiles(shard) ?? [])]) if (!keys.has(key)) this.memory.removeFile(key);
    for (const file of files) {
      const key = fileKeyOf(file.root, file.path);
      const known = this.memory.file(key);
      if (!fresh.has(key) && known && known.hash === file.hash && known.size === file.size && known.mtimeMs === file.mtimeMs && known.chunkCount === file.chunks.length) continue;
      this.memory.removeFile(key);
      this.memory.addFile(file);
    }
  }

  private shardOf(fileKey: string): number {
    return shardOf(this.store.manifest, fileKey);
  }

  /**
   * Loads memory from the snapshot when it is valid, then reads every shard written since it was
   * taken (all of them when there is no snapshot). A shard that fails its checksum is left out: its
   * files are simply absent, and the next refresh finds them new and indexes them again.
   */
  private async load(signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    const count = this.store.manifest.shardCount;
    this.shardFingerprints = await this.fingerprintShards();
    this.snapshotFingerprints = await this.loadSnapshot();
    const stale: number[] = [];
    for (let shard = 0; shard < count; shard++) {
      if (this.snapshotFingerprints?.[shard] === this.shardFingerprints[shard]) continue;
      for (const key of [...(this.memory.shardFiles(shard) ?? [])]) this.memory.removeFile(key);
      if (this.shardFingerprints[shard] !== 'missing') stale.push(shard);
    }
    // Read ahead a few shards so disk reads overlap the work of adding the previous ones.
    const reads = new Map<number, Promise<ShardRead>>();
    const readAhead = (i: number) => {
      if (i < stale.length) reads.set(stale[i], this.store.read(stale[i]));
    };
    for (let i = 0; i < 4; i++) readAhead(i);
    for (let i = 0; i < stale.length; i++) {
      if (signal?.aborted) {
        await Promise.allSettled(reads.values());
        throw abortReason(signal);
      }
      const shard = stale[i];
      const read = await reads.get(shard)!;
      reads.delete(shard);
      readAhead(i + 4);
      if (read.kind === 'missing') continue;
      if (read.kind === 'corrupt') {
        this.logger.warn(`Index shard ${shard} is damaged (${read.detail}); its files will be indexed again.`);
        this.repairedShards.add(shard);
        this.shardFingerprints[shard] = 'corrupt';
        continue;
      }
      for (const file of read.files) this.memory.addFile(file);
    }
    this.loaded = { source: this.snapshotFingerprints ? 'snapshot' : 'shards', shardsRead: stale.length, milliseconds: Math.round(performance.now() - started) };
    if (stale.length > 0) this.scheduleSnapshot();
    this.state = 'idle';
    this.fireStatus();
  }

  /** Every shard's fingerprint, as the store has it now. */
  private fingerprintShards(): Promise<string[]> {
    return Promise.all(Array.from({ length: this.store.manifest.shardCount }, (_, shard) => this.store.fingerprint(shard)));
  }

  private get snapshotPath(): string {
    return join(this.options.storeDirectory, snapshotFileName);
  }

  /** Fills empty memory from the snapshot; returns the fingerprints it reflects, or undefined when there is no usable one. */
  private async loadSnapshot(): Promise<readonly string[] | undefined> {
    const read = await readSnapshot(this.snapshotPath, this.store.manifest, (rows) => this.memory.loadRows(rows));
    if (read.kind === 'ok') {
      try {
        this.memory.install(read.snapshot);
        return read.snapshot.fingerprints;
      } catch (error) {
        this.logger.warn(`The index snapshot does not add up (${errorMessage(error)}); reading the shards instead.`);
      }
    } else if (read.kind === 'invalid') {
      this.logger.warn(`The index snapshot is unusable (${read.detail}); reading the shards instead.`);
    }
    this.memory.clear();
    return undefined;
  }

  /**
   * Whether the snapshot on disk misses enough to be written again. Reading a shard it misses
   * costs a load a few milliseconds, while the snapshot is the whole index (146 MB at 100,000
   * chunks): so not after every saved file, but once 8 shards, or a twentieth of the files, have
   * changed since it was taken.
   */
  private snapshotWorthSaving(): boolean {
    if (!this.snapshotFingerprints) return this.memory.fileCount > 0;
    let staleShards = 0;
    let staleFiles = 0;
    this.shardFingerprints.forEach((fingerprint, shard) => {
      if (fingerprint === this.snapshotFingerprints![shard]) return;
      staleShards++;
      staleFiles += this.memory.shardFiles(shard)?.size ?? 0;
    });
    return staleShards >= 8 || (staleShards > 0 && staleFiles * 20 >= this.memory.fileCount);
  }

  /** Saves the snapshot after a quiet spell, so a burst of saves writes it once. */
  private scheduleSnapshot(): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => void this.queue.run(() => this.saveSnapshot()), this.options.snapshotDelayMs ?? 10_000);
    this.snapshotTimer.unref?.();
  }

  /**
   * Writes memory as the snapshot, when it reflects shards the snapshot on disk does not. Runs in
   * the write queue. A failure is logged, never thrown: the shards hold everything, and the next
   * load reads those the snapshot misses.
   */
  private async saveSnapshot(): Promise<void> {
    try {
      await this.writeSnapshot();
    } catch (error) {
      this.logger.warn(`Could not save the index snapshot: ${errorMessage(error)}`);
    }
  }

  private async writeSnapshot(): Promise<void> {
    const current = this.shardFingerprints;
    if (!this.snapshotWorthSaving()) return;
    const fingerprints = [...current];
    const started = performance.now();
    const content = await this.memory.snapshotContent();
    await writeSnapshot(this.snapshotPath, { manifest: this.store.manifest, fingerprints, ...content });
    this.snapshotFingerprints = fingerprints;
    this.logger.info(`Saved the index snapshot (${content.chunks.hashes.length} chunks) in ${Math.round(performance.now() - started)} ms.`);
  }

  /** Indexes one shard's share of a job, saves the shard, then updates memory. */
  private async processShard(shard: number, job: ShardJob, signal: AbortSignal, totals: MutableTotals): Promise<void> {
    // Taken before the read: a write landing between the two makes them differ, never hides.
    const readFingerprint = await this.store.fingerprint(shard);
    const read = await this.store.read(shard);
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
      if (read.kind === 'corrupt') this.repairedShards.add(shard);
      upserts.push({ root: entry.root, path: entry.path, absolutePath: this.absolutePath(entry.root, entry.path), size: -1, mtimeMs: -1 });
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
        bytes.length > this.discoveryOptions.maxFileSizeBytes
          ? { reason: 'tooLarge' as const, detail: `${formatBytes(bytes.length)} > ${formatBytes(this.discoveryOptions.maxFileSizeBytes)}` }
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
    const store = this.store;
    const saved = await this.underLock(async () => {
      const unchanged = this.store === store && (await this.store.fingerprint(shard)) === readFingerprint;
      const latest = unchanged ? read : await this.store.read(shard);
      const files = new Map<string, StoredFile>();
      if (latest.kind === 'ok') for (const file of latest.files) files.set(fileKeyOf(file.root, file.path), file);
      for (const key of removed) files.delete(key);
      for (const file of stored) files.set(fileKeyOf(file.root, file.path), file);
      await this.store.write(shard, [...files.values()]);
      this.shardFingerprints[shard] = await this.store.fingerprint(shard);
      return [...files.values()];
    });

    // On disk now: only from here does memory (and so search) see the change.
    for (const key of removed) {
      if (this.memory.removeFile(key)) totals.removedFiles++;
    }
    this.syncShard(shard, saved, new Set(stored.map((file) => fileKeyOf(file.root, file.path))));
  }

  private async tracked(work: (totals: MutableTotals) => Promise<void>): Promise<UpdateResult> {
    const totals: MutableTotals = { indexedFiles: 0, removedFiles: 0, unchangedFiles: 0, embeddedChunks: 0 };
    this.state = 'indexing';
    this.fireStatus();
    try {
      await work(totals);
      this.lastError = undefined;
      return totals;
    } catch (error) {
      if (!isCancellation(error)) {
        this.lastError = errorMessage(error);
        this.logger.error(`Indexing failed: ${this.lastError}`);
      }
      throw error;
    } finally {
      this.state = this.lastError !== undefined ? 'error' : 'idle';
      this.progress = undefined;
      this.fireStatus();
      this.scheduleSnapshot();
    }
  }

  private setProgress(progress: IndexProgress, onProgress?: (progress: IndexProgress) => void): void {
    this.progress = progress;
    onProgress?.(progress);
    this.fireStatus();
  }

  private fireStatus(): void {
    this.statusEmitter.fire(this.status());
  }

  private rebuildFilters(): void {
    this.filters = new Map(this.roots.map((root) => [root.id, new FileFilter(root.path, this.fs, this.discoveryOptions)]));
  }

  private locate(absolutePath: string): { root: IndexRoot; path: string } | undefined {
    let best: { root: IndexRoot; path: string } | undefined;
    for (const root of this.roots) {
      const rel = relative(root.path, absolutePath);
      if (rel === '' || rel.startsWith('..') || /^[a-zA-Z]:|^[\\/]/.test(rel)) continue;
      // The innermost root wins when roots nest.
      if (!best || root.path.length > best.root.path.length) best = { root, path: rel.split(sep).join('/') };
    }
    return best;
  }

  private absolutePath(rootId: string, path: string): string {
    const root = this.roots.find((r) => r.id === rootId);
    return root ? join(root.path, ...path.split('/')) : path;
  }
}

type MutableTotals = { -readonly [K in keyof UpdateResult]: UpdateResult[K] };

function validateRoots(roots: readonly IndexRoot[]): readonly IndexRoot[] {
  const ids = new Set<string>();
  for (const root of roots) {
    if (root.id === '' || root.id.includes('/')) throw new Error(`Index root id "${root.id}" must be non-empty and contain no '/'.`);
    if (ids.has(root.id)) throw new Error(`Index root id "${root.id}" is used twice.`);
    ids.add(root.id);
  }
  return roots;
}

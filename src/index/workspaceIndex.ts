import { join, relative, sep } from 'node:path';
import { SerialQueue } from '../common/async.ts';
import { type Disposable } from '../common/disposable.ts';
import { errorMessage, isCancellation } from '../common/errors.ts';
import { Emitter, type Event } from '../common/event.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import { Chunker, type ChunkerOptions } from './chunker.ts';
import {
  defaultDiscoveryOptions,
  type DiscoveredFile,
  type DiscoveryOptions,
  type IndexRoot,
  type SkippedFile,
} from './discovery.ts';
import { CachingEmbedder, type Embedder } from './embedder.ts';
import { FileFilter, type SkipReason } from './fileFilter.ts';
import { type IndexFileSystem, nodeIndexFileSystem } from './indexFileSystem.ts';
import { type StoreKind } from './chunkStore.ts';
import { type StoreChoice } from './openChunkStore.ts';
import { SkippedFiles, type SkippedPage } from './skippedFiles.ts';
import { TreeSitterParsers } from './treeSitterParsers.ts';
import { type VectorMatrixOptions } from './vectorMatrix.ts';
import { LocalSearchBackend } from './localSearchBackend.ts';
import { type BuildTotals, IndexBuilder, type IndexProgress } from './indexBuilder.ts';
import { type IndexLoad, IndexStorage, type IndexStorageOptions } from './indexStorage.ts';
import { type FileHit, fileKeyOf, type SearchHit, type SearchOptions } from './searchBackend.ts';

export type { FileHit, SearchHit, SearchOptions } from './searchBackend.ts';
export type { IndexLoad } from './indexStorage.ts';
export type { IndexProgress } from './indexBuilder.ts';
export { defaultVectraMaxFiles } from './indexStorage.ts';

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

/**
 * The workspace index, a facade over its parts: the builder (indexBuilder.ts: discovery, chunking,
 * embedding, shard writes), the storage (indexStorage.ts: the sharded store, its lock and the
 * snapshot) and search through the local backend (localSearchBackend.ts: an in-memory vector
 * matrix and a BM25 index). It takes file events and reports status. All writes go through one
 * queue, shard by shard, and memory changes only after the shard is on disk, so progress survives
 * a reload and a killed build resumes where it stopped.
 */
export class WorkspaceIndex implements Disposable {
  private readonly logger: Logger;
  private readonly fs: IndexFileSystem;
  /** The chunk store, its lock, shard fingerprints and the snapshot. */
  private readonly storage: IndexStorage;
  private readonly embedder: CachingEmbedder;
  /** Chunks, embeds and writes shards. */
  private readonly builder: IndexBuilder;
  /** What search reads: every chunk in memory, changed only after its shard is on disk. */
  private readonly memory: LocalSearchBackend;
  private readonly queue: SerialQueue;
  private readonly statusEmitter = new Emitter<IndexStatus>();
  private roots: readonly IndexRoot[];
  private discoveryOptions: DiscoveryOptions;
  private filters = new Map<string, FileFilter>();
  private readonly skips = new SkippedFiles();
  private state: IndexStatus['state'] = 'loading';
  private progress: IndexProgress | undefined;
  private lastError: string | undefined;
  private loaded: IndexLoad | undefined;

  readonly onDidChangeStatus: Event<IndexStatus> = this.statusEmitter.event;

  private constructor(options: WorkspaceIndexOptions, embedder: CachingEmbedder, memory: LocalSearchBackend, storage: IndexStorage, queue: SerialQueue) {
    this.logger = options.logger ?? nullLogger;
    this.fs = options.fs ?? nodeIndexFileSystem;
    this.embedder = embedder;
    this.memory = memory;
    this.storage = storage;
    this.queue = queue;
    this.builder = new IndexBuilder({
      storage,
      memory,
      embedder,
      chunker: new Chunker(new TreeSitterParsers(options.grammarDirectory, this.logger), options.chunker),
      fs: this.fs,
      skips: this.skips,
      queue,
      logger: this.logger,
      maxFileSizeBytes: () => this.discoveryOptions.maxFileSizeBytes,
      absolutePath: (root, path) => this.absolutePath(root, path),
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
    const logger = options.logger ?? nullLogger;
    const embedder = new CachingEmbedder(options.embedder);
    const queue = new SerialQueue();
    // Called only once both exist: search answers with the roots configured now, a file's shard is the store's.
    const memory: LocalSearchBackend = new LocalSearchBackend({
      dimensions: options.embedder.dimensions,
      ...(options.vectorSearch !== undefined ? { vectorSearch: options.vectorSearch } : {}),
      embedQuery: (query, signal, source) => embedder.embedQuery(query, signal, source),
      absolutePath: (root, path): string => index.absolutePath(root, path),
      shardOf: (fileKey): number => storage.shardOf(fileKey),
    });
    const storage: IndexStorage = await IndexStorage.open(storageOptions(options), memory, queue, logger);
    const index: WorkspaceIndex = new WorkspaceIndex(options, embedder, memory, storage, queue);
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
      store: this.storage.store.kind,
      files: this.memory.fileCount,
      chunks: this.memory.chunkCount,
      skipped: this.skips.sample(),
      skippedCounts: this.skips.counts(),
      ...(this.builder.capMessage !== undefined ? { capMessage: this.builder.capMessage } : {}),
      ...(this.progress !== undefined ? { progress: this.progress } : {}),
      repairedShards: [...this.storage.repairedShards],
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
      await this.builder.refresh(this.roots, this.discoveryOptions, signal, totals, (progress) => this.setProgress(progress, onProgress));
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
      await this.builder.apply(upserts, deletes, signal, totals);
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
      this.storage.underLock(async () => {
        await this.storage.clear();
        this.embedder.forget();
        this.skips.clearLater();
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
    await this.storage.flush();
  }

  dispose(): void {
    this.storage.dispose();
    this.statusEmitter.dispose();
  }

  /**
   * Loads memory from the snapshot and the shards written since (indexStorage.ts). A damaged shard
   * is left out: its files are simply absent, and the next refresh indexes them again.
   */
  private async load(signal?: AbortSignal): Promise<void> {
    this.loaded = await this.storage.load(signal);
    this.state = 'idle';
    this.fireStatus();
  }

  private async tracked(work: (totals: BuildTotals) => Promise<void>): Promise<UpdateResult> {
    const totals: BuildTotals = { indexedFiles: 0, removedFiles: 0, unchangedFiles: 0, embeddedChunks: 0 };
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
      this.storage.scheduleSnapshot();
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

function storageOptions(options: WorkspaceIndexOptions): IndexStorageOptions {
  return {
    storeDirectory: options.storeDirectory,
    embedderId: options.embedder.id,
    dimensions: options.embedder.dimensions,
    ...(options.shardCount !== undefined ? { shardCount: options.shardCount } : {}),
    ...(options.store !== undefined ? { store: options.store } : {}),
    ...(options.vectraMaxFiles !== undefined ? { vectraMaxFiles: options.vectraMaxFiles } : {}),
    ...(options.snapshotDelayMs !== undefined ? { snapshotDelayMs: options.snapshotDelayMs } : {}),
  };
}


function validateRoots(roots: readonly IndexRoot[]): readonly IndexRoot[] {
  const ids = new Set<string>();
  for (const root of roots) {
    if (root.id === '' || root.id.includes('/')) throw new Error(`Index root id "${root.id}" must be non-empty and contain no '/'.`);
    if (ids.has(root.id)) throw new Error(`Index root id "${root.id}" is used twice.`);
    ids.add(root.id);
  }
  return roots;
}

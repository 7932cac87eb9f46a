import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { abortReason, type SerialQueue } from '../common/async.ts';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { type ChunkStore, type ShardRead, shardOf, type StoredFile } from './chunkStore.ts';
import { readSnapshot, snapshotFileName, writeSnapshot } from './indexSnapshot.ts';
import type { LocalSearchBackend } from './localSearchBackend.ts';
import { createChunkStore, moveChunkStore, openChunkStore, openChunkStoreHoldingLock, readManifest, type StoreChoice } from './openChunkStore.ts';
import { fileKeyOf } from './searchBackend.ts';
import { StorageLock } from './storageLock.ts';

export interface IndexStorageOptions {
  readonly storeDirectory: string;
  readonly embedderId: string;
  readonly dimensions: number;
  readonly shardCount?: number;
  readonly store?: StoreChoice;
  readonly vectraMaxFiles?: number;
  readonly snapshotDelayMs?: number;
}

/** How the last open loaded the index. */
export interface IndexLoad {
  /** `snapshot` when memory came from the snapshot, plus any shard written after it. */
  readonly source: 'snapshot' | 'shards';
  readonly shardsRead: number;
  readonly milliseconds: number;
}

/**
 * Above this many files, `auto` keeps a new index in the binary store. bench/index.ts measured
 * vectra's cold load at about a second for 10,000 chunks (some 1,400 files of real code at 7
 * chunks a file) and 3.3 to 4.4 s for 50,000, against 0.4 s and 1.4 to 2.0 s for the binary shards.
 */
export const defaultVectraMaxFiles = 1500;

function wantedStore(options: IndexStorageOptions, kind: StoreChoice) {
  return {
    embedderId: options.embedderId,
    dimensions: options.dimensions,
    kind,
    ...(options.shardCount !== undefined ? { shardCount: options.shardCount } : {}),
  };
}

/**
 * Where the index persists: the chunk store (vectra or binary shards, chosen and moved here), the
 * writer lock every change to the storage is made under, the fingerprint of each shard memory
 * reflects, and the snapshot of memory that makes a cold load fast. It keeps the local search
 * backend in step with the shards, including shards another window on this storage wrote.
 */
export class IndexStorage {
  private readonly options: IndexStorageOptions;
  private readonly logger: Logger;
  private readonly memory: LocalSearchBackend;
  /** The write queue the snapshot is saved in. */
  private readonly queue: SerialQueue;
  private currentStore: ChunkStore;
  /** Held for every change to the storage: other windows on it write through the same lock. */
  private readonly lock: StorageLock;
  /** Shards found damaged on disk since open. */
  readonly repairedShards = new Set<number>();
  /** Per shard, the fingerprint of the shard file memory reflects; `corrupt` for one that could not be read. */
  shardFingerprints: string[] = [];
  /** Per shard, what the snapshot on disk reflects; undefined when there is none. */
  private snapshotFingerprints: readonly string[] | undefined;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(options: IndexStorageOptions, store: ChunkStore, memory: LocalSearchBackend, queue: SerialQueue, logger: Logger) {
    this.options = options;
    this.currentStore = store;
    this.memory = memory;
    this.queue = queue;
    this.logger = logger;
    this.lock = new StorageLock(options.storeDirectory);
  }

  /**
   * Opens the store in `storeDirectory`. One built by another embedder, format or store is wiped
   * (vectors of different models cannot be compared). Call `load()` next.
   */
  static async open(options: IndexStorageOptions, memory: LocalSearchBackend, queue: SerialQueue, logger: Logger): Promise<IndexStorage> {
    const { store, reset } = await openChunkStore(options.storeDirectory, wantedStore(options, options.store ?? 'auto'));
    if (reset) logger.info(`The index on disk was built by another embedder, format or store; rebuilding it with ${options.embedderId}.`);
    return new IndexStorage(options, store, memory, queue, logger);
  }

  get store(): ChunkStore {
    return this.currentStore;
  }

  /** Deletes every shard and the snapshot, and empties memory (under the lock). */
  async clear(): Promise<void> {
    await this.store.clear();
    await fsp.rm(this.snapshotPath, { force: true });
    this.memory.clear();
    this.repairedShards.clear();
    this.shardFingerprints = await this.fingerprintShards();
    this.snapshotFingerprints = undefined;
  }

  /** Resolves when the snapshot is saved (in the write queue). */
  async flush(): Promise<void> {
    clearTimeout(this.snapshotTimer);
    await this.queue.run(() => this.saveSnapshot());
  }

  dispose(): void {
    clearTimeout(this.snapshotTimer);
  }

  /**
   * In `auto`, an empty index takes the store that suits the workspace's size, and a vectra index
   * whose workspace has grown past `vectraMaxFiles` moves its shards to the binary store as they
   * are (nothing is re-indexed). A shrinking workspace keeps the binary store.
   */
  async chooseStore(fileCount: number): Promise<void> {
    if ((this.options.store ?? 'auto') !== 'auto') return;
    const kind = fileCount > (this.options.vectraMaxFiles ?? defaultVectraMaxFiles) ? 'binary' : 'vectra';
    if (kind === this.store.kind) return;
    // Decided under the lock from what is on disk: another window may have moved or filled the store.
    await this.underLock(async () => {
      if (kind === this.store.kind) return;
      const empty = (await this.fingerprintShards()).every((fingerprint) => fingerprint === 'missing');
      if (!empty && kind === 'vectra') return;
      const started = performance.now();
      this.currentStore = empty ? (await openChunkStoreHoldingLock(this.options.storeDirectory, wantedStore(this.options, kind))).store : await moveChunkStore(this.store, kind);
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
  underLock<T>(work: () => Promise<T>): Promise<T> {
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
    this.currentStore = createChunkStore(this.options.storeDirectory, { ...mine, store: onDisk.store === 'vectra' ? 'vectra' : 'binary' });
    // Every shard file is new: read them all again (the same files, plus what the other window changed).
    this.shardFingerprints = this.shardFingerprints.map(() => 'moved');
    this.snapshotFingerprints = undefined;
    await this.reloadChangedShards();
  }

  /** Reads into memory the shards written since memory reflected them (by another window on this storage). */
  async reloadChangedShards(): Promise<void> {
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
  syncShard(shard: number, files: readonly StoredFile[], fresh: ReadonlySet<string>): void {
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

  shardOf(fileKey: string): number {
    return shardOf(this.store.manifest, fileKey);
  }

  /**
   * Loads memory from the snapshot when it is valid, then reads every shard written since it was
   * taken (all of them when there is no snapshot). A shard that fails its checksum is left out: its
   * files are simply absent, and the next refresh finds them new and indexes them again.
   */
  async load(signal?: AbortSignal): Promise<IndexLoad> {
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
    if (stale.length > 0) this.scheduleSnapshot();
    return { source: this.snapshotFingerprints ? 'snapshot' : 'shards', shardsRead: stale.length, milliseconds: Math.round(performance.now() - started) };
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
  scheduleSnapshot(): void {
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
}

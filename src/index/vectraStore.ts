import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { FileDetails, FileStorage, IndexItem, LocalIndex, MetadataTypes } from 'vectra';
import { fileFingerprint, isAbandonedTemp, tempNameFor } from './atomicWrite.ts';
import type { ChunkStore, ShardRead, StoredChunk, StoredFile, StoreManifest } from './chunkStore.ts';
import type * as VectraPartsModule from './vectraParts.ts';

const indexName = 'index.pb';
const checksumMagic = 'GWVECTRA1';

type Metadata = Record<string, MetadataTypes>;
type VectraParts = typeof VectraPartsModule;

/** vectra loads on first use, so a workspace kept in the binary store never pays for it. */
let loading: Promise<VectraParts> | undefined;
function vectra(): Promise<VectraParts> {
  loading ??= import('./vectraParts.ts');
  return loading;
}

/**
 * The index in vectra: each shard is one `LocalIndex` folder with a protobuf `index.pb`. A file is
 * one item (its catalog entry, no vector) and each of its chunks one item (vector, lines,
 * language, symbol, content hash, BM25 term counts). vectra's own limits shape how it is used
 * (measured in the issue and in bench/index.ts):
 * - a save rewrites the whole index in place, so a shard is built in a temp folder by its own
 *   LocalIndex and its `index.pb` renamed over the old one: a kill mid-save leaves the old shard;
 * - nothing in the file detects damage, so the storage adapter below seals every file it writes
 *   with a sha256 and refuses a file whose seal does not match: `read` reports it as corrupt;
 * - concurrent updates of one LocalIndex lose items, so a shard is only ever written whole, from
 *   one queue (the index's);
 * - vectors go in as plain arrays (a Float32Array silently corrupts an item) and come out as
 *   Float32Array for the index's in-memory search, which scans one contiguous matrix rather than
 *   vectra's per-item objects (its query was measured at 106 ms p50 for 100k chunks).
 */
export class VectraStore implements ChunkStore {
  readonly kind = 'vectra';
  readonly directory: string;
  readonly manifest: StoreManifest;
  private io: { readonly storage: SealedFileStorage; readonly codec: InstanceType<VectraParts['ProtobufCodec']> } | undefined;

  constructor(directory: string, manifest: StoreManifest) {
    this.directory = directory;
    this.manifest = manifest;
  }

  private get shardsDirectory(): string {
    return join(this.directory, 'vectra');
  }

  shardFolder(shard: number): string {
    return join(this.shardsDirectory, String(shard).padStart(4, '0'));
  }

  /** The shard's vectra index file. */
  shardPath(shard: number): string {
    return join(this.shardFolder(shard), indexName);
  }

  /** A LocalIndex over one shard folder, with the protobuf codec and the sealed storage. */
  private async localIndex(folder: string): Promise<LocalIndex<Metadata>> {
    const { LocalIndex, LocalFileStorage, ProtobufCodec } = await vectra();
    this.io ??= { storage: new SealedFileStorage(new LocalFileStorage()), codec: new ProtobufCodec() };
    const { storage, codec } = this.io;
    return new LocalIndex<Metadata>(folder, indexName, storage, codec);
  }

  fingerprint(shard: number): Promise<string> {
    return fileFingerprint(this.shardPath(shard));
  }

  async read(shard: number): Promise<ShardRead> {
    const index = await this.localIndex(this.shardFolder(shard));
    try {
      if (!(await index.isIndexCreated())) return { kind: 'missing' };
      // A broken seal, an undecodable file and an item that lacks a field all read as corrupt.
      return { kind: 'ok', files: filesOf(await index.listItems(), this.manifest.dimensions) };
    } catch (error) {
      return { kind: 'corrupt', detail: (error as Error).message };
    }
  }

  async write(shard: number, files: readonly StoredFile[]): Promise<void> {
    const folder = this.shardFolder(shard);
    if (files.length === 0) {
      await fsp.rm(folder, { recursive: true, force: true });
      return;
    }
    const staging = tempNameFor(folder);
    try {
      const index = await this.localIndex(staging);
      await index.createIndex({ version: 1 });
      await index.beginUpdate();
      for (const item of itemsOf(files, this.manifest.dimensions)) await index.insertItem(item);
      await index.endUpdate();
      await fsp.mkdir(folder, { recursive: true });
      await fsp.rename(join(staging, indexName), join(folder, indexName));
    } finally {
      await fsp.rm(staging, { recursive: true, force: true });
    }
  }

  async clear(): Promise<void> {
    await fsp.rm(this.shardsDirectory, { recursive: true, force: true });
  }

  async removeLeftovers(): Promise<void> {
    const names = await fsp.readdir(this.shardsDirectory).catch(() => [] as string[]);
    for (const name of names) if (isAbandonedTemp(name)) await fsp.rm(join(this.shardsDirectory, name), { recursive: true, force: true });
  }
}

function itemsOf(files: readonly StoredFile[], dimensions: number): Partial<IndexItem<Metadata>>[] {
  const items: Partial<IndexItem<Metadata>>[] = [];
  files.forEach((file, f) => {
    items.push({ id: `f${f}`, vector: [], metadata: { r: file.root, p: file.path, fh: file.hash, z: file.size, m: file.mtimeMs } });
    file.chunks.forEach((chunk, c) => {
      if (chunk.v.length !== dimensions) throw new Error(`A vector of ${chunk.v.length} dimensions in a store of ${dimensions}.`);
      const terms: string[] = [];
      const counts: number[] = [];
      for (let i = 0; i < chunk.t.pairs.length; i += 2) {
        terms.push(chunk.t.dictionary[chunk.t.pairs[i]]);
        counts.push(chunk.t.pairs[i + 1]);
      }
      const metadata: Metadata = { f, c, s: chunk.s, e: chunk.e, l: chunk.l, h: chunk.h, t: JSON.stringify([terms, counts]) };
      if (chunk.y !== undefined) metadata.y = chunk.y;
      items.push({ id: `c${f}.${c}`, vector: Array.from(chunk.v), metadata });
    });
  });
  return items;
}

function filesOf(items: readonly IndexItem<Metadata>[], dimensions: number): StoredFile[] {
  const files = new Map<number, { file: Omit<StoredFile, 'chunks'>; chunks: [number, StoredChunk][] }>();
  const chunkItems: IndexItem<Metadata>[] = [];
  for (const item of items) {
    if (item.id.startsWith('f')) {
      const { r, p, fh, z, m } = item.metadata;
      if (typeof r !== 'string' || typeof p !== 'string' || typeof fh !== 'string' || typeof z !== 'number' || typeof m !== 'number') {
        throw new Error(`file item ${item.id} is incomplete`);
      }
      files.set(Number(item.id.slice(1)), { file: { root: r, path: p, hash: fh, size: z, mtimeMs: m }, chunks: [] });
    } else {
      chunkItems.push(item);
    }
  }
  for (const item of chunkItems) {
    const { f, c, s, e, l, y, h, t } = item.metadata;
    const owner = files.get(f as number);
    if (!owner || typeof c !== 'number' || typeof s !== 'number' || typeof e !== 'number' || typeof l !== 'string' || typeof h !== 'string' || typeof t !== 'string') {
      throw new Error(`chunk item ${item.id} is incomplete`);
    }
    if (item.vector.length !== dimensions) throw new Error(`chunk item ${item.id} has ${item.vector.length} dimensions, not ${dimensions}`);
    const [terms, counts] = JSON.parse(t) as [string[], number[]];
    const pairs = new Int32Array(terms.length * 2);
    terms.forEach((_, i) => {
      pairs[i * 2] = i;
      pairs[i * 2 + 1] = counts[i];
    });
    const chunk: StoredChunk = { s, e, l, ...(typeof y === 'string' ? { y } : {}), h, t: { dictionary: terms, pairs }, v: Float32Array.from(item.vector) };
    owner.chunks.push([c, chunk]);
  }
  return [...files.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, { file, chunks }]) => ({ ...file, chunks: chunks.sort(([a], [b]) => a - b).map(([, chunk]) => chunk) }));
}

/**
 * vectra's local file storage with a seal: every file written starts with a line naming the
 * sha256 of the rest, and a read whose content does not match fails instead of handing vectra a
 * damaged index to decode into wrong vectors.
 */
class SealedFileStorage implements FileStorage {
  private readonly files: FileStorage;

  constructor(files: FileStorage) {
    this.files = files;
  }

  async createFile(filePath: string, content: Buffer | string): Promise<void> {
    await this.files.createFile(filePath, seal(content));
  }

  async upsertFile(filePath: string, content: Buffer | string): Promise<void> {
    await this.files.upsertFile(filePath, seal(content));
  }

  async readFile(filePath: string): Promise<Buffer> {
    return unseal(await this.files.readFile(filePath), filePath);
  }

  createFolder(folderPath: string): Promise<void> {
    return this.files.createFolder(folderPath);
  }

  deleteFile(filePath: string): Promise<void> {
    return this.files.deleteFile(filePath);
  }

  deleteFolder(folderPath: string): Promise<void> {
    return this.files.deleteFolder(folderPath);
  }

  getDetails(fileOrFolderPath: string): Promise<FileDetails> {
    return this.files.getDetails(fileOrFolderPath);
  }

  listFiles(folderPath: string, filter?: 'files' | 'folders' | 'all'): Promise<FileDetails[]> {
    return this.files.listFiles(folderPath, filter);
  }

  pathExists(fileOrFolderPath: string): Promise<boolean> {
    return this.files.pathExists(fileOrFolderPath);
  }
}

function seal(content: Buffer | string): Buffer {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const header = Buffer.from(`${checksumMagic} ${createHash('sha256').update(body).digest('hex')}\n`, 'latin1');
  return Buffer.concat([header, body]);
}

function unseal(raw: Buffer, filePath: string): Buffer {
  const newline = raw.indexOf(10);
  const header = newline > 0 && newline < 100 ? raw.subarray(0, newline).toString('latin1').split(' ') : [];
  if (header.length !== 2 || header[0] !== checksumMagic) throw new Error(`${filePath}: not a sealed index file`);
  const body = raw.subarray(newline + 1);
  if (createHash('sha256').update(body).digest('hex') !== header[1]) throw new Error(`${filePath}: checksum mismatch`);
  return body;
}

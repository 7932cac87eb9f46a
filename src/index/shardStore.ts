import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { fnv1a } from './localEmbedder.ts';

/** One chunk on disk; short keys because a large index holds a hundred thousand of them. */
export interface StoredChunk {
  /** Start and end line, 1-based. */
  readonly s: number;
  readonly e: number;
  /** Language id. */
  readonly l: string;
  /** Enclosing symbol. */
  readonly y?: string;
  /** Content hash (the embedding cache key). */
  readonly h: string;
  /** Term counts for BM25. */
  readonly t: TermCounts;
  /** The unit-length vector; on disk it sits in the shard's binary tail, not in the JSON. */
  readonly v: Float32Array;
}

/**
 * A chunk's terms with their counts: pairs of (index into `dictionary`, count). Chunks read from
 * one shard share its dictionary, so a load maps each distinct term of a shard once, not each
 * occurrence.
 */
export interface TermCounts {
  readonly dictionary: readonly string[];
  readonly pairs: Int32Array;
}

export function termCountsOf(counts: ReadonlyMap<string, number>): TermCounts {
  const dictionary = [...counts.keys()];
  const pairs = new Int32Array(dictionary.length * 2);
  dictionary.forEach((term, i) => {
    pairs[i * 2] = i;
    pairs[i * 2 + 1] = counts.get(term)!;
  });
  return { dictionary, pairs };
}

/** One file's catalog entry and chunks: recorded only once its shard is durably saved. */
export interface StoredFile {
  readonly root: string;
  readonly path: string;
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly chunks: readonly StoredChunk[];
}

export interface StoreManifest {
  readonly formatVersion: number;
  readonly embedderId: string;
  readonly dimensions: number;
  readonly shardCount: number;
}

export const storeFormatVersion = 3;
const shardMagic = 'GWSHARD3';

export type ShardRead = { readonly kind: 'ok'; readonly files: StoredFile[] } | { readonly kind: 'missing' } | { readonly kind: 'corrupt'; readonly detail: string };

/** The JSON part of a shard file; vectors and term pairs follow it in binary. */
interface DiskShard {
  readonly terms: readonly string[];
  readonly files: readonly (Omit<StoredFile, 'chunks'> & { readonly chunks: readonly DiskChunk[] })[];
}

/** A chunk in the JSON: `n` is its number of term pairs in the binary part. */
type DiskChunk = Omit<StoredChunk, 'v' | 't'> & { readonly n: number };

let tempCounter = 0;

/**
 * The durable index: a manifest and a fixed number of shard files, each holding the files whose
 * key hashes to it, so saving one edit rewrites one small file. Every write goes to a temp file,
 * is flushed and renamed over the old one, so a kill mid-save leaves the previous shard intact;
 * each shard carries a sha256 of its body, so a damaged one is detected and rebuilt alone.
 */
export class ShardStore {
  readonly directory: string;
  readonly manifest: StoreManifest;

  private constructor(directory: string, manifest: StoreManifest) {
    this.directory = directory;
    this.manifest = manifest;
  }

  /**
   * Opens the store in `directory`, creating it. When the manifest names another embedder, size or
   * format, the old shards are deleted (`reset`), since their vectors cannot be compared.
   */
  static async open(directory: string, wanted: Omit<StoreManifest, 'formatVersion' | 'shardCount'> & { shardCount?: number }): Promise<{ store: ShardStore; reset: boolean }> {
    await fsp.mkdir(join(directory, 'shards'), { recursive: true });
    let existing: StoreManifest | undefined;
    try {
      existing = JSON.parse(await fsp.readFile(join(directory, 'manifest.json'), 'utf8')) as StoreManifest;
    } catch {
      existing = undefined;
    }
    const matches =
      existing !== undefined &&
      existing.formatVersion === storeFormatVersion &&
      existing.embedderId === wanted.embedderId &&
      existing.dimensions === wanted.dimensions &&
      Number.isInteger(existing.shardCount) &&
      existing.shardCount > 0;
    const manifest: StoreManifest = matches
      ? existing!
      : { formatVersion: storeFormatVersion, embedderId: wanted.embedderId, dimensions: wanted.dimensions, shardCount: wanted.shardCount ?? 256 };
    const shardsDir = join(directory, 'shards');
    for (const name of await fsp.readdir(shardsDir)) {
      // Leftover temp files are saves that never finished; the shard they meant to replace is intact.
      if (!matches || name.includes('.tmp-')) await fsp.rm(join(shardsDir, name), { force: true });
    }
    if (!matches) await writeAtomic(join(directory, 'manifest.json'), JSON.stringify(manifest, null, 2));
    return { store: new ShardStore(directory, manifest), reset: existing !== undefined && !matches };
  }

  shardOf(fileKey: string): number {
    return fnv1a(fileKey) % this.manifest.shardCount;
  }

  shardPath(shard: number): string {
    return join(this.directory, 'shards', `${String(shard).padStart(4, '0')}.shard`);
  }

  async read(shard: number): Promise<ShardRead> {
    let raw: Buffer;
    try {
      raw = await fsp.readFile(this.shardPath(shard));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      return { kind: 'corrupt', detail: (error as Error).message };
    }
    // Layout: "GWSHARD3 <sha256 of the rest> <json bytes> <vector bytes> <term bytes>\n", then
    // the JSON ({ terms: the shard's term dictionary, files }), the float32 vectors, and the int32
    // (term index, count) pairs of every chunk in order.
    const newline = raw.indexOf(10);
    const header = newline > 0 && newline < 200 ? raw.subarray(0, newline).toString('latin1').split(' ') : [];
    if (header.length !== 5 || header[0] !== shardMagic) return { kind: 'corrupt', detail: 'bad header' };
    const jsonBytes = Number(header[2]);
    const vectorBytes = Number(header[3]);
    const termBytes = Number(header[4]);
    const body = raw.subarray(newline + 1);
    if (body.length !== jsonBytes + vectorBytes + termBytes) return { kind: 'corrupt', detail: `length ${body.length} does not match the header` };
    if (createHash('sha256').update(body).digest('hex') !== header[1]) return { kind: 'corrupt', detail: 'checksum mismatch' };
    try {
      const parsed = JSON.parse(body.subarray(0, jsonBytes).toString('utf8')) as DiskShard;
      if (!Array.isArray(parsed.files) || !Array.isArray(parsed.terms)) return { kind: 'corrupt', detail: 'not a shard' };
      const dimensions = this.manifest.dimensions;
      // One aligned copy each for the vectors and the term pairs; chunks hold views into them.
      const vectors = new Float32Array(vectorBytes / 4);
      new Uint8Array(vectors.buffer).set(body.subarray(jsonBytes, jsonBytes + vectorBytes));
      const pairs = new Int32Array(termBytes / 4);
      new Uint8Array(pairs.buffer).set(body.subarray(jsonBytes + vectorBytes));
      const dictionary = parsed.terms;
      let vectorOffset = 0;
      let pairOffset = 0;
      const out: StoredFile[] = parsed.files.map((file) => ({
        ...file,
        chunks: file.chunks.map(({ n, ...chunk }: DiskChunk) => {
          const v = vectors.subarray(vectorOffset, vectorOffset + dimensions);
          const t = { dictionary, pairs: pairs.subarray(pairOffset, pairOffset + n * 2) };
          vectorOffset += dimensions;
          pairOffset += n * 2;
          return { ...chunk, v, t };
        }),
      }));
      if (vectorOffset !== vectors.length || pairOffset !== pairs.length) return { kind: 'corrupt', detail: 'chunk count mismatch' };
      return { kind: 'ok', files: out };
    } catch (error) {
      return { kind: 'corrupt', detail: (error as Error).message };
    }
  }

  /** Replaces the shard atomically; an empty list deletes it. */
  async write(shard: number, files: readonly StoredFile[]): Promise<void> {
    const path = this.shardPath(shard);
    if (files.length === 0) {
      await fsp.rm(path, { force: true });
      return;
    }
    const dimensions = this.manifest.dimensions;
    let chunkCount = 0;
    let pairCount = 0;
    for (const file of files) {
      chunkCount += file.chunks.length;
      for (const chunk of file.chunks) pairCount += chunk.t.pairs.length;
    }
    const vectors = new Float32Array(chunkCount * dimensions);
    const pairs = new Int32Array(pairCount);
    const dictionary: string[] = [];
    const termIndex = new Map<string, number>();
    let vectorOffset = 0;
    let pairOffset = 0;
    const plain = files.map((file) => ({
      ...file,
      chunks: file.chunks.map(({ v, t, ...chunk }) => {
        if (v.length !== dimensions) throw new Error(`A vector of ${v.length} dimensions in a store of ${dimensions}.`);
        vectors.set(v, vectorOffset);
        vectorOffset += dimensions;
        for (let i = 0; i < t.pairs.length; i += 2) {
          const term = t.dictionary[t.pairs[i]];
          let index = termIndex.get(term);
          if (index === undefined) {
            index = dictionary.push(term) - 1;
            termIndex.set(term, index);
          }
          pairs[pairOffset++] = index;
          pairs[pairOffset++] = t.pairs[i + 1];
        }
        return { ...chunk, n: t.pairs.length / 2 };
      }),
    }));
    const json = Buffer.from(JSON.stringify({ terms: dictionary, files: plain } satisfies DiskShard), 'utf8');
    const vectorBytes = Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength);
    const termBytes = Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength);
    const hash = createHash('sha256').update(json).update(vectorBytes).update(termBytes).digest('hex');
    const header = Buffer.from(`${shardMagic} ${hash} ${json.length} ${vectorBytes.length} ${termBytes.length}\n`, 'latin1');
    await writeAtomic(path, Buffer.concat([header, json, vectorBytes, termBytes]), false);
  }

  /** Deletes everything: for a full rebuild. */
  async clear(): Promise<void> {
    const shardsDir = join(this.directory, 'shards');
    for (const name of await fsp.readdir(shardsDir)) await fsp.rm(join(shardsDir, name), { force: true });
  }
}

/**
 * Write to a temp file, then rename over the target: readers see old or new, never half, even when
 * the process is killed mid-write. `flush` also forces the data to disk first, against power loss;
 * shards skip it (a full build would wait seconds on 256 fsyncs) because their checksum already
 * turns a torn shard into a rebuild of that shard alone.
 */
export async function writeAtomic(path: string, data: string | Uint8Array, flush = true): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${tempCounter++}`;
  const handle = await fsp.open(temp, 'w');
  try {
    await handle.writeFile(data);
    if (flush) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.rename(temp, path);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
}

import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { fileFingerprint, isAbandonedTemp, writeAtomic } from './atomicWrite.ts';
import type { ChunkStore, ShardRead, StoredChunk, StoredFile, StoreManifest } from './chunkStore.ts';

const shardMagic = 'GWSHARD3';

/** The JSON part of a shard file; vectors and term pairs follow it in binary. */
interface DiskShard {
  readonly terms: readonly string[];
  readonly files: readonly (Omit<StoredFile, 'chunks'> & { readonly chunks: readonly DiskChunk[] })[];
}

/** A chunk in the JSON: `n` is its number of term pairs in the binary part. */
type DiskChunk = Omit<StoredChunk, 'v' | 't'> & { readonly n: number };

/**
 * Groundwork's own store, for workspaces too large for vectra: each shard is one binary file (a
 * JSON header of files and chunks, then the float32 vectors and int32 term pairs), so a cold load
 * copies vectors instead of decoding them. Every write goes to a temp file and is renamed over the
 * old one; each shard carries a sha256 of its body, so a damaged one is detected and rebuilt alone.
 */
export class BinaryShardStore implements ChunkStore {
  readonly kind = 'binary';
  readonly directory: string;
  readonly manifest: StoreManifest;

  constructor(directory: string, manifest: StoreManifest) {
    this.directory = directory;
    this.manifest = manifest;
  }

  private get shardsDirectory(): string {
    return join(this.directory, 'shards');
  }

  shardPath(shard: number): string {
    return join(this.shardsDirectory, `${String(shard).padStart(4, '0')}.shard`);
  }

  fingerprint(shard: number): Promise<string> {
    return fileFingerprint(this.shardPath(shard));
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
    await fsp.mkdir(this.shardsDirectory, { recursive: true });
    await writeAtomic(path, Buffer.concat([header, json, vectorBytes, termBytes]), false);
  }

  async clear(): Promise<void> {
    await fsp.rm(this.shardsDirectory, { recursive: true, force: true });
  }

  async removeLeftovers(): Promise<void> {
    const names = await fsp.readdir(this.shardsDirectory).catch(() => [] as string[]);
    for (const name of names) if (isAbandonedTemp(name)) await fsp.rm(join(this.shardsDirectory, name), { force: true });
  }
}

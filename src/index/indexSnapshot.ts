// A snapshot of the whole in-memory index in one file, so a cold load reads a few large arrays
// instead of decoding every shard and re-adding every chunk to BM25 (bench/index.ts: at 100,000
// chunks the shards take about 3 s, and half of that is rebuilding the postings). The shards stay
// the source of truth: the snapshot records each shard's fingerprint, a shard written since is
// read again on load, and a snapshot that fails any check is ignored and the shards are read.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as zlib from 'node:zlib';
import { yieldToEventLoop } from '../common/async.ts';
import { writeAtomic } from './atomicWrite.ts';
import type { StoreManifest } from './chunkStore.ts';
import type { KeywordSnapshot } from './keywordIndex.ts';
import type { IndexedFile } from './searchBackend.ts';

const magic = 'GWSNAP1';
export const snapshotFileName = 'snapshot.bin';

/** A file of the catalog; its `chunkCount` chunks follow in the chunk columns, in file order. */
export type SnapshotFile = IndexedFile;

/** Chunk columns, one entry per chunk in file order; chunk `i` is vector row `i` and BM25 document `i`. */
export interface SnapshotChunks {
  /** Start and end line of each chunk, interleaved. */
  readonly lines: Int32Array;
  readonly languages: readonly string[];
  readonly symbols: readonly (string | null)[];
  readonly hashes: readonly string[];
}

export interface IndexSnapshot {
  readonly manifest: StoreManifest;
  /** Per shard, the fingerprint of the shard file this snapshot reflects. */
  readonly fingerprints: readonly string[];
  readonly files: readonly SnapshotFile[];
  readonly chunks: SnapshotChunks;
  readonly keywords: KeywordSnapshot;
  /**
   * Row-major, `chunks × manifest.dimensions`, in chunk order: written from runs of the index's
   * matrix (no copy of it is made), read back as one array.
   */
  readonly vectors: readonly Float32Array[];
}

export type SnapshotRead = { readonly kind: 'ok'; readonly snapshot: IndexSnapshot } | { readonly kind: 'missing' } | { readonly kind: 'invalid'; readonly detail: string };

interface Header {
  readonly manifest: StoreManifest;
  readonly fingerprints: readonly string[];
  readonly files: readonly (readonly [root: string, path: string, hash: string, size: number, mtimeMs: number, chunkCount: number])[];
  readonly languageTable: readonly string[];
  readonly symbols: readonly (string | null)[];
  readonly hashes: readonly string[];
  readonly terms: readonly string[];
  readonly sections: readonly { readonly name: SectionName; readonly bytes: number; readonly checksum: string }[];
}

type SectionName = 'lines' | 'languageIds' | 'termStarts' | 'postings' | 'vectors';
const sectionOrder: readonly SectionName[] = ['lines', 'languageIds', 'termStarts', 'postings', 'vectors'];

/** Bytes checksummed between yields, so a search never waits on a whole 100 MB section. */
const checksumSlice = 8 << 20;

/**
 * crc32 where Node has it (22.2 and later: about 4 GB/s here, 25 ms for a 100 MB matrix), sha1
 * otherwise. A snapshot written with one and read where only the other exists reads as invalid.
 */
async function checksum(parts: readonly Uint8Array[]): Promise<string> {
  const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  const hash = crc32 ? undefined : createHash('sha1');
  let value = 0;
  for (const part of parts) {
    for (let start = 0; start < part.length; start += checksumSlice) {
      const slice = part.subarray(start, start + checksumSlice);
      if (crc32) value = crc32(slice, value);
      else hash!.update(slice);
      await yieldToEventLoop();
    }
  }
  return hash ? `sha1:${hash.digest('hex')}` : `crc32:${value}`;
}

const bytesOf = (array: Int32Array | Float32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/**
 * Layout: "GWSNAP1 <header bytes> <header checksum>\n", the header JSON (identity, fingerprints,
 * files, the chunks' strings, BM25 terms, and each section's size and checksum), then the sections
 * in `sectionOrder`: little-endian int32 and float32 arrays. Written atomically; never fsynced, as a
 * torn snapshot fails its checksums and costs one load from the shards.
 */
export async function writeSnapshot(path: string, snapshot: IndexSnapshot): Promise<void> {
  const languageTable = [...new Set(snapshot.chunks.languages)];
  const languageIndex = new Map(languageTable.map((language, i) => [language, i]));
  const sections: Record<SectionName, Uint8Array[]> = {
    lines: [bytesOf(snapshot.chunks.lines)],
    languageIds: [bytesOf(Int32Array.from(snapshot.chunks.languages, (language) => languageIndex.get(language)!))],
    termStarts: [bytesOf(snapshot.keywords.starts)],
    postings: [bytesOf(snapshot.keywords.postings)],
    vectors: snapshot.vectors.map(bytesOf),
  };
  const sectionBytes = (name: SectionName) => sections[name].reduce((sum, part) => sum + part.byteLength, 0);
  const sectionTable: Header['sections'][number][] = [];
  for (const name of sectionOrder) sectionTable.push({ name, bytes: sectionBytes(name), checksum: await checksum(sections[name]) });
  const header: Header = {
    manifest: snapshot.manifest,
    fingerprints: snapshot.fingerprints,
    files: snapshot.files.map((file) => [file.root, file.path, file.hash, file.size, file.mtimeMs, file.chunkCount] as const),
    languageTable,
    symbols: snapshot.chunks.symbols,
    hashes: snapshot.chunks.hashes,
    terms: snapshot.keywords.terms,
    sections: sectionTable,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const first = Buffer.from(`${magic} ${json.length} ${await checksum([json])}\n`, 'latin1');
  await writeAtomic(path, [first, json, ...sectionOrder.flatMap((name) => sections[name])], false);
}

/**
 * Reads a snapshot written for `expected` (same format, store, embedder, size and shard count).
 * The vectors are read straight into the array `vectorsInto(rows)` returns (the index's matrix);
 * when the result is not `ok` that array may hold partial data and the caller must drop it.
 */
export async function readSnapshot(path: string, expected: StoreManifest, vectorsInto: (rows: number) => Float32Array): Promise<SnapshotRead> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', detail: (error as Error).message };
  }
  try {
    const fileSize = (await handle.stat()).size;
    let position = 0;
    const readInto = async (target: Uint8Array) => {
      for (let done = 0; done < target.length; ) {
        const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
        if (bytesRead === 0) throw new Error('the file ends early');
        done += bytesRead;
      }
      position += target.length;
    };
    const start = Buffer.alloc(Math.min(200, fileSize));
    await readInto(start);
    const newline = start.indexOf(10);
    const fields = newline > 0 ? start.subarray(0, newline).toString('latin1').split(' ') : [];
    if (fields.length !== 3 || fields[0] !== magic) return { kind: 'invalid', detail: 'not a snapshot' };
    position = newline + 1;
    const headerBytes = Number(fields[1]);
    if (!Number.isSafeInteger(headerBytes) || headerBytes < 0 || position + headerBytes > fileSize) return { kind: 'invalid', detail: 'the file ends early' };
    const json = Buffer.alloc(headerBytes);
    await readInto(json);
    if ((await checksum([json])) !== fields[2]) return { kind: 'invalid', detail: 'header checksum mismatch' };
    const header = JSON.parse(json.toString('utf8')) as Header;
    const mismatch = (['formatVersion', 'store', 'embedderId', 'dimensions', 'shardCount'] as const).find((key) => header.manifest?.[key] !== expected[key]);
    if (mismatch) return { kind: 'invalid', detail: `written for another ${mismatch}` };

    const chunkCount = header.hashes.length;
    const totalChunks = header.files.reduce((sum, file) => sum + file[5], 0);
    // Every section's size follows from the counts, except the postings'.
    const expectedBytes: Partial<Record<SectionName, number>> = {
      lines: chunkCount * 8,
      languageIds: chunkCount * 4,
      termStarts: (header.terms.length + 1) * 4,
      vectors: chunkCount * expected.dimensions * 4,
    };
    if (totalChunks !== chunkCount || header.symbols.length !== chunkCount || header.fingerprints.length !== expected.shardCount) return { kind: 'invalid', detail: 'counts do not match' };
    const sections = new Map(header.sections.map((section) => [section.name, section]));
    let sectionBytes = 0;
    for (const name of sectionOrder) {
      const section = sections.get(name);
      if (!section || (expectedBytes[name] !== undefined && section.bytes !== expectedBytes[name]) || section.bytes % 4 !== 0) return { kind: 'invalid', detail: `bad ${name} section` };
      sectionBytes += section.bytes;
    }
    if (position + sectionBytes !== fileSize) return { kind: 'invalid', detail: 'the file size does not match its header' };

    const read = async <T extends Int32Array | Float32Array>(name: SectionName, target: T): Promise<T> => {
      await readInto(bytesOf(target));
      if ((await checksum([bytesOf(target)])) !== sections.get(name)!.checksum) throw new Error(`${name} checksum mismatch`);
      return target;
    };
    const lines = await read('lines', new Int32Array(chunkCount * 2));
    const languageIds = await read('languageIds', new Int32Array(chunkCount));
    const starts = await read('termStarts', new Int32Array(header.terms.length + 1));
    const postings = await read('postings', new Int32Array(sections.get('postings')!.bytes / 4));
    const vectors = await read('vectors', vectorsInto(chunkCount));
    const languages = Array.from(languageIds, (id) => header.languageTable[id]);
    if (languages.some((language) => typeof language !== 'string')) return { kind: 'invalid', detail: 'bad language id' };
    return {
      kind: 'ok',
      snapshot: {
        manifest: header.manifest,
        fingerprints: header.fingerprints,
        files: header.files.map(([root, path, hash, size, mtimeMs, count]) => ({ root, path, hash, size, mtimeMs, chunkCount: count })),
        chunks: { lines, languages, symbols: header.symbols, hashes: header.hashes },
        keywords: { terms: header.terms, starts, postings },
        vectors: [vectors],
      },
    };
  } catch (error) {
    return { kind: 'invalid', detail: (error as Error).message };
  } finally {
    await handle.close();
  }
}

// The port between the index and its durable storage. The index keeps a workspace's files in a
// fixed number of shards (a file's shard comes from its key), so saving one edit rewrites one small
// shard. Two stores implement it and pass the same contract tests (test/unit/index/chunkStore.test.ts):
// vectra's LocalIndex (one per shard, protobuf) for everyday workspaces, and Groundwork's own binary
// shards for large ones, where vectra's load time and memory grow past the targets.
import { fnv1a } from './localEmbedder.ts';

export type StoreKind = 'vectra' | 'binary';

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
  readonly store: StoreKind;
  readonly embedderId: string;
  readonly dimensions: number;
  readonly shardCount: number;
}

export type ShardRead = { readonly kind: 'ok'; readonly files: StoredFile[] } | { readonly kind: 'missing' } | { readonly kind: 'corrupt'; readonly detail: string };

/**
 * Durable shards of files and their chunks. Every write replaces a whole shard atomically (a kill
 * mid-save leaves the previous shard), and damage is reported by `read` as `corrupt`, never as
 * data, so the index rebuilds that shard alone. The index sends all writes through one queue.
 */
export interface ChunkStore {
  readonly kind: StoreKind;
  readonly directory: string;
  readonly manifest: StoreManifest;
  read(shard: number): Promise<ShardRead>;
  /** Changes whenever the shard is written or replaced, without reading it: `missing` when absent. */
  fingerprint(shard: number): Promise<string>;
  /** Replaces the shard atomically; an empty list deletes it. */
  write(shard: number, files: readonly StoredFile[]): Promise<void>;
  /** Deletes every shard: for a full rebuild. */
  clear(): Promise<void>;
  /** Deletes what saves that never finished left behind; the shards they meant to replace are intact. */
  removeLeftovers(): Promise<void>;
}

export function shardOf(manifest: StoreManifest, fileKey: string): number {
  return fnv1a(fileKey) % manifest.shardCount;
}

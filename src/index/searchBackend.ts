import type { StoredFile } from './chunkStore.ts';
import type { EmbedSource } from './embedder.ts';
import type { RankSignal } from './fileRanking.ts';
import type { Retriever } from './rankFusion.ts';

export interface SearchOptions {
  /** Number of results (chunks, or files with `searchFiles`). Default 10. */
  readonly top?: number;
  /** Both by default; one alone for evaluation. */
  readonly retrievers?: readonly Retriever[];
  /** Only hits in these root ids. */
  readonly roots?: readonly string[];
  /** Where the query's text came from (a completion's lines), for the audit log of a remote embedder. */
  readonly querySource?: EmbedSource;
}

export interface SearchHit {
  readonly root: string;
  /** Root-relative, forward slashes. */
  readonly path: string;
  readonly absolutePath: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol?: string;
  readonly language: string;
  /** Fused score; higher is better, comparable within one result list only. */
  readonly score: number;
  readonly retrievers: readonly Retriever[];
}

export interface FileHit {
  readonly root: string;
  readonly path: string;
  readonly absolutePath: string;
  readonly score: number;
  readonly retrievers: readonly Retriever[];
  /** Why it ranks here: which retrievers found it, whether the query names it, whether its kind was ranked down. */
  readonly signals: readonly RankSignal[];
  /** The file's best chunks, best first (none when only the whole-file score found it). */
  readonly chunks: readonly SearchHit[];
}

/**
 * The query half of a backend: what chat, refactors and the CLI call. The shared index on Postgres
 * (postgres/sharedIndexSearch.ts) offers only this; the local backend offers it with the rest.
 */
export interface IndexQueries {
  /** The best chunks for a query, fused across retrievers and taken in the file ranking's order. */
  search(query: string, options: SearchOptions, signal: AbortSignal): Promise<SearchHit[]>;
  /** The best files for a query, each with its best chunks. */
  searchFiles(query: string, options: SearchOptions, signal: AbortSignal): Promise<FileHit[]>;
}

/** A file the backend holds, as the builder needs it to decide what changed. */
export interface IndexedFile {
  readonly root: string;
  readonly path: string;
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly chunkCount: number;
}

/** `root/path`: how the index names a file across roots. */
export const fileKeyOf = (root: string, path: string): string => `${root}/${path}`;

/**
 * The port search goes through: what the index holds in a searchable form, kept in step with the
 * shards by the builder (a file is added once its shard is on disk). The local backend
 * (localSearchBackend.ts) holds everything in memory. The shared index on Postgres is written by
 * its own ingest (postgres/sharedIndexWriter.ts) and offers the query half. Files are named by
 * `fileKeyOf`.
 */
export interface SearchBackend extends IndexQueries {
  /** Adds a stored file and its chunks; a file of the same key must have been removed first. */
  addFile(file: StoredFile): void;
  /** Removes a file and its chunks; false when it was not there. */
  removeFile(key: string): boolean;
  /** Forgets every file. */
  clear(): void;
  file(key: string): IndexedFile | undefined;
  fileKeys(): Iterable<string>;
  readonly fileCount: number;
  readonly chunkCount: number;
  /** The keys of the files held from one shard. */
  shardFiles(shard: number): ReadonlySet<string> | undefined;
  /** The vector of a chunk with this content hash, if one is held (so it is not embedded again). */
  vectorOf(chunkHash: string): Float32Array | undefined;
}

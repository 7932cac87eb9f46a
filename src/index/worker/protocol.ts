import type { LogLevel } from '../../common/logger.ts';
import type { DiscoveryOptions, IndexRoot } from '../discovery.ts';
import type { EmbedSource } from '../embedder.ts';
import type { SkipReason } from '../fileFilter.ts';
import type { SkippedPage } from '../skippedFiles.ts';
import type {
  FileChanges,
  FileHit,
  IndexProgress,
  IndexStatus,
  SearchHit,
  SearchOptions,
  UpdateResult,
} from '../workspaceIndex.ts';

/**
 * The typed protocol between the extension host (IndexWorkerClient) and the index worker.
 * Every request has an id; the worker answers it once with `result` or `error`, and may send
 * `progress` for it before. `cancel` aborts a request's signal. A `host` embedder runs on the
 * host side (the remote model gateway): the worker asks for vectors with `embed`.
 */

export type WorkerEmbedderSpec =
  | { readonly kind: 'local'; readonly dimensions?: number }
  | { readonly kind: 'host'; readonly id: string; readonly dimensions: number; readonly maxBatchSize?: number };

export interface WorkerOpenOptions {
  readonly storeDirectory: string;
  readonly roots: readonly IndexRoot[];
  readonly embedder: WorkerEmbedderSpec;
  readonly discovery?: Partial<DiscoveryOptions>;
  readonly grammarDirectory?: string;
  readonly shardCount?: number;
}

export interface IndexMethods {
  open: { params: WorkerOpenOptions; result: IndexStatus };
  configure: { params: { readonly roots?: readonly IndexRoot[]; readonly discovery?: Partial<DiscoveryOptions> }; result: IndexStatus };
  refresh: { params: Record<string, never>; result: UpdateResult };
  /** Indexes every file again from scratch (WorkspaceIndex.rebuild). */
  rebuild: { params: Record<string, never>; result: UpdateResult };
  applyChanges: { params: FileChanges; result: UpdateResult };
  search: { params: { readonly query: string; readonly options: SearchOptions }; result: SearchHit[] };
  searchFiles: { params: { readonly query: string; readonly options: SearchOptions }; result: FileHit[] };
  status: { params: Record<string, never>; result: IndexStatus };
  skippedFiles: { params: { readonly reason: SkipReason; readonly offset: number; readonly limit: number }; result: SkippedPage };
  /** Waits for pending writes; the host terminates the worker after. */
  close: { params: Record<string, never>; result: null };
}

export type IndexMethod = keyof IndexMethods;

export type HostToWorker =
  | { [M in IndexMethod]: { readonly type: 'request'; readonly id: number; readonly method: M; readonly params: IndexMethods[M]['params'] } }[IndexMethod]
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'embedResult'; readonly id: number; readonly vectors?: number[][]; readonly error?: string };

export type WorkerToHost =
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly cancelled: boolean }
  | { readonly type: 'progress'; readonly id: number; readonly progress: IndexProgress }
  | { readonly type: 'status'; readonly status: IndexStatus }
  | { readonly type: 'embed'; readonly id: number; readonly texts: readonly string[]; readonly sources?: readonly EmbedSource[] }
  /** The search or write that asked for an `embed` was cancelled: the host stops paying for it. */
  | { readonly type: 'embedCancel'; readonly id: number }
  /** The index's own log lines (a damaged shard, an unusable snapshot), for the host's log. */
  | { readonly type: 'log'; readonly level: LogLevel; readonly message: string };

import { Worker } from 'node:worker_threads';
import { abortReason, Deferred } from '../../common/async.ts';
import { type Disposable } from '../../common/disposable.ts';
import { Emitter, type Event } from '../../common/event.ts';
import { type Logger, nullLogger } from '../../common/logger.ts';
import type { DiscoveryOptions, IndexRoot } from '../discovery.ts';
import type { Embedder, EmbedSource } from '../embedder.ts';
import type { SkipReason } from '../fileFilter.ts';
import type { SkippedPage } from '../skippedFiles.ts';
import type { FileChanges, FileHit, IndexProgress, IndexStatus, SearchHit, SearchOptions, UpdateResult } from '../workspaceIndex.ts';
import type { HostToWorker, IndexMethod, IndexMethods, WorkerOpenOptions, WorkerToHost } from './protocol.ts';

export interface IndexWorkerClientOptions {
  /** dist/indexWorker.js in the extension; src/index/worker/indexWorker.ts under Node 24 in tests. */
  readonly workerPath: string;
  /** Embeds for the worker when the index is opened with a `host` embedder (the remote model). */
  readonly hostEmbedder?: Embedder;
  /** Receives the index's log lines from the worker. */
  readonly logger?: Logger;
}

interface Pending {
  readonly deferred: Deferred<unknown>;
  readonly onProgress?: (progress: IndexProgress) => void;
}

/**
 * The extension host's handle on the index worker: the same operations as WorkspaceIndex, each
 * a message to the worker, each cancellable by its signal. The host's event loop never runs
 * discovery, chunking, embedding or search.
 */
export class IndexWorkerClient implements Disposable {
  private readonly worker: Worker;
  private readonly hostEmbedder: Embedder | undefined;
  private readonly logger: Logger;
  private readonly pending = new Map<number, Pending>();
  /** Embedding calls made for the worker, by its id, so the worker can cancel them. */
  private readonly embeds = new Map<number, AbortController>();
  private readonly statusEmitter = new Emitter<IndexStatus>();
  private nextId = 1;
  private lastStatus: IndexStatus | undefined;
  private exited = false;

  readonly onDidChangeStatus: Event<IndexStatus> = this.statusEmitter.event;
  private readonly exitEmitter = new Emitter<number>();
  private closing = false;
  /** Fires with the exit code when the worker stops without being closed (a crash, out of memory). */
  readonly onDidExitUnexpectedly: Event<number> = this.exitEmitter.event;

  constructor(options: IndexWorkerClientOptions) {
    this.hostEmbedder = options.hostEmbedder;
    this.logger = options.logger ?? nullLogger;
    this.worker = new Worker(options.workerPath);
    // An idle worker must not keep a CLI or test process alive; a request in flight does.
    this.worker.unref();
    this.worker.on('message', (message: WorkerToHost) => this.onMessage(message));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new Error(`The index worker stopped (exit code ${code}).`));
      if (!this.closing) this.exitEmitter.fire(code);
    });
  }

  /** The last status the worker reported. */
  get status(): IndexStatus | undefined {
    return this.lastStatus;
  }

  open(options: WorkerOpenOptions, signal?: AbortSignal): Promise<IndexStatus> {
    return this.request('open', options, signal);
  }

  configure(update: { readonly roots?: readonly IndexRoot[]; readonly discovery?: Partial<DiscoveryOptions> }, signal?: AbortSignal): Promise<IndexStatus> {
    return this.request('configure', update, signal);
  }

  refresh(signal?: AbortSignal, onProgress?: (progress: IndexProgress) => void): Promise<UpdateResult> {
    return this.request('refresh', {}, signal, onProgress);
  }

  rebuild(signal?: AbortSignal, onProgress?: (progress: IndexProgress) => void): Promise<UpdateResult> {
    return this.request('rebuild', {}, signal, onProgress);
  }

  skippedFiles(reason: SkipReason, offset = 0, limit = 200, signal?: AbortSignal): Promise<SkippedPage> {
    return this.request('skippedFiles', { reason, offset, limit }, signal);
  }

  applyChanges(changes: FileChanges, signal?: AbortSignal): Promise<UpdateResult> {
    return this.request('applyChanges', changes, signal);
  }

  search(query: string, options: SearchOptions = {}, signal?: AbortSignal): Promise<SearchHit[]> {
    return this.request('search', { query, options }, signal);
  }

  searchFiles(query: string, options: SearchOptions = {}, signal?: AbortSignal): Promise<FileHit[]> {
    return this.request('searchFiles', { query, options }, signal);
  }

  fetchStatus(signal?: AbortSignal): Promise<IndexStatus> {
    return this.request('status', {}, signal);
  }

  /** Lets pending writes finish, then stops the worker. */
  async close(): Promise<void> {
    this.closing = true;
    if (!this.exited) {
      try {
        await this.request('close', {});
      } finally {
        await this.worker.terminate();
      }
    }
    this.statusEmitter.dispose();
  }

  /** Stops the worker at once; saves already made are safe (atomic shard writes). */
  dispose(): void {
    void this.worker.terminate();
    this.statusEmitter.dispose();
  }

  private request<M extends IndexMethod>(
    method: M,
    params: IndexMethods[M]['params'],
    signal?: AbortSignal,
    onProgress?: (progress: IndexProgress) => void,
  ): Promise<IndexMethods[M]['result']> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.exited) return Promise.reject(new Error('The index worker has stopped.'));
    const id = this.nextId++;
    const deferred = new Deferred<unknown>();
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(id, { deferred, ...(onProgress ? { onProgress } : {}) });
    const onAbort = () => this.post({ type: 'cancel', id });
    signal?.addEventListener('abort', onAbort, { once: true });
    this.post({ type: 'request', id, method, params } as HostToWorker);
    return (deferred.promise as Promise<IndexMethods[M]['result']>).finally(() => {
      signal?.removeEventListener('abort', onAbort);
      if (this.pending.size === 0 && !this.exited) this.worker.unref();
    });
  }

  private post(message: HostToWorker): void {
    this.worker.postMessage(message);
  }

  private onMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'result':
        this.pending.get(message.id)?.deferred.resolve(message.result);
        this.pending.delete(message.id);
        break;
      case 'error': {
        const error = new Error(message.message);
        // Keep cancellation recognisable on this side of the thread boundary.
        if (message.cancelled) error.name = 'AbortError';
        this.pending.get(message.id)?.deferred.reject(error);
        this.pending.delete(message.id);
        break;
      }
      case 'progress':
        this.pending.get(message.id)?.onProgress?.(message.progress);
        break;
      case 'status':
        this.lastStatus = message.status;
        this.statusEmitter.fire(message.status);
        break;
      case 'embed':
        void this.embedForWorker(message.id, message.texts, message.sources);
        break;
      case 'embedCancel':
        this.embeds.get(message.id)?.abort();
        break;
      case 'log':
        this.logger[message.level](message.message);
        break;
    }
  }

  private async embedForWorker(id: number, texts: readonly string[], sources: readonly EmbedSource[] | undefined): Promise<void> {
    if (!this.hostEmbedder) {
      this.post({ type: 'embedResult', id, error: 'No host embedder was given to IndexWorkerClient.' });
      return;
    }
    // Cancelled when the worker's search or write that asked for it is (`embedCancel`).
    const controller = new AbortController();
    this.embeds.set(id, controller);
    try {
      const vectors = await this.hostEmbedder.embed(texts, controller.signal, sources);
      this.post({ type: 'embedResult', id, vectors });
    } catch (error) {
      this.post({ type: 'embedResult', id, error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.embeds.delete(id);
    }
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.deferred.reject(error);
    this.pending.clear();
  }

  /** True once the worker has exited. */
  get stopped(): boolean {
    return this.exited;
  }
}

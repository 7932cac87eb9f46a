import { parentPort } from 'node:worker_threads';
import { Deferred } from '../../common/async.ts';
import { errorMessage, isCancellation } from '../../common/errors.ts';
import { SinkLogger } from '../../common/logger.ts';
import type { Embedder } from '../embedder.ts';
import { LocalEmbedder } from '../localEmbedder.ts';
import { type IndexStatus, WorkspaceIndex } from '../workspaceIndex.ts';
import type { HostToWorker, IndexMethod, IndexMethods, WorkerEmbedderSpec, WorkerToHost } from './protocol.ts';

// The worker entry: indexing and search run here so the extension host's event loop stays free.
const port = parentPort;
if (!port) throw new Error('indexWorker must run in a worker thread.');

const send = (message: WorkerToHost) => port.postMessage(message);
const running = new Map<number, AbortController>();
const embedCalls = new Map<number, Deferred<number[][]>>();
let nextEmbedId = 1;
let index: WorkspaceIndex | undefined;
const logger = new SinkLogger({ log: (level, message) => send({ type: 'log', level, message }) });

// Status goes when the state changes, else at most 5 times a second (progress moves fast).
let lastStatusAt = 0;
let lastState: IndexStatus['state'] | undefined;
let statusTimer: NodeJS.Timeout | undefined;
function sendStatus(status: IndexStatus): void {
  clearTimeout(statusTimer);
  const now = Date.now();
  if (status.state !== lastState || now - lastStatusAt >= 200) {
    lastState = status.state;
    lastStatusAt = now;
    send({ type: 'status', status });
  } else {
    statusTimer = setTimeout(() => sendStatus(index?.status() ?? status), 200 - (now - lastStatusAt));
  }
}

/** An embedder whose work is done on the host, e.g. the remote model behind the model gateway. */
function hostEmbedder(spec: Extract<WorkerEmbedderSpec, { kind: 'host' }>): Embedder {
  return {
    id: spec.id,
    dimensions: spec.dimensions,
    ...(spec.maxBatchSize !== undefined ? { maxBatchSize: spec.maxBatchSize } : {}),
    embed: (texts, signal, sources) => {
      const id = nextEmbedId++;
      const call = new Deferred<number[][]>();
      embedCalls.set(id, call);
      const onAbort = () => {
        send({ type: 'embedCancel', id });
        call.reject(Object.assign(new Error('The operation was cancelled'), { name: 'AbortError' }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      send({ type: 'embed', id, texts, ...(sources && sources.length > 0 ? { sources } : {}) });
      return call.promise.finally(() => {
        embedCalls.delete(id);
        signal.removeEventListener('abort', onAbort);
      });
    },
  };
}

function requireIndex(): WorkspaceIndex {
  if (!index) throw new Error('The index is not open.');
  return index;
}

async function handle<M extends IndexMethod>(id: number, method: M, params: IndexMethods[M]['params'], signal: AbortSignal): Promise<IndexMethods[M]['result']> {
  type Result = IndexMethods[M]['result'];
  switch (method) {
    case 'open': {
      const options = params as IndexMethods['open']['params'];
      index?.dispose();
      const embedder = options.embedder.kind === 'local' ? new LocalEmbedder(options.embedder.dimensions) : hostEmbedder(options.embedder);
      index = await WorkspaceIndex.open({ ...options, embedder, logger }, signal);
      index.onDidChangeStatus((status) => sendStatus(status));
      // After the answer, before the first search arrives: compile the search code.
      const opened = index;
      setImmediate(() => opened.warmUp());
      return index.status() as Result;
    }
    case 'configure':
      requireIndex().configure(params as IndexMethods['configure']['params']);
      return requireIndex().status() as Result;
    case 'refresh':
      return (await requireIndex().refresh(signal, (progress) => send({ type: 'progress', id, progress }))) as Result;
    case 'rebuild':
      return (await requireIndex().rebuild(signal, (progress) => send({ type: 'progress', id, progress }))) as Result;
    case 'applyChanges':
      return (await requireIndex().applyChanges(params as IndexMethods['applyChanges']['params'], signal)) as Result;
    case 'search': {
      const { query, options } = params as IndexMethods['search']['params'];
      return (await requireIndex().search(query, options, signal)) as Result;
    }
    case 'searchFiles': {
      const { query, options } = params as IndexMethods['searchFiles']['params'];
      return (await requireIndex().searchFiles(query, options, signal)) as Result;
    }
    case 'status':
      return requireIndex().status() as Result;
    case 'skippedFiles': {
      const { reason, offset, limit } = params as IndexMethods['skippedFiles']['params'];
      return requireIndex().skippedFiles(reason, offset, limit) as Result;
    }
    case 'close':
      await index?.flush();
      index?.dispose();
      index = undefined;
      return null as Result;
  }
  throw new Error(`Unknown method ${String(method)}`);
}

port.on('message', (message: HostToWorker) => {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  if (message.type === 'embedResult') {
    const call = embedCalls.get(message.id);
    if (message.vectors) call?.resolve(message.vectors);
    else call?.reject(new Error(message.error ?? 'The embedder failed.'));
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  handle(message.id, message.method, message.params, controller.signal).then(
    (result) => send({ type: 'result', id: message.id, result }),
    (error: unknown) => send({ type: 'error', id: message.id, message: errorMessage(error), cancelled: isCancellation(error) }),
  ).finally(() => running.delete(message.id));
});

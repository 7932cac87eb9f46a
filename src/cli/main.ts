import { resolve, basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage, isCancellation } from '../common/errors.ts';
import { CachingEmbedder } from '../index/embedder.ts';
import { LocalEmbedder } from '../index/localEmbedder.ts';
import { indexCheckout, searchCheckout } from '../index/postgres/checkoutIndexing.ts';
import { redactedUrl } from '../index/postgres/connection.ts';
import { repositoryAt } from '../index/postgres/repositoryIdentity.ts';
import { SharedIndex } from '../index/postgres/sharedIndex.ts';
import type { IndexQueries } from '../index/searchBackend.ts';
import { type IndexProgress, WorkspaceIndex } from '../index/workspaceIndex.ts';

const usage = `Usage:
  groundwork index --root DIR [--store DIR | --postgres URL] [--exclude GLOB]... [--max-files N]
  groundwork search --root DIR [--store DIR | --postgres URL] [--top K] [--json] [--files] "query"

The index is kept in DIR/.groundwork/index unless --store says otherwise. With --postgres (or
GROUNDWORK_POSTGRES_URL) it is the team index on Postgres with pgvector, keyed by the repository's
git remote and the commit checked out. Offline: the local embedder needs no network. Progress
goes to stderr, results to stdout.`;

/** Runs the command line; returns the exit code (0 ok, 1 failed, 2 bad usage). */
export async function runCli(argv: readonly string[], out: (text: string) => void, err: (text: string) => void, signal: AbortSignal): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        root: { type: 'string' },
        store: { type: 'string' },
        top: { type: 'string', default: '10' },
        json: { type: 'boolean', default: false },
        files: { type: 'boolean', default: false },
        exclude: { type: 'string', multiple: true },
        'max-files': { type: 'string' },
        postgres: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    err(`${errorMessage(error)}\n\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    (values.help ? out : err)(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  if ((command !== 'index' && command !== 'search') || values.root === undefined) {
    err(`${command !== 'index' && command !== 'search' ? `Unknown command "${command}".` : '--root is required.'}\n\n${usage}\n`);
    return 2;
  }
  const top = Number(values.top);
  const maxFiles = values['max-files'] !== undefined ? Number(values['max-files']) : undefined;
  if (!Number.isInteger(top) || top < 1 || (maxFiles !== undefined && (!Number.isInteger(maxFiles) || maxFiles < 1))) {
    err(`--top and --max-files take a positive whole number.\n`);
    return 2;
  }
  const query = rest.join(' ').trim();
  if (command === 'search' && query === '') {
    err(`search needs a query.\n\n${usage}\n`);
    return 2;
  }

  const root = resolve(values.root);
  const postgresUrl = values.postgres ?? (values.store === undefined ? process.env.GROUNDWORK_POSTGRES_URL : undefined);
  if (postgresUrl !== undefined && postgresUrl !== '') {
    if (values.store !== undefined) {
      err(`--store and --postgres name two different indexes: give one.\n`);
      return 2;
    }
    const options = { top, files: values.files, json: values.json, exclude: values.exclude ?? [], ...(maxFiles !== undefined ? { maxFiles } : {}) };
    return command === 'index' ? indexShared(postgresUrl, root, options, err, signal) : searchShared(postgresUrl, root, query, options, out, err, signal);
  }
  const index = await WorkspaceIndex.open({
    // Beside the project, so a second run refreshes instead of rebuilding; discovery never indexes .groundwork/.
    storeDirectory: values.store !== undefined ? resolve(values.store) : join(root, '.groundwork', 'index'),
    roots: [{ id: basename(root) || 'root', path: root }],
    embedder: new LocalEmbedder(),
    discovery: { exclude: values.exclude ?? [], ...(maxFiles !== undefined ? { maxFiles } : {}) },
  }, signal);
  try {
    if (command === 'index' || index.status().files === 0) {
      const started = performance.now();
      const result = await index.refresh(signal, progressPrinter(err));
      const status = index.status();
      const skipped = Object.entries(status.skippedCounts).filter(([, n]) => n > 0).map(([reason, n]) => `${n} ${reason}`).join(', ');
      err(
        `Indexed ${status.files} files (${status.chunks} chunks) in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
          `${result.indexedFiles} updated, ${result.removedFiles} removed, ${result.embeddedChunks} chunks embedded` +
          `${skipped ? `; skipped ${skipped}` : ''}.\n`,
      );
      if (status.capMessage) err(`${status.capMessage}\n`);
    }
    if (command === 'search') await printResults(index, query, { top, files: values.files, json: values.json }, out, signal);
    return 0;
  } finally {
    await index.flush();
    index.dispose();
  }
}

interface ResultOptions {
  readonly top: number;
  readonly files: boolean;
  readonly json: boolean;
}

async function printResults(index: IndexQueries, query: string, values: ResultOptions, out: (text: string) => void, signal: AbortSignal): Promise<void> {
  const options = { top: values.top };
  if (values.files) {
    const hits = await index.searchFiles(query, options, signal);
    // Why each file ranks: its signals, and the lines of its best passages.
    if (values.json) out(`${JSON.stringify(hits.map(({ chunks, ...hit }) => ({ ...hit, lines: chunks.map((chunk) => [chunk.startLine, chunk.endLine]) })), null, 2)}\n`);
    else out(hits.map((hit, i) => `${i + 1}. ${hit.path}  ${hit.score.toFixed(4)}  [${hit.signals.join('+')}]${hit.chunks[0] ? `  lines ${hit.chunks[0].startLine}-${hit.chunks[0].endLine}` : ''}`).join('\n') + '\n');
  } else {
    const hits = await index.search(query, options, signal);
    if (values.json) out(`${JSON.stringify(hits, null, 2)}\n`);
    else
      out(
        hits
          .map((hit, i) => `${i + 1}. ${hit.path}:${hit.startLine}-${hit.endLine}  ${hit.score.toFixed(4)}  ${hit.symbol ?? ''}  [${hit.retrievers.join('+')}]`)
          .join('\n') + '\n',
      );
  }
}

interface SharedOptions extends ResultOptions {
  readonly exclude: readonly string[];
  readonly maxFiles?: number;
}

/** `index --postgres`: the checkout's commit into the team index; files that differ from the commit are left out. */
async function indexShared(url: string, root: string, values: SharedOptions, err: (text: string) => void, signal: AbortSignal): Promise<number> {
  const at = await repositoryAt(root);
  const embedder = new CachingEmbedder(new LocalEmbedder());
  const shared = await SharedIndex.open(url, { embedderId: embedder.id, dimensions: embedder.dimensions });
  try {
    err(`Shared index at ${redactedUrl(url)}: ${at.identity} @ ${at.commit}\n`);
    if (at.dirtyPaths.length > 0) {
      err(`${at.dirtyPaths.length} files differ from commit ${at.commit.slice(0, 12)} and are left out; commit or stash them for a complete view.\n`);
    }
    const started = performance.now();
    let last = 0;
    const result = await indexCheckout(
      shared,
      embedder,
      { root, rootId: basename(root) || 'root', identity: at.identity, commit: at.commit },
      {
        discovery: { exclude: values.exclude, ...(values.maxFiles !== undefined ? { maxFiles: values.maxFiles } : {}) },
        skipPaths: new Set(at.dirtyPaths),
        progress: (phase, done, total) => {
          const now = Date.now();
          if (phase === 'discovering') err('Finding files…\n');
          else if (now - last >= 500 || done === total) {
            last = now;
            err(`Indexing ${done}/${total} files\n`);
          }
        },
      },
      signal,
    );
    err(
      `Indexed ${result.files} files (${result.documents} chunks) at ${at.commit.slice(0, 12)} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `${result.storedFiles} new, ${result.reusedFiles} from other commits, ${result.unchangedFiles} unchanged, ${result.removedFiles} removed, ${result.embeddedChunks} chunks embedded.\n`,
    );
    if (result.capMessage) err(`${result.capMessage}\n`);
    return 0;
  } finally {
    await shared.close();
  }
}

/** `search --postgres`: the checkout's commit in the team index, or the repository's latest indexed commit. */
async function searchShared(url: string, root: string, query: string, values: SharedOptions, out: (text: string) => void, err: (text: string) => void, signal: AbortSignal): Promise<number> {
  const at = await repositoryAt(root);
  const embedder = new CachingEmbedder(new LocalEmbedder());
  const shared = await SharedIndex.open(url, { embedderId: embedder.id, dimensions: embedder.dimensions });
  try {
    const checkout = { root, rootId: basename(root) || 'root', identity: at.identity, commit: at.commit };
    let search = await searchCheckout(shared, embedder, checkout);
    if (!search) {
      const repositoryId = await shared.findRepositoryId(at.identity);
      const [latest] = repositoryId !== undefined ? await shared.commits(repositoryId) : [];
      if (!latest) {
        err(`The shared index holds nothing for ${at.identity}: run groundwork index --root ${root} --postgres URL first.\n`);
        return 1;
      }
      err(`Commit ${at.commit.slice(0, 12)} is not in the shared index; searching ${latest.commit.slice(0, 12)}, indexed ${latest.indexedAt.toISOString()}.\n`);
      search = await searchCheckout(shared, embedder, { ...checkout, commit: latest.commit });
    }
    await printResults(search!, query, values, out, signal);
    return 0;
  } finally {
    await shared.close();
  }
}

function progressPrinter(err: (text: string) => void): (progress: IndexProgress) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    // At most a few lines a second: a big build should not flood the terminal.
    if (progress.phase === 'indexing' && now - last < 500 && progress.doneFiles < progress.totalFiles) return;
    last = now;
    if (progress.phase === 'discovering') err('Finding files…\n');
    else if (progress.phase === 'indexing' && progress.totalFiles > 0) err(`Indexing ${progress.doneFiles}/${progress.totalFiles} files\n`);
  };
}

async function main(): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    process.exitCode = await runCli(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t), controller.signal);
  } catch (error) {
    if (isCancellation(error)) {
      process.stderr.write('Cancelled; what was indexed so far is kept.\n');
      process.exitCode = 130;
    } else {
      process.stderr.write(`groundwork: ${errorMessage(error)}\n`);
      process.exitCode = 1;
    }
  }
}

// Not top-level await: the bundle is CommonJS.
void main();

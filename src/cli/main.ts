import { resolve, basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage, isCancellation } from '../common/errors.ts';
import { LocalEmbedder } from '../index/localEmbedder.ts';
import { type IndexProgress, WorkspaceIndex } from '../index/workspaceIndex.ts';

const usage = `Usage:
  groundwork index --root DIR [--store DIR] [--exclude GLOB]... [--max-files N]
  groundwork search --root DIR [--store DIR] [--top K] [--json] [--files] "query"

The index is kept in DIR/.groundwork/index unless --store says otherwise. Offline: the local
embedder needs no network. Progress goes to stderr, results to stdout.`;

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
    if (command === 'search') {
      const options = { top };
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
    return 0;
  } finally {
    await index.flush();
    index.dispose();
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

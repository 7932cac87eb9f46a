import type { SkippedFile } from '../index/discovery.ts';
import type { SkipReason } from '../index/fileFilter.ts';
import type { IndexLoad, IndexStatus } from '../index/workspaceIndex.ts';
import { escapeHtml } from '../common/format.ts';
import type { OverlayState } from '../index/sharedOverlay.ts';

export interface IndexStatusItem {
  readonly text: string;
  readonly tooltip: string;
  readonly error: boolean;
}

/** What searches use besides this index, in a sentence: the shared index and its commit, or why not. */
export function describeSharedIndex(shared: OverlayState | undefined): string | undefined {
  if (!shared) return undefined;
  switch (shared.kind) {
    case 'shared':
      return `Searches use the shared index (${shared.server}): ${shared.identity} at commit ${shared.commit.slice(0, 12)}, with ${shared.localFiles} changed file(s) from this index.`;
    case 'notIndexed':
      return `The shared index (${shared.server}) holds nothing for ${shared.identity} at commit ${shared.commit.slice(0, 12)}: searches use this index.`;
    case 'unavailable':
      return `The shared index (${shared.server}) cannot be used (${shared.message}): searches use this index.`;
  }
}

/** The index's status bar item: building n/m, ready with counts, or the error. */
export function describeIndexStatus(status: IndexStatus | undefined, shared?: OverlayState): IndexStatusItem {
  if (!status || status.state === 'loading') return { text: '$(sync~spin) Index', tooltip: 'Groundwork is loading the workspace index', error: false };
  if (status.state === 'error') {
    return { text: '$(error) Index', tooltip: `The workspace index failed: ${status.lastError ?? 'unknown error'}. Click for details.`, error: true };
  }
  const progress = status.progress;
  if (status.state === 'indexing' && progress) {
    const counted = progress.phase === 'discovering' ? 'finding files' : `${progress.doneFiles}/${progress.totalFiles} files`;
    return { text: `$(sync~spin) Indexing ${counted}`, tooltip: 'Groundwork is indexing the workspace. Click for details.', error: false };
  }
  const skipped = Object.values(status.skippedCounts).reduce((sum, count) => sum + count, 0);
  const sharedLine = describeSharedIndex(shared);
  return {
    text: `$(database) Indexed ${status.files} files${shared?.kind === 'shared' ? ' + shared' : ''}`,
    tooltip: `${status.files} files, ${status.chunks} chunks indexed; ${skipped} skipped.${status.capMessage ? ` ${status.capMessage}` : ''}${sharedLine ? ` ${sharedLine}` : ''} Click for details.`,
    error: false,
  };
}

const reasonLabels: Readonly<Record<SkipReason, string>> = {
  secret: 'Secret files (never read by any feature)',
  ignored: 'Ignored (.gitignore, .groundworkignore, groundwork.index.exclude)',
  binary: 'Binary',
  generated: 'Generated or vendored',
  tooLarge: 'Too large (groundwork.index.maxFileSizeKb)',
  overCap: 'Over the file cap (groundwork.index.maxFiles)',
};

/** Past this many files a rebuild takes minutes of the machine's time, so it is asked for first. */
export const rebuildAskFiles = 2000;

/**
 * The question "Rebuild Index" asks before it deletes the index, or undefined when it just goes:
 * a large index takes long to build again, and a remote embedder is paid for every chunk.
 */
export function rebuildQuestion(status: IndexStatus | undefined, remoteEmbedder: boolean): string | undefined {
  if (!status) return undefined;
  const large = status.files >= rebuildAskFiles;
  const paid = remoteEmbedder && status.chunks > 0;
  if (!large && !paid) return undefined;
  const cost = paid ? ` and its ${status.chunks.toLocaleString('en-US')} chunks sent to the embedding model again` : '';
  return `Rebuild the index of ${status.files.toLocaleString('en-US')} files? Every file is read${cost}; search finds less until it is done.`;
}

/**
 * The body of "Groundwork: Show Index Status": what is indexed, and the skipped files with why.
 * `listed` is the first page of each reason when the caller fetched one; else the status's few.
 */
export function renderIndexStatus(status: IndexStatus, listed: readonly SkippedFile[] = status.skipped, shared?: OverlayState): string {
  const skippedTotal = Object.values(status.skippedCounts).reduce((sum, count) => sum + count, 0);
  const sections = (Object.keys(reasonLabels) as SkipReason[])
    .filter((reason) => status.skippedCounts[reason] > 0)
    .map((reason) => {
      const files = listed.filter((file) => file.reason === reason);
      const rows = files
        .map((file) => `<tr><td>${escapeHtml(`${file.root}/${file.path}`)}</td><td>${escapeHtml(file.detail)}</td></tr>`)
        .join('\n');
      const more = status.skippedCounts[reason] - files.length;
      return [
        `<section aria-label="${escapeHtml(reasonLabels[reason])}">`,
        `<h2>${escapeHtml(reasonLabels[reason])}: ${status.skippedCounts[reason]}</h2>`,
        `<table><thead><tr><th scope="col">File</th><th scope="col">Why</th></tr></thead><tbody>\n${rows}\n</tbody></table>`,
        more > 0 ? `<p class="muted">and ${more} more</p>` : '',
        '</section>',
      ].join('\n');
    });
  return [
    '<h1>Groundwork index</h1>',
    `<p><strong>${status.files}</strong> files and <strong>${status.chunks}</strong> chunks indexed with ${escapeHtml(status.embedderId)}, kept in the ${status.store === 'vectra' ? 'vectra' : 'binary shard'} store; ${skippedTotal} files skipped. State: ${escapeHtml(status.state)}.</p>`,
    shared ? `<p class="${shared.kind === 'unavailable' ? 'warning' : 'muted'}">${escapeHtml(describeSharedIndex(shared)!)}</p>` : '',
    status.capMessage ? `<p class="warning">${escapeHtml(status.capMessage)}</p>` : '',
    status.lastError ? `<p class="warning">Last error: ${escapeHtml(status.lastError)}</p>` : '',
    status.load ? `<p class="muted">${describeLoad(status.load)}</p>` : '',
    status.repairedShards.length > 0 ? `<p class="muted">${status.repairedShards.length} damaged index shards were found and rebuilt.</p>` : '',
    ...sections,
  ].join('\n');
}

function describeLoad(load: IndexLoad): string {
  const seconds = `${(load.milliseconds / 1000).toFixed(1)} s`;
  return load.source === 'snapshot'
    ? `Loaded in ${seconds} from the snapshot${load.shardsRead > 0 ? `, and ${load.shardsRead} shards saved after it` : ''}.`
    : `Loaded in ${seconds} from ${load.shardsRead} shards (no usable snapshot yet).`;
}

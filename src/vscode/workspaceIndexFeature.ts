import { join } from 'node:path';
import * as vscode from 'vscode';
import { DisposableBase } from '../common/disposable.ts';
import { errorMessage, isCancellation } from '../common/errors.ts';
import { folderLabels } from '../common/folderLabels.ts';
import type { Logger } from '../common/logger.ts';
import type { Settings } from '../common/settings.ts';
import type { QueryOrigin, Snippet } from '../completion/types.ts';
import { discoveryOptionsFromSettings, type IndexRoot, type SkippedFile } from '../index/discovery.ts';
import type { SkipReason } from '../index/fileFilter.ts';
import type { Embedder } from '../index/embedder.ts';
import { typingPathSearchOptions } from '../index/typingPathSearch.ts';
import { IndexWorkerClient } from '../index/worker/indexWorkerClient.ts';
import type { WorkerEmbedderSpec } from '../index/worker/protocol.ts';
import type { IndexProgress, IndexStatus, SearchHit, SearchOptions } from '../index/workspaceIndex.ts';
import type { ModelGateway } from '../llm/modelGateway.ts';
import { mergeSourceRefs } from '../llm/contentFilter.ts';
import { describeIndexStatus, rebuildQuestion, renderIndexStatus } from '../status/indexStatusView.ts';
import type { OverlayState } from '../index/sharedOverlay.ts';
import { readWorkspaceFile } from './documents.ts';
import { staticPanelHtml } from './webviewHtml.ts';

export interface WorkspaceIndexDependencies {
  readonly context: vscode.ExtensionContext;
  readonly settings: Settings;
  readonly gateway: ModelGateway;
  readonly logger: Logger;
}

/** A hit with its path as the rest of the shell names files (folder-prefixed in multi-root). */
export interface WorkspaceHit extends SearchHit {
  readonly enginePath: string;
}

/**
 * The workspace index in the editor: a worker thread that indexes and searches (the extension
 * host's event loop never waits on it), fed by a file watcher in batches, with its own status
 * bar item, first-build progress, "Show Index Status" and "Rebuild Index".
 */
export class WorkspaceIndexFeature extends DisposableBase {
  private readonly deps: WorkspaceIndexDependencies;
  private readonly item: vscode.StatusBarItem;
  private client: IndexWorkerClient | undefined;
  private opening: Promise<IndexWorkerClient | undefined> | undefined;
  private status: IndexStatus | undefined;
  /** What the shared index did at the last search, if one is connected. */
  private shared: OverlayState | undefined;
  /** The skipped files the open status panel lists: a page of each reason, fetched when it was shown. */
  private listed: readonly SkippedFile[] | undefined;
  private pending = { changed: new Set<string>(), deleted: new Set<string>(), renamed: [] as { from: string; to: string }[] };
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private panel: vscode.WebviewPanel | undefined;
  private readonly lifetime = new AbortController();

  constructor(deps: WorkspaceIndexDependencies) {
    super();
    this.deps = deps;
    this.item = this._register(vscode.window.createStatusBarItem('groundwork.index', vscode.StatusBarAlignment.Right, 99));
    this.item.name = 'Groundwork Index';
    this.item.command = 'groundwork.showIndexStatus';
    this._register({ dispose: () => this.lifetime.abort() });
    this._register({ dispose: () => clearTimeout(this.flushTimer) });
    this._register({ dispose: () => void this.client?.close() });

    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*'));
    this._register(watcher.onDidCreate((uri) => this.queue('changed', uri)));
    this._register(watcher.onDidChange((uri) => this.queue('changed', uri)));
    this._register(watcher.onDidDelete((uri) => this.queue('deleted', uri)));
    this._register(
      vscode.workspace.onDidRenameFiles((event) => {
        for (const file of event.files) this.pending.renamed.push({ from: file.oldUri.fsPath, to: file.newUri.fsPath });
        this.scheduleFlush();
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reconfigure({ roots: true })));
    this._register(
      deps.settings.onDidChange((change) => {
        if (change.effects.has('rebuildIndex')) void this.reopen();
        else if (change.effects.has('refreshIndex')) void this.reconfigure({ roots: false });
      }),
    );
    this._register(vscode.commands.registerCommand('groundwork.showIndexStatus', () => this.showStatus()));
    this._register(vscode.commands.registerCommand('groundwork.rebuildIndex', () => this.rebuild()));
    this._register(vscode.commands.registerCommand('groundwork.searchCodebase', () => this.searchCommand()));
  }

  /** Opens (or creates) the index and brings it up to date; called after activation, not during it. */
  async start(): Promise<void> {
    const client = await this.ensureOpen();
    if (client) await this.refresh(client, this.status?.files === 0);
  }

  /** Hybrid search, or nothing when the index is off or not open yet. */
  async search(query: string, top: number | SearchOptions, signal: AbortSignal, origin?: QueryOrigin): Promise<WorkspaceHit[]> {
    const client = this.client;
    if (!client) return [];
    const options = typeof top === 'number' ? { top } : top;
    const hits = await client.search(query, { ...options, ...(origin ? { querySource: origin } : {}) }, signal);
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    return hits.map((hit) => ({ ...hit, enginePath: multiRoot ? `${hit.root}/${hit.path}` : hit.path }));
  }

  /** The file ranking (the index's searchFiles), as paths the editor side opens; nothing when the index is off. */
  async searchFiles(query: string, top: number, signal: AbortSignal): Promise<string[]> {
    const client = this.client;
    if (!client) return [];
    const hits = await client.searchFiles(query, { top }, signal);
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    return hits.map((hit) => (multiRoot ? `${hit.root}/${hit.path}` : hit.path));
  }

  /**
   * The completion engine's index port: the best few chunks with their text, read fresh, and only
   * from files the access policy allows now (ignore rules may have changed since indexing).
   */
  async completionSnippets(query: string, signal: AbortSignal, isReadable: (path: string) => boolean, origin?: QueryOrigin): Promise<Snippet[]> {
    const embedder = this.deps.settings.get('index.embedder') === 'remote' ? 'remote' : 'local';
    const hits = await this.search(query, typingPathSearchOptions(embedder), signal, origin);
    const snippets: Snippet[] = [];
    for (const hit of hits) {
      // A newer keystroke has taken over: read nothing more for this one.
      signal.throwIfAborted();
      if (!isReadable(hit.enginePath)) continue;
      const text = await readWorkspaceFile(hit.enginePath);
      if (text === undefined) continue;
      const lines = text.split('\n').slice(hit.startLine - 1, hit.endLine);
      snippets.push({ path: hit.enginePath, text: lines.join('\n'), startLine: hit.startLine - 1 });
    }
    return snippets;
  }

  private ensureOpen(): Promise<IndexWorkerClient | undefined> {
    this.opening ??= this.open();
    return this.opening;
  }

  private async open(): Promise<IndexWorkerClient | undefined> {
    const { context, settings, logger } = this.deps;
    const roots = indexRoots();
    if (!settings.get('index.enabled') || roots.length === 0 || !context.storageUri) {
      this.item.hide();
      return undefined;
    }
    this.item.show();
    this.render(undefined);
    const remote = settings.get('index.embedder') === 'remote';
    const client = new IndexWorkerClient({
      workerPath: join(context.extensionPath, 'dist', 'indexWorker.js'),
      logger,
      ...(remote ? { hostEmbedder: this.remoteEmbedder() } : {}),
    });
    client.onDidChangeStatus((status) => this.render(status));
    client.onDidExitUnexpectedly((code) => {
      // Forget the dead worker: Rebuild Index (or the next start) opens a fresh one from disk.
      if (this.client === client) {
        this.client = undefined;
        this.opening = undefined;
      }
      this.fail(new Error(`the index worker stopped (exit code ${code}); run "Groundwork: Rebuild Index" to start it again`));
    });
    const embedder: WorkerEmbedderSpec = remote
      ? { kind: 'host', id: `${settings.get('models.embedding')}:${settings.get('index.dimensions')}`, dimensions: settings.get('index.dimensions') }
      : { kind: 'local' };
    try {
      const status = await client.open(
        {
          storeDirectory: join(context.storageUri.fsPath, 'index'),
          roots,
          embedder,
          discovery: discoveryOptionsFromSettings(settings.snapshot()),
          grammarDirectory: join(context.extensionPath, 'dist', 'grammars'),
        },
        this.lifetime.signal,
      );
      this.client = client;
      // An empty store is about to be built: say so rather than "0 files".
      this.render(status.files === 0 ? { ...status, state: 'indexing', progress: { phase: 'discovering', doneFiles: 0, totalFiles: 0 } } : status);
      const load = status.load ? ` from the ${status.load.source} in ${status.load.milliseconds} ms (${status.load.shardsRead} shards read)` : '';
      logger.info(`index opened: ${status.files} files, ${status.chunks} chunks${load}`);
      return client;
    } catch (error) {
      await client.close();
      if (!isCancellation(error)) this.fail(error);
      return undefined;
    }
  }

  /** The first build (and a rebuild) shows cancellable progress; later refreshes only move the status bar. */
  private async refresh(client: IndexWorkerClient, firstBuild: boolean, rebuild = false): Promise<void> {
    const run = async (signal: AbortSignal, report?: (message: string) => void) => {
      try {
        const onProgress = (progress: IndexProgress) => {
          if (progress.phase === 'indexing') report?.(`${progress.doneFiles}/${progress.totalFiles} files`);
        };
        const result = rebuild ? await client.rebuild(signal, onProgress) : await client.refresh(signal, onProgress);
        this.deps.logger.info(`index ${rebuild ? 'rebuilt' : 'refreshed'}: ${result.indexedFiles} indexed, ${result.removedFiles} removed, ${result.unchangedFiles} unchanged`);
      } catch (error) {
        if (!isCancellation(error)) this.fail(error);
      }
      this.render(await client.fetchStatus().catch(() => this.status));
    };
    if (!firstBuild && !rebuild) return run(this.lifetime.signal);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: rebuild ? 'Groundwork: rebuilding the index' : 'Groundwork: indexing the workspace', cancellable: true },
      async (progress, token) => {
        const signal = AbortSignal.any([this.lifetime.signal, cancellationSignal(token)]);
        await run(signal, (message) => progress.report({ message }));
      },
    );
  }

  private queue(kind: 'changed' | 'deleted', uri: vscode.Uri): void {
    if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') return;
    const path = uri.fsPath;
    if (kind === 'changed') this.pending.deleted.delete(path);
    this.pending[kind].add(path);
    this.scheduleFlush();
  }

  /** Events within 200 ms go as one batch, so a branch switch or a large pull is one update. */
  private scheduleFlush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => void this.flush(), 200);
  }

  private async flush(): Promise<void> {
    const client = this.client;
    const batch = this.pending;
    this.pending = { changed: new Set(), deleted: new Set(), renamed: [] };
    // With no index (off, no folder, or not open yet) there is nothing to update; an index that
    // opens later refreshes from disk anyway.
    if (!client) return;
    try {
      await client.applyChanges({ changed: [...batch.changed], deleted: [...batch.deleted], renamed: batch.renamed }, this.lifetime.signal);
    } catch (error) {
      if (!isCancellation(error)) this.deps.logger.warn(`index update failed: ${errorMessage(error)}`);
    }
  }

  private async reconfigure(what: { readonly roots: boolean }): Promise<void> {
    const client = await this.ensureOpen();
    if (!client) return void this.reopen();
    await client.configure({
      ...(what.roots ? { roots: indexRoots() } : {}),
      discovery: discoveryOptionsFromSettings(this.deps.settings.snapshot()),
    });
    await this.refresh(client, false);
  }

  /** A new embedder or dimensions: a new store, rebuilt from scratch. */
  private async reopen(): Promise<void> {
    const old = await this.opening;
    this.client = undefined;
    this.opening = undefined;
    await old?.close();
    await this.start();
  }

  private async rebuild(): Promise<void> {
    const client = await this.ensureOpen();
    if (!client) {
      void vscode.window.showInformationMessage('Groundwork: the index is off (groundwork.index.enabled) or there is no folder open.');
      return;
    }
    const question = rebuildQuestion(client.status ?? this.status, this.deps.settings.get('index.embedder') === 'remote');
    if (question && (await vscode.window.showWarningMessage(question, { modal: true }, 'Rebuild')) !== 'Rebuild') return;
    await this.refresh(client, false, true);
  }

  /** "Groundwork: Search Codebase…": the index's hybrid search as a quick pick that opens the hit. */
  private async searchCommand(): Promise<void> {
    const query = await vscode.window.showInputBox({ title: 'Groundwork: Search Codebase', prompt: 'Words, identifiers or a description of the code' });
    if (!query?.trim()) return;
    const hits = await this.search(query, 20, this.lifetime.signal);
    const pick = await vscode.window.showQuickPick(
      hits.map((hit) => ({
        label: `${hit.enginePath}:${hit.startLine}-${hit.endLine}`,
        description: hit.symbol ?? '',
        detail: `score ${hit.score.toFixed(4)} · ${hit.retrievers.join(' + ')}`,
        hit,
      })),
      { title: `Groundwork: ${hits.length} results for "${query}"`, matchOnDescription: true },
    );
    if (!pick) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(pick.hit.absolutePath));
    const line = new vscode.Position(pick.hit.startLine - 1, 0);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, line) });
  }

  private remoteEmbedder(): Embedder {
    const { settings, gateway } = this.deps;
    return {
      id: `${settings.get('models.embedding')}:${settings.get('index.dimensions')}`,
      dimensions: settings.get('index.dimensions'),
      maxBatchSize: 64,
      embed: async (texts, signal, sources = []) => {
        // The audit log lists the files and lines the chunks came from, by the paths the rest of Groundwork shows.
        const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
        const refs = mergeSourceRefs(sources.map(({ root, path, startLine, endLine }) => ({ path: multiRoot && root !== undefined ? `${root}/${path}` : path, startLine, endLine })));
        const result = await gateway.embed({ feature: 'index', inputs: texts, dimensions: settings.get('index.dimensions'), signal, sources: refs });
        return result.vectors.map((vector) => [...vector]);
      },
    };
  }

  /** The shared index's state, from SharedIndexFeature: shown in the status bar's tooltip and the Index Status view. */
  setSharedState(state: OverlayState | undefined): void {
    this.shared = state;
    this.render(this.status);
  }

  private render(status: IndexStatus | undefined): void {
    this.status = status;
    const view = describeIndexStatus(status, this.shared);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (this.panel && status) this.renderPanel(status);
  }

  private fail(error: unknown): void {
    this.deps.logger.error(`index: ${errorMessage(error)}`);
    this.render({ ...(this.status ?? emptyStatus), state: 'error', lastError: errorMessage(error) });
  }

  private async showStatus(): Promise<void> {
    const client = this.client;
    const status = client ? await client.fetchStatus() : this.status;
    if (!status) {
      void vscode.window.showInformationMessage('Groundwork: the index is off (groundwork.index.enabled) or there is no folder open.');
      return;
    }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('groundwork.indexStatus', 'Groundwork Index', vscode.ViewColumn.Active, {
        enableScripts: false,
        localResourceRoots: [vscode.Uri.joinPath(this.deps.context.extensionUri, 'media')],
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.listed = undefined;
      });
    }
    this.panel.reveal();
    // Status messages carry a few skipped files of each reason; the panel lists a page of each.
    this.listed = client ? await skippedPages(client, status).catch(() => undefined) : undefined;
    this.renderPanel(status);
  }

  private renderPanel(status: IndexStatus): void {
    const panel = this.panel!;
    panel.webview.html = staticPanelHtml(panel.webview, this.deps.context.extensionUri, 'Groundwork Index', renderIndexStatus(status, this.listed, this.shared));
  }
}

const emptyStatus: IndexStatus = {
  state: 'error',
  embedderId: '',
  store: 'vectra',
  files: 0,
  chunks: 0,
  skipped: [],
  skippedCounts: { ignored: 0, secret: 0, binary: 0, generated: 0, tooLarge: 0, overCap: 0 },
  repairedShards: [],
};

/** The first page of skipped files of every reason that has any. */
async function skippedPages(client: IndexWorkerClient, status: IndexStatus): Promise<SkippedFile[]> {
  const reasons = (Object.keys(status.skippedCounts) as SkipReason[]).filter((reason) => status.skippedCounts[reason] > 0);
  const pages = await Promise.all(reasons.map((reason) => client.skippedFiles(reason, 0, 200)));
  return pages.flatMap((page) => page.files);
}

/** An AbortSignal that aborts when the token is cancelled. */
function cancellationSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** One root per workspace folder on disk, with the folder's label as its id, so hits read as engine paths. */
function indexRoots(): IndexRoot[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const labels = folderLabels(folders.map((folder) => folder.name));
  return folders.flatMap((folder, i) => (folder.uri.scheme === 'file' || folder.uri.scheme === 'vscode-remote' ? [{ id: labels[i], path: folder.uri.fsPath }] : []));
}

import * as vscode from 'vscode';
import { DisposableBase } from '../common/disposable.ts';
import type { Logger } from '../common/logger.ts';
import type { Settings } from '../common/settings.ts';
import { CachingEmbedder } from '../index/embedder.ts';
import type { IndexSearch } from '../index/indexRetrieval.ts';
import { LocalEmbedder } from '../index/localEmbedder.ts';
import { redactedUrl } from '../index/postgres/connection.ts';
import { SharedIndex } from '../index/postgres/sharedIndex.ts';
import { type OverlayState, SharedOverlay } from '../index/sharedOverlay.ts';

/** Where the connection string (with its password) is kept: Secret Storage, never settings. */
const secretKey = 'groundwork.sharedIndex.url';

/**
 * The team's shared index in the editor: Connect Shared Index stores the connection string in
 * Secret Storage and names the server (without the password) in `index.sharedServer`; searches
 * then go through a SharedOverlay (the shared index at the commit checked out, this machine's
 * index for the files changed since). One workspace folder only; otherwise, or when the server
 * fails, the local index answers and the user is told why once.
 */
export class SharedIndexFeature extends DisposableBase {
  private readonly settings: Settings;
  private readonly secrets: vscode.SecretStorage;
  private readonly logger: Logger;
  private overlay: { readonly url: string; readonly overlay: SharedOverlay } | undefined;
  private stored: string | undefined;

  private readonly onState: (state: OverlayState | undefined) => void;

  /** `onState` hears what the shared index did at each search (the status shows it), undefined once disconnected. */
  constructor(settings: Settings, secrets: vscode.SecretStorage, logger: Logger, onState: (state: OverlayState | undefined) => void = () => undefined) {
    super();
    this.settings = settings;
    this.secrets = secrets;
    this.logger = logger;
    this.onState = onState;
    this._register(vscode.commands.registerCommand('groundwork.connectSharedIndex', () => this.connect()));
    this._register(vscode.commands.registerCommand('groundwork.disconnectSharedIndex', () => this.disconnect()));
    this._register(secrets.onDidChange((event) => (event.key === secretKey ? void this.readSecret() : undefined)));
    void this.readSecret();
  }

  /** `local`, or the overlay of the shared index on it when one is connected. */
  search(local: IndexSearch): IndexSearch {
    return (query, options, signal) => {
      const overlay = this.current();
      return overlay ? overlay.search(local)(query, options, signal) : local(query, options, signal);
    };
  }

  private current(): SharedOverlay | undefined {
    const server = this.settings.get('index.sharedServer').trim();
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (server === '' || folders.length !== 1 || folders[0]!.uri.scheme !== 'file') return undefined;
    // The stored string when it names the configured server; else the setting (a server without a password).
    const url = this.stored !== undefined && redactedUrl(this.stored) === redactedUrl(server) ? this.stored : server;
    if (this.overlay?.url !== url) {
      void this.overlay?.overlay.close();
      const embedder = new CachingEmbedder(new LocalEmbedder());
      const overlay = new SharedOverlay({
        url,
        root: folders[0]!.uri.fsPath,
        embedder,
        open: (target) => SharedIndex.open(target, { embedderId: embedder.id, dimensions: embedder.dimensions, maxConnections: 2, connectTimeoutMs: 5_000 }),
        onState: (state) => this.report(state),
      });
      this.overlay = { url, overlay };
    }
    return this.overlay.overlay;
  }

  private report(state: OverlayState): void {
    this.onState(state);
    switch (state.kind) {
      case 'shared':
        this.logger.info(`searching the shared index (${state.server}): ${state.identity} at ${state.commit.slice(0, 12)}, with ${state.localFiles} changed file(s) from this machine's index`);
        return;
      case 'notIndexed':
        this.logger.info(`the shared index (${state.server}) holds nothing for ${state.identity} at ${state.commit.slice(0, 12)}; searching this machine's index`);
        return;
      case 'unavailable':
        this.logger.warn(`the shared index (${state.server}) failed: ${state.message}`);
        void vscode.window.showWarningMessage(`Groundwork: the shared index (${state.server}) cannot be used: ${state.message} Searching this machine's index instead.`);
        return;
    }
  }

  private async connect(): Promise<void> {
    const url = await vscode.window.showInputBox({
      title: 'Groundwork: Connect Shared Index',
      prompt: 'The Postgres connection string of the team index (kept in Secret Storage; the setting gets it without the password)',
      placeHolder: 'postgres://user:password@host:5432/database',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (/^postgres(ql)?:\/\/\S+$/.test(value.trim()) ? undefined : 'A postgres:// connection string.'),
    });
    if (!url) return;
    await this.secrets.store(secretKey, url.trim());
    this.stored = url.trim();
    await vscode.workspace.getConfiguration('groundwork').update('index.sharedServer', redactedUrl(url.trim()), vscode.ConfigurationTarget.Global);
    void vscode.window.showInformationMessage(`Groundwork: searches will use the shared index at ${redactedUrl(url.trim())}.`);
  }

  private async disconnect(): Promise<void> {
    await this.secrets.delete(secretKey);
    this.stored = undefined;
    await vscode.workspace.getConfiguration('groundwork').update('index.sharedServer', undefined, vscode.ConfigurationTarget.Global);
    await this.overlay?.overlay.close();
    this.overlay = undefined;
    this.onState(undefined);
  }

  private async readSecret(): Promise<void> {
    this.stored = await this.secrets.get(secretKey);
  }

  override dispose(): void {
    void this.overlay?.overlay.close();
    super.dispose();
  }
}

import * as vscode from 'vscode';
import { DisposableBase } from '../common/disposable.ts';
import { errorMessage } from '../common/errors.ts';
import { folderLabels } from '../common/folderLabels.ts';
import type { Logger } from '../common/logger.ts';
import type { Settings } from '../common/settings.ts';
import type { FileAccessPolicy, IgnoreRule } from '../safety/fileAccessPolicy.ts';
import { type IgnoreFile, ignoreRuleFrom } from '../safety/ignoreRule.ts';

/**
 * Keeps the access policy's ignore rule in step with the workspace's `.gitignore` and
 * `.groundworkignore` files and `groundwork.index.exclude`, so completions, chat and refactors skip
 * what the index skips. Loaded after activation and again when any of them changes.
 */
export class IgnoreRules extends DisposableBase {
  private readonly policy: FileAccessPolicy;
  private readonly settings: Settings;
  private readonly logger: Logger;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(policy: FileAccessPolicy, settings: Settings, logger: Logger) {
    super();
    this.policy = policy;
    this.settings = settings;
    this.logger = logger;
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/{.gitignore,.groundworkignore}'));
    const schedule = () => this.scheduleReload();
    this._register(watcher.onDidCreate(schedule));
    this._register(watcher.onDidChange(schedule));
    this._register(watcher.onDidDelete(schedule));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(schedule));
    this._register(settings.onDidChange((change) => change.affects('index.exclude') && schedule()));
    this._register({ dispose: () => clearTimeout(this.reloadTimer) });
  }

  async load(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const exclude = this.settings.get('index.exclude');
    // Engine paths carry the folder's label first in a multi-root workspace (src/vscode/documents.ts).
    const labels = folderLabels(folders.map((folder) => folder.name));
    const rules = new Map<string, IgnoreRule>();
    for (const [i, folder] of folders.entries()) {
      rules.set(labels[i], ignoreRuleFrom(exclude, await this.ignoreFiles(folder)));
    }
    if (this.isDisposed) return;
    const multiRoot = folders.length > 1;
    this.policy.setIgnoreRule((path) => {
      if (!multiRoot) return rules.get(labels[0] ?? '')?.(path) ?? false;
      const slash = path.indexOf('/');
      const rule = slash > 0 ? rules.get(path.slice(0, slash)) : undefined;
      return rule ? rule(path.slice(slash + 1)) : false;
    });
    this.logger.debug(`ignore rules loaded for ${folders.length} folders`);
  }

  private async ignoreFiles(folder: vscode.WorkspaceFolder): Promise<IgnoreFile[]> {
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/{.gitignore,.groundworkignore}'), '**/node_modules/**', 1000);
    const files: IgnoreFile[] = [];
    for (const uri of uris) {
      try {
        const relative = vscode.workspace.asRelativePath(uri, false).split('\\').join('/');
        const slash = relative.lastIndexOf('/');
        const name = relative.slice(slash + 1) as IgnoreFile['name'];
        files.push({ directory: slash === -1 ? '' : relative.slice(0, slash), name, text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) });
      } catch (error) {
        this.logger.warn(`could not read ${uri.fsPath}: ${errorMessage(error)}`);
      }
    }
    return files;
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.load().catch((error: unknown) => this.logger.warn(`ignore rules: ${errorMessage(error)}`)), 300);
  }
}

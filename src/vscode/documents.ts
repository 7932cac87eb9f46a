import * as vscode from 'vscode';
import type { DocumentSnapshot } from '../common/text.ts';

/** The engine's name for a document: workspace-relative with `/` inside a folder, else its path. */
export function enginePath(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return uri.scheme === 'untitled' ? uri.toString() : uri.fsPath;
  const relative = vscode.workspace.asRelativePath(uri, vscode.workspace.workspaceFolders!.length > 1);
  return relative.split('\\').join('/');
}

export function snapshotOf(document: vscode.TextDocument): DocumentSnapshot {
  return { path: enginePath(document.uri), languageId: document.languageId, version: document.version, text: document.getText() };
}

/** The Uri of an engine path, trying each workspace folder; undefined when none holds it. */
export function uriOf(path: string): vscode.Uri | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (/^([a-zA-Z]:[\\/]|\/)/.test(path)) return vscode.Uri.file(path);
  if (folders.length > 1) {
    const [name, ...rest] = path.split('/');
    const folder = folders.find((candidate) => candidate.name === name);
    if (folder) return vscode.Uri.joinPath(folder.uri, ...rest);
  }
  return folders[0] ? vscode.Uri.joinPath(folders[0].uri, ...path.split('/')) : undefined;
}

/** Reads a workspace file by engine path; undefined when it does not exist or cannot be read. */
export async function readWorkspaceFile(path: string): Promise<string | undefined> {
  const uri = uriOf(path);
  if (!uri) return undefined;
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Text documents in most-recently-used order, kept from editor focus changes. */
export class RecentDocuments implements vscode.Disposable {
  private order: string[] = [];
  /** Snapshots by document, reused while the version is unchanged: this runs on every keystroke. */
  private readonly snapshotCache = new Map<string, DocumentSnapshot>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    const touch = (document: vscode.TextDocument | undefined) => {
      if (!document || document.uri.scheme === 'output') return;
      const key = document.uri.toString();
      this.order = [key, ...this.order.filter((candidate) => candidate !== key)].slice(0, 50);
    };
    touch(vscode.window.activeTextEditor?.document);
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor((editor) => touch(editor?.document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === vscode.window.activeTextEditor?.document) touch(event.document);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.snapshotCache.delete(document.uri.toString())),
    ];
  }

  /** The document's snapshot, copied from the editor only when its version changed. */
  snapshot(document: vscode.TextDocument): DocumentSnapshot {
    const key = document.uri.toString();
    let snapshot = this.snapshotCache.get(key);
    if (snapshot?.version !== document.version) {
      snapshot = snapshotOf(document);
      this.snapshotCache.set(key, snapshot);
    }
    return snapshot;
  }

  snapshots(): DocumentSnapshot[] {
    const byKey = new Map(vscode.workspace.textDocuments.map((document) => [document.uri.toString(), document]));
    return this.order.flatMap((key) => {
      const document = byKey.get(key);
      return document && !document.isClosed ? [this.snapshot(document)] : [];
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

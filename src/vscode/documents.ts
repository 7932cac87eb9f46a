import * as vscode from 'vscode';
import { folderLabels } from '../common/folderLabels.ts';
import type { DocumentSnapshot } from '../common/text.ts';
import { documentSchemes } from '../safety/fileAccessPolicy.ts';

/**
 * The engine's name for a document: inside a folder, its path there with `/`, after the folder's
 * label when the window has several (`app-2/src/x.ts`); outside every folder, a file's absolute
 * path, and anything else its URI (`untitled:Untitled-1`, `vscode-userdata:/…/settings.json`), so
 * the access policy can tell a file from VS Code's own documents.
 */
export function enginePath(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return uri.scheme === 'file' ? uri.fsPath : uri.toString();
  const inFolder = vscode.workspace.asRelativePath(uri, false).split('\\').join('/');
  return vscode.workspace.workspaceFolders!.length > 1 ? `${folderLabel(folder)}/${inFolder}` : inFolder;
}

/** A workspace folder's label in engine paths: its name, made unique (`folderLabels`). */
function folderLabel(folder: vscode.WorkspaceFolder): string {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folderLabels(folders.map((candidate) => candidate.name))[folder.index] ?? folder.name;
}

/** The workspace folder an engine path's first segment labels, when the window has several. */
export function folderLabelled(label: string): vscode.WorkspaceFolder | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length < 2) return undefined;
  const index = folderLabels(folders.map((folder) => folder.name)).indexOf(label);
  return index >= 0 ? folders[index] : undefined;
}

export function snapshotOf(document: vscode.TextDocument): DocumentSnapshot {
  return { path: enginePath(document.uri), languageId: document.languageId, version: document.version, text: document.getText() };
}

/** The Uri of an engine path, trying each workspace folder; undefined when none holds it. */
export function uriOf(path: string): vscode.Uri | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (/^([a-zA-Z]:[\\/]|\/)/.test(path)) return vscode.Uri.file(path);
  // A URI string names a document outside the folders; a path from a model's reply may be one
  // too, so only the schemes the access policy treats as documents become URIs (never command:).
  const scheme = /^([a-zA-Z][\w+.-]+):/.exec(path)?.[1]?.toLowerCase();
  if (scheme !== undefined) return documentSchemes.has(scheme) ? vscode.Uri.parse(path) : undefined;
  const [label, ...rest] = path.split('/');
  const folder = folderLabelled(label);
  if (folder) return vscode.Uri.joinPath(folder.uri, ...rest);
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

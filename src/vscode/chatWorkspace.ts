import * as vscode from 'vscode';
import type { Disposable } from '../common/disposable.ts';
import type { DiagnosticsPort, EditorContextPort, EditorSelection, FileReaderPort, WorkspaceProblem } from '../chat/contextAssembler.ts';
import { enginePath, folderLabelled } from './documents.ts';

const fileListTtlMs = 30_000;
const fileListMax = 5_000;

/**
 * The chat's view of the workspace in VS Code: engine paths (`enginePath`: in a multi-root window
 * the folder's label first, unique even when two folders share a name) to and from URIs, open
 * documents before disk (unsaved edits are what the user means), the selection, the Problems list
 * and the file list for the @file picker.
 */
export class ChatWorkspace implements Disposable {
  private fileList: { readonly at: number; readonly files: Promise<string[]> } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    const stale = () => (this.fileList = undefined);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.subscriptions.push(watcher, watcher.onDidCreate(stale), watcher.onDidDelete(stale), vscode.workspace.onDidChangeWorkspaceFolders(stale));
  }

  relativePath(uri: vscode.Uri): string {
    return enginePath(uri);
  }

  /** The file a workspace-relative path names, if it exists. */
  async resolve(path: string): Promise<vscode.Uri | undefined> {
    for (const uri of this.candidates(path)) {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.type & vscode.FileType.File) return uri;
      } catch {
        // Not in this folder; try the next.
      }
    }
    return undefined;
  }

  /** Where a path would be in the workspace (the first folder, or the one it names). */
  target(path: string): vscode.Uri | undefined {
    return this.candidates(path)[0];
  }

  readonly editor: EditorContextPort = {
    selection: (): EditorSelection | undefined => {
      const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      if (!editor || editor.selection.isEmpty) return undefined;
      const selection = editor.selection;
      // A selection ending at column 0 ends on the line before, as the user sees it.
      const endLine = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
      const range = new vscode.Range(selection.start.line, 0, endLine, editor.document.lineAt(endLine).text.length);
      return {
        path: this.relativePath(editor.document.uri),
        languageId: editor.document.languageId,
        startLine: selection.start.line + 1,
        endLine: endLine + 1,
        text: editor.document.getText(range),
      };
    },
  };

  readonly files: FileReaderPort = {
    read: async (path: string): Promise<string | undefined> => {
      const uri = await this.resolve(path);
      if (!uri) return undefined;
      const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
      if (open) return open.getText();
      const bytes = await vscode.workspace.fs.readFile(uri);
      // Binary files are not text for a model.
      if (bytes.subarray(0, 8_000).includes(0)) return undefined;
      return new TextDecoder('utf-8').decode(bytes);
    },
  };

  readonly diagnostics: DiagnosticsPort = {
    problems: (): WorkspaceProblem[] => {
      const severities = ['error', 'warning', 'info', 'hint'] as const;
      const problems: WorkspaceProblem[] = [];
      for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
        if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') continue;
        const path = this.relativePath(uri);
        for (const diagnostic of diagnostics) {
          problems.push({
            path,
            line: diagnostic.range.start.line + 1,
            severity: severities[diagnostic.severity] ?? 'info',
            message: diagnostic.message,
            ...(diagnostic.source ? { source: diagnostic.source } : {}),
          });
        }
      }
      // Errors first: when the list is cut, warnings go before errors do.
      return problems.sort((a, b) => severities.indexOf(a.severity) - severities.indexOf(b.severity));
    },
  };

  fileExists = async (path: string): Promise<boolean> => (await this.resolve(path)) !== undefined;

  /** Workspace files whose path contains the query's characters in order, best matches first. */
  listFiles = async (query: string): Promise<string[]> => {
    if (!this.fileList || Date.now() - this.fileList.at > fileListTtlMs) {
      const files = vscode.workspace
        .findFiles('**/*', '{**/node_modules/**,**/.git/**}', fileListMax)
        .then((uris) => uris.map((uri) => this.relativePath(uri)).sort());
      this.fileList = { at: Date.now(), files: Promise.resolve(files) };
    }
    const files = await this.fileList.files;
    const needle = query.toLowerCase();
    if (needle === '') return files;
    return files
      .map((path) => ({ path, score: fuzzyScore(path.toLowerCase(), needle) }))
      .filter((item) => item.score > 0)
      .sort((a, b) => b.score - a.score || a.path.length - b.path.length)
      .map((item) => item.path);
  };

  private candidates(path: string): vscode.Uri[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const normalized = path.replace(/\\/g, '/');
    const [label, ...rest] = normalized.split('/');
    const named = folderLabelled(label);
    if (named) return [vscode.Uri.joinPath(named.uri, ...rest)];
    return folders.map((folder) => vscode.Uri.joinPath(folder.uri, normalized));
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}

/** 0 when the needle's characters are not all in the path in order; higher for tighter, later matches. */
function fuzzyScore(path: string, needle: string): number {
  const direct = path.indexOf(needle);
  if (direct >= 0) return 1_000 + direct;
  let at = 0;
  let gaps = 0;
  for (const char of needle) {
    const found = path.indexOf(char, at);
    if (found < 0) return 0;
    gaps += found - at;
    at = found + 1;
  }
  return Math.max(1, 500 - gaps);
}

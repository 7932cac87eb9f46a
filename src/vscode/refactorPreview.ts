import * as vscode from 'vscode';
import { GroundworkError } from '../common/errors.ts';
import { checkStale, type EditSet, staleError } from '../refactor/editSet.ts';
import { uriOf } from './documents.ts';

export type PreviewOutcome = 'applied' | 'rejected';

/**
 * Shows a whole edit set in VS Code's Refactor Preview and writes nothing unless the user
 * accepts; accepting applies all files as one workspace edit, which one undo takes back.
 */
export async function previewAndApply(set: EditSet): Promise<PreviewOutcome> {
  const uris = new Map<string, vscode.Uri>();
  for (const file of set.files) {
    const uri = uriOf(file.path);
    if (!uri) throw new GroundworkError(`${file.path} is not inside the workspace; nothing was changed.`);
    uris.set(file.path, uri);
  }
  // The set was computed from snapshots; a file edited since then would be clobbered.
  const current = new Map<string, string | undefined>();
  for (const [path, uri] of uris) current.set(path, await currentText(uri));
  const stale = checkStale(set, (path) => current.get(path));
  if (stale.length > 0) throw staleError(stale);

  const applied = await vscode.workspace.applyEdit(toWorkspaceEdit(set, uris), { isRefactoring: true });
  return applied ? 'applied' : 'rejected';
}

/**
 * One WorkspaceEdit for the set, made to open the Refactor Preview with every change ticked.
 * VS Code previews an edit when any entry needs confirmation, but shows such entries unticked,
 * so Apply alone would write nothing. Workaround: the real entries do not need confirmation
 * (ticked), and one marker entry does: "create the workspace folder if missing", which the
 * preview leaves out because the folder exists, and which would change nothing if applied.
 */
export function toWorkspaceEdit(set: EditSet, uris: ReadonlyMap<string, vscode.Uri>): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const first = uris.values().next().value;
  const folder = (first && vscode.workspace.getWorkspaceFolder(first)) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder) edit.createFile(folder.uri, { ignoreIfExists: true }, { needsConfirmation: true, label: set.label });
  for (const file of set.files) {
    const uri = uris.get(file.path)!;
    const metadata: vscode.WorkspaceEditEntryMetadata = {
      needsConfirmation: false,
      label: set.label,
      description: file.created ? `${file.path} (new file)` : file.path,
    };
    if (file.created) {
      edit.createFile(uri, { ignoreIfExists: true }, metadata);
      edit.insert(uri, new vscode.Position(0, 0), file.newText, metadata);
      continue;
    }
    for (const change of file.edits) {
      const range = new vscode.Range(change.range.start.line, change.range.start.character, change.range.end.line, change.range.end.character);
      edit.replace(uri, range, change.newText, metadata);
    }
  }
  return edit;
}

/** A file's text as the user sees it: the open editor's first, else disk; undefined when it does not exist. */
async function currentText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

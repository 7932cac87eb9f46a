import * as vscode from 'vscode';
import { placeSnippet } from '../refactor/snippetPlacement.ts';
import { introducedPlaceholders } from '../safety/secretRedactor.ts';
import type { Disposable } from '../common/disposable.ts';
import type { Logger } from '../common/logger.ts';
import type { ChatWorkspace } from './chatWorkspace.ts';

const proposedScheme = 'groundwork-proposed';

/** Merges a code block into a file with the model's help; the file's new text, or undefined. */
export type SnippetMerger = (uri: vscode.Uri, code: string) => Promise<string | undefined>;

/**
 * What the chat's links and code-block buttons do in the editor: open a cited source at its
 * lines, copy, insert at the cursor, and apply to a file, which first shows a diff of the
 * proposed text and writes nothing until the user accepts.
 */
export class ChatEditorActions implements Disposable {
  private readonly workspace: ChatWorkspace;
  private readonly logger: Logger;
  private readonly merge: SnippetMerger | undefined;
  private readonly proposals = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  private counter = 0;

  constructor(workspace: ChatWorkspace, logger: Logger, merge?: SnippetMerger) {
    this.workspace = workspace;
    this.logger = logger;
    this.merge = merge;
    // A read-only virtual document holds the proposed text for the diff editor.
    this.registration = vscode.workspace.registerTextDocumentContentProvider(proposedScheme, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) => this.proposals.get(uri.toString()) ?? '',
    });
  }

  async openSource(path: string, line: number, endLine: number): Promise<void> {
    const uri = await this.workspace.resolve(path);
    if (!uri) {
      void vscode.window.showWarningMessage(`Groundwork: ${path} is not in the workspace.`);
      return;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const last = Math.max(0, document.lineCount - 1);
    const start = Math.min(line - 1, last);
    const end = Math.min(Math.max(endLine, line) - 1, last);
    const selection = new vscode.Range(start, 0, end, start === end ? 0 : document.lineAt(end).text.length);
    await vscode.window.showTextDocument(document, { selection, preview: true, viewColumn: vscode.ViewColumn.One });
  }

  async copy(code: string): Promise<void> {
    await vscode.env.clipboard.writeText(code);
    vscode.window.setStatusBarMessage('Groundwork: code copied', 2_000);
  }

  async insertAtCursor(code: string): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor) {
      void vscode.window.showWarningMessage('Groundwork: open a file to insert the code into.');
      return;
    }
    if (refusePlaceholders(editor.document.getText(), code)) return;
    const done = await editor.edit((edit) => {
      for (const selection of editor.selections) edit.replace(selection, code);
    });
    if (done) await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  }

  /**
   * Applies a code block to a file: the one its fence names, else the active editor's. With a
   * selection in that file the block replaces the selection. Without one it is merged: it replaces
   * the whole file only when it is the whole file, the lines it rewrites when its first and last
   * lines say which (snippetPlacement.ts), and otherwise the model merges it with SEARCH/REPLACE
   * blocks; a fragment never replaces a whole file. A file that does not exist is created. The
   * user sees the diff and confirms before anything is written.
   */
  async applyToFile(code: string, path: string | null): Promise<void> {
    const target = await this.targetOf(path);
    if (!target) {
      void vscode.window.showWarningMessage('Groundwork: open the file to apply the code to, or name it in the code block.');
      return;
    }
    const existing = target.exists ? await vscode.workspace.openTextDocument(target.uri) : undefined;
    const original = existing?.getText() ?? '';
    const editor = existing ? vscode.window.visibleTextEditors.find((candidate) => candidate.document === existing) : undefined;
    const replaceRange = editor && !editor.selection.isEmpty ? editor.selection : undefined;
    const merged = existing && !replaceRange ? await this.mergeInto(target.uri, original, code) : undefined;
    if (existing && !replaceRange && !merged) return;
    const proposed = merged
      ? merged.text
      : existing && replaceRange
        ? original.slice(0, existing.offsetAt(replaceRange.start)) + code + original.slice(existing.offsetAt(replaceRange.end))
        : withNewline(code);
    if (refusePlaceholders(original, proposed)) return;
    const name = this.workspace.relativePath(target.uri);
    const proposedUri = vscode.Uri.from({ scheme: proposedScheme, path: `/${name}`, query: String(++this.counter) });
    this.proposals.set(proposedUri.toString(), proposed);
    try {
      const left = existing ? target.uri : vscode.Uri.from({ scheme: proposedScheme, path: `/${name}`, query: `empty-${this.counter}` });
      await vscode.commands.executeCommand('vscode.diff', left, proposedUri, `${name}: current ↔ proposed by Groundwork`, { preview: true });
      const choice = await vscode.window.showInformationMessage(
        `Apply the proposed change to ${name}?`,
        { modal: true, detail: replaceRange ? 'It replaces the selection.' : (merged?.detail ?? 'It creates the file.') },
        'Apply',
      );
      if (choice !== 'Apply') return;
      const edit = new vscode.WorkspaceEdit();
      if (existing) {
        if (existing.getText() !== original) {
          void vscode.window.showWarningMessage(`Groundwork: ${name} changed while the diff was open; nothing was applied.`);
          return;
        }
        edit.replace(target.uri, new vscode.Range(existing.positionAt(0), existing.positionAt(original.length)), proposed);
      } else {
        edit.createFile(target.uri, { ignoreIfExists: false, contents: new TextEncoder().encode(proposed) });
      }
      const applied = await vscode.workspace.applyEdit(edit);
      if (!applied) void vscode.window.showWarningMessage(`Groundwork: could not apply the change to ${name}.`);
      else this.logger.info(`applied a chat code block to ${name}`);
    } finally {
      this.proposals.delete(proposedUri.toString());
    }
  }

  /** Where a block goes in a file when nothing is selected, with what the confirmation says of it. */
  private async mergeInto(uri: vscode.Uri, original: string, code: string): Promise<{ readonly text: string; readonly detail: string } | undefined> {
    const placement = placeSnippet(original, code);
    if (placement.kind === 'wholeFile') return { text: placement.text, detail: 'It replaces the whole file.' };
    if (placement.kind === 'range') {
      const lines = placement.end - placement.start === 1 ? `line ${placement.start + 1}` : `lines ${placement.start + 1}-${placement.end}`;
      return { text: placement.text, detail: `It replaces ${lines}.` };
    }
    if (!this.merge) {
      void vscode.window.showWarningMessage(`Groundwork: where the code block goes is not clear (${placement.reason}). Select the lines it replaces, then Apply again.`);
      return undefined;
    }
    this.logger.info(`a code block could not be placed by itself (${placement.reason}); asking the model to merge it`);
    const text = await this.merge(uri, code);
    return text === undefined ? undefined : { text, detail: `The model merged the code block into the file (${placement.reason}): check the diff.` };
  }

  private async targetOf(path: string | null): Promise<{ readonly uri: vscode.Uri; readonly exists: boolean } | undefined> {
    if (path) {
      const found = await this.workspace.resolve(path);
      if (found) return { uri: found, exists: true };
      const uri = this.workspace.target(path);
      return uri ? { uri, exists: false } : undefined;
    }
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    return editor ? { uri: editor.document.uri, exists: true } : undefined;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.proposals.clear();
  }
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * True, after telling the user, when writing `after` over `before` would add a redaction
 * placeholder: the answer's placeholders were all put back, so one left is mangled or made up.
 */
function refusePlaceholders(before: string, after: string): boolean {
  const found = introducedPlaceholders(before, after);
  if (found.length === 0) return false;
  void vscode.window.showWarningMessage(
    `Groundwork: the code holds ${found.join(', ')}, a redaction placeholder that stands for no value Groundwork can put back; nothing was written. Ask again, or replace it by hand.`,
  );
  return true;
}

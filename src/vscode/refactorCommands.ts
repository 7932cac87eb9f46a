import * as vscode from 'vscode';
import { DisposableBase } from '../common/disposable.ts';
import { GroundworkError, errorMessage, isCancellation } from '../common/errors.ts';
import { type IndexSearch, retrievalFromIndex } from '../index/indexRetrieval.ts';
import type { Logger } from '../common/logger.ts';
import type { DocumentSnapshot, Range } from '../common/text.ts';
import type { ModelGateway } from '../llm/modelGateway.ts';
import { type FindFiles, type ProposedFile, type RefactorOutcome, RefactorPlanner, type ReplyRestorer, type RetrieveContext } from '../refactor/refactorPlanner.ts';
import type { DiagnosticInfo, RefactorCommand, TestFileTarget } from '../refactor/refactorRequest.ts';
import { locateTestFile } from '../refactor/testFileLocator.ts';
import type { FileAccessPolicy } from '../safety/fileAccessPolicy.ts';
import { enginePath, readWorkspaceFile, snapshotOf, uriOf } from './documents.ts';
import { showError } from './errorNotifications.ts';
import { previewAndApply } from './refactorPreview.ts';
import { agentLanguageFeatures } from './agentLanguageFeatures.ts';
import { AgentLoop, type AgentStep } from '../agent/agentLoop.ts';
import { crossFileTask } from '../agent/agentPrompt.ts';
import type { Settings } from '../common/settings.ts';

export interface RefactorFeatureDependencies {
  readonly gateway: ModelGateway;
  /** The SecretRedactor the gateway filters prompts with: its placeholders are per instance. */
  readonly redactor: ReplyRestorer;
  readonly policy: FileAccessPolicy;
  readonly logger: Logger;
  /** The workspace index's search, for Cross-File Refactor's file proposals and read-only context. */
  readonly search?: IndexSearch;
  /** Retrieval given directly (tests, or another source); wins over `search`. */
  readonly retrieve?: RetrieveContext;
  /** The index's file ranking, which orders Cross-File Refactor's proposed files. */
  readonly findFiles?: FindFiles;
  /** Agent mode for Cross-File Refactor: its settings and the gateway's tool calling. */
  readonly settings?: Settings;
  /** Explain Selection asks the chat panel, where follow-up questions can go (ChatViewProvider.explain). */
  readonly explain: (where: ExplainedLines) => Promise<void>;
}

/** The lines Explain Selection asks about; 1-based, inclusive. */
export interface ExplainedLines {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
}

// Snippets asked of the index per cross-file instruction; the planner keeps what fits its budget.
const retrievedSnippets = 24;

export const refactorCommandIds = {
  refactorSelection: 'groundwork.refactorSelection',
  explainSelection: 'groundwork.explainSelection',
  addDocumentation: 'groundwork.addDocumentation',
  generateTests: 'groundwork.generateTests',
  fix: 'groundwork.fixWithGroundwork',
  crossFile: 'groundwork.crossFileRefactor',
} as const;

const titles: Readonly<Record<RefactorCommand['kind'], string>> = {
  refactorSelection: 'Refactoring the selection',
  addDocumentation: 'Adding documentation',
  generateTests: 'Generating tests',
  fix: 'Fixing',
  crossFile: 'Refactoring across files',
  mergeSnippet: 'Placing the code block in the file',
};

// Folders no refactor reads or proposes files from.
const excludedFolders = '**/{node_modules,.git,dist,out,build,coverage,.venv,target}/**';

/** Builds the command from the editor's state now; called again on Retry so it sees current texts. */
type CommandSource = () => Promise<RefactorCommand>;

/**
 * The refactor commands in the editor: each gathers a RefactorCommand from the editor (checking
 * every file against the access policy), runs the planner under a cancellable progress
 * notification, and shows the edit set in the Refactor Preview. Nothing is written before the
 * user accepts there; errors show with their actions, and Retry runs the same command again.
 */
export class RefactorFeature extends DisposableBase implements vscode.CodeActionProvider {
  static readonly codeActionMetadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly deps: RefactorFeatureDependencies;
  private readonly planner: RefactorPlanner;

  constructor(deps: RefactorFeatureDependencies) {
    super();
    this.deps = deps;
    const retrieve = deps.retrieve ?? (deps.search ? this.retrievalOver(deps.search) : undefined);
    this.planner = new RefactorPlanner({
      model: deps.gateway,
      restorer: deps.redactor,
      ...(retrieve ? { retrieve } : {}),
      ...(deps.findFiles ? { findFiles: deps.findFiles } : {}),
      isReadable: (path) => deps.policy.isAllowed(path),
      logger: deps.logger,
    });
    const ids = refactorCommandIds;
    this.registerCommand(ids.refactorSelection, () => this.refactorSelection());
    this.registerCommand(ids.explainSelection, () => this.explainSelection());
    this.registerCommand(ids.addDocumentation, () => this.addDocumentation());
    this.registerCommand(ids.generateTests, () => this.generateTests());
    this.registerCommand(ids.fix, (uri, range) => this.fix(uri instanceof vscode.Uri ? uri : undefined, range instanceof vscode.Range ? range : undefined));
    this.registerCommand(ids.crossFile, () => this.crossFile());
    this._register(vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, this, RefactorFeature.codeActionMetadata));
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.diagnostics.length === 0 || !this.deps.policy.isAllowed(enginePath(document.uri))) return [];
    if (context.only && !vscode.CodeActionKind.QuickFix.contains(context.only)) return [];
    const action = new vscode.CodeAction('Fix with Groundwork', vscode.CodeActionKind.QuickFix);
    action.diagnostics = [...context.diagnostics];
    action.command = { command: refactorCommandIds.fix, title: 'Fix with Groundwork', arguments: [document.uri, range] };
    return [action];
  }

  private registerCommand(id: string, run: (...args: unknown[]) => Promise<void>): void {
    this._register(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await run(...args);
        } catch (error) {
          // Failures before any model request (no editor, a secret file) land here.
          if (isCancellation(error)) return;
          this.deps.logger.warn(`${id} failed: ${errorMessage(error)}`);
          void showError(error);
        }
      }),
    );
  }

  private async refactorSelection(): Promise<void> {
    const editor = requireEditor();
    const selection = nonEmptySelection(editor);
    const instruction = await vscode.window.showInputBox({
      title: 'Groundwork: Refactor Selection',
      prompt: 'How should the selected code change?',
      placeHolder: 'e.g. use reduce instead of the loop',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Describe the change.'),
    });
    if (!instruction) return;
    const uri = editor.document.uri;
    await this.execute(async () => ({ kind: 'refactorSelection', file: await this.snapshot(uri), selection, instruction: instruction.trim() }));
  }

  private async addDocumentation(): Promise<void> {
    const editor = requireEditor();
    const uri = editor.document.uri;
    const selection = editor.selection.isEmpty ? undefined : toRange(editor.selection);
    await this.execute(async () => ({ kind: 'addDocumentation', file: await this.snapshot(uri), ...(selection ? { selection } : {}) }));
  }

  private async generateTests(): Promise<void> {
    const editor = requireEditor();
    const uri = editor.document.uri;
    const selection = editor.selection.isEmpty ? undefined : toRange(editor.selection);
    let testPath: string | undefined;
    await this.execute(async () => {
      const file = await this.snapshot(uri);
      const testFile = await this.testTarget(file.path);
      testPath = testFile.path;
      return { kind: 'generateTests', file, testFile, ...(selection ? { selection } : {}) };
    }, async () => {
      const target = testPath === undefined ? undefined : uriOf(testPath);
      if (target) await vscode.window.showTextDocument(target, { preview: false });
    });
  }

  private async fix(uri: vscode.Uri | undefined, range: vscode.Range | undefined): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const target = uri ?? editor?.document.uri;
    if (!target) throw new GroundworkError('Open a file with a problem to fix.');
    const at = range ?? (editor && editor.document.uri.toString() === target.toString() ? editor.selection : undefined);
    const diagnostics = vscode.languages
      .getDiagnostics(target)
      .filter((diagnostic) => !at || diagnostic.range.intersection(at) !== undefined || diagnostic.range.start.line === at.start.line);
    if (diagnostics.length === 0) {
      void vscode.window.showInformationMessage('Groundwork: there is no problem at the cursor to fix.');
      return;
    }
    const infos = diagnostics.map(toDiagnosticInfo);
    await this.execute(async () => ({ kind: 'fix', file: await this.snapshot(target), diagnostics: infos }));
  }

  private async crossFile(): Promise<void> {
    const instruction = await vscode.window.showInputBox({
      title: 'Groundwork: Cross-File Refactor',
      prompt: 'What should change across the workspace?',
      placeHolder: 'e.g. rename taxFor to computeTax everywhere',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Describe the change.'),
    });
    if (!instruction) return;
    const paths = await this.chooseFiles(instruction.trim());
    if (!paths || paths.length === 0) return;
    const agent = await this.agentMode();
    if (agent === 'runs') {
      await this.crossFileWithAgent(instruction.trim(), paths);
      return;
    }
    // Agent mode is on, but this model cannot use it: the progress says so.
    const note = agent === 'noTools' ? `one pass: ${this.deps.settings!.get('models.heavy')} takes no tools` : undefined;
    if (note) this.deps.logger.info(`Cross-File Refactor, ${note}`);
    await this.execute(
      async () => ({
        kind: 'crossFile',
        instruction: instruction.trim(),
        files: await Promise.all(paths.map(async (path) => this.snapshot(uriOf(path)!))),
      }),
      undefined,
      note,
    );
  }

  /**
   * Whether Cross-File Refactor runs as an agent: `runs` (on, and the heavy tier's first model
   * takes tools), `off` (turned off, or no index to search) or `noTools` (on, but the model cannot).
   */
  private async agentMode(): Promise<'runs' | 'off' | 'noTools'> {
    const settings = this.deps.settings;
    if (settings === undefined || !settings.get('agent.enabled') || this.deps.search === undefined) return 'off';
    return (await this.deps.gateway.supportsTools('refactor')) ? 'runs' : 'noTools';
  }

  /**
   * Cross-File Refactor in Agent mode: the heavy model with every tool, the chosen files sent with
   * the task; what it proposes opens in the Refactor Preview as one edit set, applied as one step.
   */
  private async crossFileWithAgent(instruction: string, paths: readonly string[]): Promise<void> {
    const settings = this.deps.settings!;
    const files = await Promise.all(paths.map(async (path) => this.snapshot(uriOf(path)!)));
    const policy = this.deps.policy;
    const loop = new AgentLoop({
      gateway: this.deps.gateway,
      ports: {
        workspace: {
          read: async (path) => (policy.isAllowed(path) ? readWorkspaceFile(path) : undefined),
          listFiles: async () => (await vscode.workspace.findFiles('**/*', excludedFolders, 20_000)).map(enginePath).sort(),
        },
        policy,
        search: this.deps.search!,
        language: agentLanguageFeatures,
      },
      limits: { maxSteps: settings.get('agent.maxSteps'), maxCostUsd: settings.get('agent.maxCostUsd') },
      feature: 'refactor.crossFile.agent',
      logger: this.deps.logger,
    });
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Groundwork: Refactoring across files (Agent mode)', cancellable: true },
        (progress, token) => withSignal(token, (signal) => loop.run(crossFileTask(instruction, files), { signal, onStep: (step) => progress.report({ message: stepMessage(step) }) })),
      );
      if (result.end === 'stopped') return;
      if (result.end === 'failed') throw result.error;
      this.deps.logger.info(`Cross-File Refactor (Agent mode): ${result.steps.length} step(s), ${result.end}, $${result.costUsd.toFixed(4)}`);
      if (!result.editSet || result.editSet.files.length === 0) {
        void vscode.window.showInformationMessage(`Groundwork: the agent proposed no edits. ${result.answer.slice(0, 300)}`);
        return;
      }
      const applied = await previewAndApply(result.editSet);
      this.deps.logger.info(`${result.editSet.label}: ${applied}`);
    } catch (error) {
      if (isCancellation(error)) return;
      this.deps.logger.warn(`Cross-File Refactor (Agent mode) failed: ${errorMessage(error)}`);
      void showError(error);
    }
  }

  /** The files to change: retrieval's proposals (or the open editors) pre-selected, any other workspace file on request. */
  private async chooseFiles(instruction: string): Promise<string[] | undefined> {
    const proposed = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Groundwork: finding the files involved', cancellable: true },
      (_progress, token) =>
        withSignal(token, (signal) =>
          this.planner.proposeFiles(instruction, signal).catch((error: unknown): ProposedFile[] => {
            // Without the index (still building, or off) the open editors are the proposal.
            if (isCancellation(error)) throw error;
            this.deps.logger.warn(`Cross-file retrieval failed: ${errorMessage(error)}`);
            return [];
          }),
        ),
    );
    const allowed = (path: string) => this.deps.policy.isAllowed(path);
    const proposedPaths = proposed.map((file) => file.path).filter(allowed);
    const preselected = proposedPaths.length > 0 ? proposedPaths : openEditorPaths().filter(allowed);
    const workspace = (await vscode.workspace.findFiles('**/*', excludedFolders, 2000)).map(enginePath).filter(allowed).sort();
    const reasons = new Map(proposed.map((file) => [file.path, file.snippets.length === 0 ? 'ranked by the index' : `${file.snippets.length} relevant passage${file.snippets.length === 1 ? '' : 's'}`]));
    const items: (vscode.QuickPickItem & { path: string })[] = [
      ...preselected.map((path) => ({ label: path, path, picked: true, description: reasons.get(path) ?? 'open in the editor' })),
      ...workspace.filter((path) => !preselected.includes(path)).map((path) => ({ label: path, path, picked: false })),
    ];
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'Groundwork: Cross-File Refactor: files to change',
      placeHolder: 'Confirm the files the change may edit (the model sees them whole)',
      canPickMany: true,
      ignoreFocusOut: true,
      matchOnDescription: true,
    });
    return chosen?.map((item) => item.path);
  }

  private async explainSelection(): Promise<void> {
    const editor = requireEditor();
    const path = enginePath(editor.document.uri);
    this.assertReadable(path);
    // With nothing selected, the cursor's line is what the user points at.
    if (editor.selection.isEmpty) {
      const line = editor.document.lineAt(editor.selection.active.line).range;
      editor.selection = new vscode.Selection(line.start, line.end);
    }
    const range = editor.selection;
    // A selection of whole lines ends at the start of the next line, which it does not include.
    const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
    await this.deps.explain({ path, startLine: range.start.line + 1, endLine });
  }

  /** Runs a command to its preview; a failure is shown with its actions, and Retry runs it again with fresh texts. */
  private async execute(source: CommandSource, afterApply?: () => Promise<void>, note?: string): Promise<void> {
    for (;;) {
      try {
        const command = await source();
        const outcome = await this.plan(command, note);
        this.deps.logger.info(`${outcome.editSet.label}: ${outcome.editSet.files.length} file(s) proposed by ${[...new Set(outcome.models)].join(', ')}`);
        const result = await previewAndApply(outcome.editSet);
        this.deps.logger.info(`${outcome.editSet.label}: ${result}`);
        if (result === 'applied') await afterApply?.();
        return;
      } catch (error) {
        if (isCancellation(error)) return;
        this.deps.logger.warn(`refactor failed: ${errorMessage(error)}`);
        if (!(await showError(error))) return;
      }
    }
  }

  /**
   * Chat's Apply without a selection, for a code block that cannot be placed by itself: the model
   * merges it into the file with SEARCH/REPLACE blocks, placed by the refactor engine. Returns the
   * file's new text, or undefined when cancelled or failed (the error shown).
   */
  async mergeSnippet(uri: vscode.Uri, snippet: string): Promise<string | undefined> {
    try {
      const file = await this.snapshot(uri);
      const outcome = await this.plan({ kind: 'mergeSnippet', file, snippet });
      return outcome.editSet.files.find((changed) => changed.path === file.path)?.newText;
    } catch (error) {
      if (isCancellation(error)) return undefined;
      this.deps.logger.warn(`merging a code block failed: ${errorMessage(error)}`);
      void showError(error);
      return undefined;
    }
  }

  private plan(command: RefactorCommand, note?: string): Thenable<RefactorOutcome> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Groundwork: ${titles[command.kind]}${note ? ` (${note})` : ''}`, cancellable: true },
      (progress, token) =>
        withSignal(token, (signal) =>
          this.planner.run(command, {
            signal,
            onProgress: ({ done, total, path }) => {
              if (done === total) progress.report({ message: 'placing the edits', increment: 100 / Math.max(1, total) });
              else progress.report({ message: total > 1 ? `${path ?? ''} (${done + 1} of ${total})` : (path ?? ''), ...(done > 0 ? { increment: 100 / total } : {}) });
            },
          }),
        ),
    );
  }

  /** The file's current text (the open editor's first), after the access policy allows it. */
  private async snapshot(uri: vscode.Uri): Promise<DocumentSnapshot> {
    this.assertReadable(enginePath(uri));
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    return snapshotOf(open ?? (await vscode.workspace.openTextDocument(uri)));
  }

  /** Index hits with their current text; files the policy forbids are never read. */
  private retrievalOver(search: IndexSearch): RetrieveContext {
    const port = retrievalFromIndex(search, { read: async (path) => (this.deps.policy.isAllowed(path) ? readWorkspaceFile(path) : undefined) });
    return (query, signal) => port(query, { topK: retrievedSnippets, signal });
  }

  private assertReadable(path: string): void {
    const decision = this.deps.policy.check(path);
    if (!decision.allowed) {
      const why =
        decision.reason === 'secret'
          ? `it looks like a secret file (${decision.detail})`
          : decision.reason === 'notAFile'
            ? `it is not a file (${decision.detail})`
            : `it is ignored (${decision.detail})`;
      throw new GroundworkError(`${path} is never sent to a model: ${why}.`);
    }
  }

  private async testTarget(sourcePath: string): Promise<TestFileTarget> {
    const files = (await vscode.workspace.findFiles('**/*', excludedFolders, 20_000)).map(enginePath);
    const location = locateTestFile(sourcePath, files);
    this.assertReadable(location.path);
    const text = location.exists ? await readWorkspaceFile(location.path) : undefined;
    const examplePath = location.examplePath !== undefined && this.deps.policy.isAllowed(location.examplePath) ? location.examplePath : undefined;
    const exampleText = examplePath === undefined ? undefined : await readWorkspaceFile(examplePath);
    return {
      path: location.path,
      text,
      convention: location.convention,
      ...(examplePath !== undefined && exampleText !== undefined ? { example: { path: examplePath, text: exampleText } } : {}),
    };
  }
}

/** Runs work with an AbortSignal that the token's cancellation aborts, so the HTTP request closes. */
async function withSignal<T>(token: vscode.CancellationToken, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  try {
    return await work(controller.signal);
  } finally {
    subscription.dispose();
  }
}

function requireEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new GroundworkError('Open a file in the editor first.');
  return editor;
}

function nonEmptySelection(editor: vscode.TextEditor): Range {
  if (editor.selection.isEmpty) throw new GroundworkError('Select the code to refactor first.');
  return toRange(editor.selection);
}

function toRange(range: vscode.Range): Range {
  return { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } };
}

function openEditorPaths(): string[] {
  const active = vscode.window.activeTextEditor?.document.uri;
  const uris = vscode.window.tabGroups.all.flatMap((group) => group.tabs.flatMap((tab) => (tab.input instanceof vscode.TabInputText ? [tab.input.uri] : [])));
  const ordered = active ? [active, ...uris] : uris;
  const paths = ordered.filter((uri) => uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(uri)).map(enginePath);
  return [...new Set(paths)];
}

const severities: Readonly<Record<vscode.DiagnosticSeverity, DiagnosticInfo['severity']>> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

function toDiagnosticInfo(diagnostic: vscode.Diagnostic): DiagnosticInfo {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return {
    range: toRange(diagnostic.range),
    message: diagnostic.message,
    severity: severities[diagnostic.severity],
    ...(diagnostic.source ? { source: diagnostic.source } : {}),
    ...(code !== undefined ? { code: String(code) } : {}),
  };
}

/** What the progress notification says after a step: the tools it called. */
function stepMessage(step: AgentStep): string {
  if (step.calls.length === 0) return 'writing the summary';
  return `step ${step.index}: ${step.calls.map((call) => call.name).join(', ')}`;
}

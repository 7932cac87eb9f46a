import * as vscode from 'vscode';
import { DisposableBase } from '../common/disposable.ts';
import { Emitter } from '../common/event.ts';
import type { Logger } from '../common/logger.ts';
import type { Settings } from '../common/settings.ts';
import { CompletionEngine, type CompletionStatus } from '../completion/completionEngine.ts';
import { gatewayCompletionModel, isFimModel } from '../completion/gatewayCompletionModel.ts';
import type { IndexSearch } from '../completion/types.ts';
import type { ModelGateway } from '../llm/modelGateway.ts';
import type { FileAccessPolicy } from '../safety/fileAccessPolicy.ts';
import { RecentDocuments, enginePath, readWorkspaceFile } from './documents.ts';

const acceptCommand = 'groundwork.completionAccepted';

export interface InlineCompletionDependencies {
  readonly settings: Settings;
  readonly gateway: ModelGateway;
  readonly policy: FileAccessPolicy;
  readonly logger: Logger;
  readonly searchIndex?: IndexSearch;
}

/** Settings that decide which model or server answers completions: a change voids cached suggestions. */
const completionModelSettings = ['models.completion', 'models.completionFallbacks', 'endpoints', 'openai.baseUrl', 'anthropic.baseUrl'] as const;

/**
 * Ghost text: the editor's InlineCompletionItemProvider over the completion engine. This class
 * only translates (documents to snapshots, the cancellation token to an AbortSignal, results to
 * items) and reports what happened to the ledger; all decisions are the engine's.
 */
export class InlineCompletions extends DisposableBase implements vscode.InlineCompletionItemProvider {
  private readonly deps: InlineCompletionDependencies;
  private readonly engine: CompletionEngine;
  private readonly recent: RecentDocuments;
  private readonly statusEmitter = this._register(new Emitter<CompletionStatus>());
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(deps: InlineCompletionDependencies) {
    super();
    this.deps = deps;
    const recent = (this.recent = this._register(new RecentDocuments()));
    const settings = deps.settings;
    this.engine = this._register(
      new CompletionEngine(
        {
          model: () => gatewayCompletionModel(deps.gateway, isFimModel(settings.get('models.completion'), settings.get('endpoints'))),
          isReadable: (path) => deps.policy.isAllowed(path),
          recentDocuments: () => recent.snapshots(),
          readFile: (path) => readWorkspaceFile(path),
          ...(deps.searchIndex ? { searchIndex: deps.searchIndex } : {}),
          logger: deps.logger,
        },
        { debounceMs: settings.get('completion.debounceMs') },
      ),
    );
    this._register(this.engine.onDidChangeStatus((status) => this.statusEmitter.fire(status)));
    this._register(
      this.engine.onDidComplete((record) => {
        if (record.outcome === 'error') deps.logger.debug(`completion ${record.id} failed after ${record.latencyMs} ms`);
      }),
    );
    this._register(
      settings.onDidChange((change) => {
        if (change.affects('completion.debounceMs')) this.engine.updateOptions({ debounceMs: settings.get('completion.debounceMs') });
        if (completionModelSettings.some((key) => change.affects(key))) this.engine.modelChanged();
      }),
    );
    // Files and new documents only: not the SCM input box, output channels, VS Code's own settings
    // (the access policy never sends those) or other virtual inputs.
    const selector = ['file', 'untitled', 'vscode-remote'].map((scheme) => ({ scheme }));
    this._register(vscode.languages.registerInlineCompletionItemProvider(selector, this));
    this._register(
      vscode.commands.registerCommand(acceptCommand, (id: string) => {
        this.engine.accepted(id);
        deps.gateway.recordCompletionEvent('accepted', settings.get('models.completion'));
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((document) => this.engine.documentClosed(enginePath(document.uri))));
  }

  get status(): CompletionStatus {
    return this.engine.status;
  }

  /** Loads the tokenizer's tables ahead of the first keystroke, so the first suggestion is not slow. */
  warmUp(): void {
    this.engine.warmUp();
  }

  togglePause(): boolean {
    const paused = this.engine.status.state === 'paused' && this.engine.status.by === 'user';
    if (paused) this.engine.resume('user');
    else this.engine.pause('user');
    return !paused;
  }

  setBudgetExceeded(exceeded: boolean): void {
    if (exceeded) this.engine.pause('budget');
    else this.engine.resume('budget');
  }

  /** In Restricted Mode nothing may be sent: no prompt is even built until that changes. */
  setRestricted(restricted: boolean): void {
    if (restricted) this.engine.pause('restricted');
    else this.engine.resume('restricted');
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = this.deps.settings;
    if (!settings.get('completion.enabled') || settings.get('completion.languages')[document.languageId] === false) return undefined;
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    const started = Date.now();
    try {
      const result = await this.engine.provide(
        {
          document: this.recent.snapshot(document),
          position: { line: position.line, character: position.character },
          trigger: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke ? 'explicit' : 'automatic',
        },
        controller.signal,
      );
      this.deps.logger.trace(`completion for version ${document.version}: ${result?.source ?? 'none'} in ${Date.now() - started} ms`);
      if (!result || token.isCancellationRequested) return undefined;
      // A typed-ahead continuation is the same suggestion still showing, not a new one.
      if (result.source !== 'typedAhead') this.deps.gateway.recordCompletionEvent('shown', settings.get('models.completion'));
      return [
        new vscode.InlineCompletionItem(result.text, new vscode.Range(position, position), {
          title: 'Accept completion',
          command: acceptCommand,
          arguments: [result.id],
        }),
      ];
    } finally {
      subscription.dispose();
    }
  }
}

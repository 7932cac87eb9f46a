import { join } from 'node:path';
import * as vscode from 'vscode';
import { DisposableBase } from './common/disposable.ts';
import { errorMessage } from './common/errors.ts';
import { type Logger, SinkLogger } from './common/logger.ts';
import { Settings } from './common/settings.ts';
import { ApprovedHosts } from './common/settingsTrust.ts';
import { ApiKeys } from './llm/apiKeys.ts';
import { ModelGateway } from './llm/modelGateway.ts';
import { ProviderRegistry } from './llm/providerRegistry.ts';
import { UsageLedger } from './llm/usageLedger.ts';
import { AuditLog } from './safety/auditLog.ts';
import { auditRecordOf, auditStartOf } from './safety/auditRecords.ts';
import { FileAccessPolicy } from './safety/fileAccessPolicy.ts';
import { SecretRedactor } from './safety/secretRedactor.ts';
import { BudgetMonitor } from './status/budgetMonitor.ts';
import { SetupMonitor } from './status/setupMonitor.ts';
import { type StatusFacts, describeStatus } from './status/statusModel.ts';
import { createChatFeature } from './vscode/chatFeature.ts';
import { ChatViewProvider } from './vscode/chatViewProvider.ts';
import { registerCommands } from './vscode/commands.ts';
import { ConfigurationSource } from './vscode/configurationSource.ts';
import { IgnoreRules } from './vscode/ignoreRules.ts';
import { InlineCompletions } from './vscode/inlineCompletions.ts';
import { LogChannelSink } from './vscode/logChannel.ts';
import { confirmOverBudget } from './vscode/modelCommands.ts';
import { SecretStorageStore } from './vscode/secretStorage.ts';
import { StatusBar } from './vscode/statusBar.ts';
import { UsagePanel } from './vscode/usagePanel.ts';
import { RefactorFeature } from './vscode/refactorCommands.ts';
import { SharedIndexFeature } from './vscode/sharedIndexFeature.ts';
import { WorkspaceIndexFeature } from './vscode/workspaceIndexFeature.ts';
import { WorkspaceHostPrompt } from './vscode/workspaceHosts.ts';
import { WorkspaceTrustGate } from './vscode/workspaceTrust.ts';

/**
 * The composition root: builds every service once, in dependency order, with explicit
 * arguments, and owns them all. Disposing it tears everything down in reverse order.
 * Nothing here does I/O or talks to a model: clients are created on first use.
 */
export class Services extends DisposableBase {
  readonly logger: Logger;
  readonly settings: Settings;
  readonly keys: ApiKeys;
  readonly setup: SetupMonitor;
  readonly ledger: UsageLedger;
  readonly gateway: ModelGateway;
  readonly audit: AuditLog;
  /** The one answer to "may this file be read?": the secret denylist, then the user's ignore rules. */
  readonly policy: FileAccessPolicy;
  readonly completions: InlineCompletions;
  readonly index: WorkspaceIndexFeature;
  private readonly statusBar: StatusBar;
  private readonly chatView: ChatViewProvider;
  private readonly ignoreRules: IgnoreRules;
  private readonly hostPrompt: WorkspaceHostPrompt;
  private readonly budget: BudgetMonitor;
  private status: StatusFacts = { readiness: undefined };

  constructor(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel) {
    super();
    this.logger = new SinkLogger(new LogChannelSink(channel));
    // Hosts a workspace's settings name are used only once approved, remembered per workspace.
    const approvals = this._register(new ApprovedHosts(context.workspaceState));
    this.settings = this._register(new Settings(this._register(new ConfigurationSource()), this.logger.scoped('settings'), approvals));
    this.hostPrompt = this._register(new WorkspaceHostPrompt(this.settings, approvals, this.logger.scoped('settings')));
    this.keys = this._register(new ApiKeys(this._register(new SecretStorageStore(context.secrets)), process.env));
    this.setup = this._register(new SetupMonitor(this.settings, this.keys, this.logger.scoped('setup')));

    const storage = context.globalStorageUri.fsPath;
    this.ledger = new UsageLedger({ directory: join(storage, 'usage'), logger: this.logger.scoped('ledger') });
    this._register({ dispose: () => void this.ledger.flush() });
    const providers = this._register(new ProviderRegistry(this.settings, this.keys));
    const trust = this._register(new WorkspaceTrustGate());
    // One redactor for the window: its placeholders are what replies (and refactor edits) restore.
    const redactor = new SecretRedactor();
    this.audit = new AuditLog({
      directory: join(storage, 'audit'),
      retentionDays: this.settings.get('audit.retentionDays'),
      recordContent: false,
      logger: this.logger.scoped('audit'),
    });
    this.gateway = this._register(
      new ModelGateway({
        settings: this.settings,
        providers,
        ledger: this.ledger,
        contentFilter: redactor,
        confirmOverBudget,
        allowRemoteSend: (request) => trust.allow(request),
        // On disk before the request leaves; the outcome is added by onDidRequest below.
        beforeSend: (start) => this.audit.append(auditStartOf(start)),
        logger: this.logger.scoped('models'),
      }),
    );
    this._register(this.gateway.onDidRequest((event) => void this.audit.append(auditRecordOf(event))));
    this._register({ dispose: () => void this.audit.flush() });
    this.policy = new FileAccessPolicy();
    this.ignoreRules = this._register(new IgnoreRules(this.policy, this.settings, this.logger.scoped('ignore')));
    this.index = this._register(
      new WorkspaceIndexFeature({ context, settings: this.settings, gateway: this.gateway, logger: this.logger.scoped('index') }),
    );
    this.completions = this._register(
      new InlineCompletions({
        settings: this.settings,
        gateway: this.gateway,
        policy: this.policy,
        logger: this.logger.scoped('completion'),
        searchIndex: (query, signal, origin) => this.index.completionSnippets(query, signal, (path) => this.policy.isAllowed(path), origin),
      }),
    );

    const localSearch = async (query: string, options: { readonly top: number }, signal: AbortSignal) =>
      (await this.index.search(query, options.top, signal)).map((hit) => ({ ...hit, path: hit.enginePath }));
    // Chat, refactors and the agent search the team's shared index when one is connected; the
    // typing path (completions) never goes to the network for index hits.
    const sharedIndex = this._register(new SharedIndexFeature(this.settings, context.secrets, this.logger.scoped('shared index'), (state) => this.index.setSharedState(state)));
    const searchIndex = sharedIndex.search(localSearch);
    const findFiles = (query: string, limit: number, signal: AbortSignal) => this.index.searchFiles(query, limit, signal);
    const refactor = this._register(
      new RefactorFeature({
        gateway: this.gateway,
        redactor,
        policy: this.policy,
        logger: this.logger.scoped('refactor'),
        search: searchIndex,
        findFiles,
        settings: this.settings,
        // The chat view is built below; the command runs only after activation.
        explain: (where) => this.chatView.explain(where),
      }),
    );

    this.statusBar = this._register(new StatusBar());
    const chat = this._register(
      createChatFeature({
        workspaceState: context.workspaceState,
        settings: this.settings,
        gateway: this.gateway,
        policy: this.policy,
        search: searchIndex,
        agentGateway: this.gateway,
        mergeSnippet: (uri, code) => refactor.mergeSnippet(uri, code),
        logger: this.logger.scoped('chat'),
      }),
    );
    this.chatView = this._register(new ChatViewProvider(context.extensionUri, this.logger.scoped('chat'), chat));
    this._register(vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, this.chatView));
    const usagePanel = this._register(new UsagePanel(context.extensionUri, this.ledger, this.settings, this.gateway.onDidRequest));
    for (const registration of registerCommands({
      settings: this.settings,
      keys: this.keys,
      setup: this.setup,
      channel,
      gateway: this.gateway,
      usagePanel,
      completions: this.completions,
      audit: this.audit,
      approvals,
    })) {
      this._register(registration);
    }

    this.showStatus({ showSpend: this.settings.get('statusBar.showSpend') });
    this._register(this.setup.onDidChange((readiness) => this.showStatus({ readiness })));
    this._register(this.completions.onDidChangeStatus((completion) => this.showStatus({ completion })));
    this.completions.setRestricted(trust.restricted);
    if (trust.restricted) trust.offerOnce();
    this._register(trust.onDidAllow(() => this.completions.setRestricted(false)));
    // Spend and limit: after each request, a refusal, a budget or price change, and at midnight.
    const pricing = (listener: (value: unknown) => void) =>
      this.settings.onDidChange((change) => {
        if (change.affects('budget.dailyUsd') || change.affects('prices')) listener(change);
      });
    this.budget = this._register(
      new BudgetMonitor({
        read: () => this.gateway.budgetStatus(),
        triggers: [this.gateway.onDidRequest, this.gateway.onDidRefuseForBudget, pricing],
        logger: this.logger.scoped('budget'),
      }),
    );
    this._register(
      this.budget.onDidChange((budget) => {
        this.completions.setBudgetExceeded(budget.exceeded);
        this.showStatus({ spend: budget });
      }),
    );
    this._register(
      this.settings.onDidChange((change) => {
        if (change.affects('statusBar.showSpend')) this.showStatus({ showSpend: this.settings.get('statusBar.showSpend') });
        if (change.affects('audit.retentionDays')) this.audit.setRetentionDays(this.settings.get('audit.retentionDays'));
      }),
    );
  }

  /** Work that may wait until after activation returns, so startup stays quick. */
  async start(): Promise<void> {
    this.hostPrompt.askAboutNewHosts();
    const [readiness] = await Promise.all([this.setup.refresh(), this.budget.refresh(), this.ignoreRules.load()]);
    void this.index.start().catch((error: unknown) => this.logger.warn(`index: ${errorMessage(error)}`));
    // The tokenizer's tables take about a second to load: do it now, off the first keystroke.
    if (readiness?.kind === 'ready' && this.settings.get('completion.enabled')) {
      const timer = setTimeout(() => this.completions.warmUp(), 1000);
      this._register({ dispose: () => clearTimeout(timer) });
    }
  }

  private showStatus(change: Partial<StatusFacts>): void {
    this.status = { ...this.status, ...change };
    this.statusBar.show(describeStatus(this.status));
    if (change.readiness) this.chatView.updateSetup(change.readiness);
  }
}

import * as vscode from 'vscode';
import { DisposableBase } from './common/disposable.ts';
import { type Logger, SinkLogger } from './common/logger.ts';
import { Settings } from './common/settings.ts';
import { ApiKeys } from './llm/apiKeys.ts';
import type { Readiness } from './status/readiness.ts';
import { SetupMonitor } from './status/setupMonitor.ts';
import { describeStatus } from './status/statusModel.ts';
import { ChatViewProvider } from './vscode/chatViewProvider.ts';
import { registerCommands } from './vscode/commands.ts';
import { ConfigurationSource } from './vscode/configurationSource.ts';
import { LogChannelSink } from './vscode/logChannel.ts';
import { SecretStorageStore } from './vscode/secretStorage.ts';
import { StatusBar } from './vscode/statusBar.ts';

/**
 * The composition root: builds every service once, in dependency order, with explicit
 * arguments, and owns them all. Disposing it tears everything down in reverse order.
 */
export class Services extends DisposableBase {
  readonly logger: Logger;
  readonly settings: Settings;
  readonly keys: ApiKeys;
  readonly setup: SetupMonitor;

  constructor(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel) {
    super();
    this.logger = new SinkLogger(new LogChannelSink(channel));
    this.settings = this._register(new Settings(this._register(new ConfigurationSource()), this.logger.scoped('settings')));
    this.keys = this._register(new ApiKeys(this._register(new SecretStorageStore(context.secrets)), process.env));
    this.setup = this._register(new SetupMonitor(this.settings, this.keys, this.logger.scoped('setup')));

    const statusBar = this._register(new StatusBar());
    const chatView = this._register(new ChatViewProvider(context.extensionUri, this.logger.scoped('chat')));
    this._register(vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chatView));
    for (const registration of registerCommands({ settings: this.settings, keys: this.keys, setup: this.setup, channel })) {
      this._register(registration);
    }

    const showReadiness = (readiness: Readiness | undefined) => {
      statusBar.show(describeStatus({ readiness }));
      chatView.updateSetup(readiness ?? { kind: 'starting' });
    };
    showReadiness(undefined);
    this._register(this.setup.onDidChange(showReadiness));
  }

  /** Work that may wait until after activation returns, so startup stays quick. */
  async start(): Promise<void> {
    await this.setup.refresh();
  }
}

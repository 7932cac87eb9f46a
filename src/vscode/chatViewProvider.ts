import * as vscode from 'vscode';
import type { Disposable } from '../common/disposable.ts';
import type { Logger } from '../common/logger.ts';
import { type HostMessage, type SetupState, parseWebviewMessage } from '../chat/protocol.ts';
import { webviewHtml, webviewOptions } from './webviewHtml.ts';

/**
 * The chat view in Groundwork's activity-bar container. It speaks only the typed protocol of
 * src/chat/protocol.ts and posts nothing until the webview says it is ready.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, Disposable {
  static readonly viewId = 'groundwork.chat';

  private readonly extensionUri: vscode.Uri;
  private readonly logger: Logger;
  private view: vscode.WebviewView | undefined;
  private webviewReady = false;
  private setup: SetupState = { kind: 'starting' };
  private readonly viewSubscriptions: vscode.Disposable[] = [];

  constructor(extensionUri: vscode.Uri, logger: Logger) {
    this.extensionUri = extensionUri;
    this.logger = logger;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    this.webviewReady = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, { setup: this.setup });
    this.viewSubscriptions.push(
      view.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      view.onDidDispose(() => {
        this.view = undefined;
        this.webviewReady = false;
      }),
    );
    this.logger.info('chat view opened');
  }

  updateSetup(setup: SetupState): void {
    this.setup = setup;
    this.post({ type: 'setup', setup });
  }

  private onMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.logger.warn('chat view sent a message that is not in the protocol; ignored');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.post({ type: 'setup', setup: this.setup });
        return;
      case 'runCommand':
        void vscode.commands.executeCommand(message.command);
        return;
    }
  }

  private post(message: HostMessage): void {
    if (this.view && this.webviewReady) void this.view.webview.postMessage(message);
  }

  private disposeView(): void {
    for (const subscription of this.viewSubscriptions.splice(0)) subscription.dispose();
  }

  dispose(): void {
    this.disposeView();
  }
}

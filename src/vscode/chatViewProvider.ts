import * as vscode from 'vscode';
import type { Disposable } from '../common/disposable.ts';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import type { ChatController } from '../chat/chatController.ts';
import { type HostMessage, type InitialState, type SetupState, type WebviewMessage, parseWebviewMessage } from '../chat/protocol.ts';
import type { ChatEditorActions } from './chatEditorActions.ts';
import { webviewHtml, webviewOptions } from './webviewHtml.ts';

/** The chat engine and its editor actions; without them the view shows only the setup state. */
export interface ChatFeature {
  readonly controller: ChatController;
  readonly actions: ChatEditorActions;
}

/**
 * The chat view in Groundwork's activity-bar container. It speaks only the typed protocol of
 * src/chat/protocol.ts, posts nothing until the webview says it is ready, and hands questions
 * to the ChatController and editor work (open a source, insert, apply) to ChatEditorActions.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, Disposable {
  static readonly viewId = 'groundwork.chat';

  private readonly extensionUri: vscode.Uri;
  private readonly logger: Logger;
  private readonly chat: ChatFeature | undefined;
  private view: vscode.WebviewView | undefined;
  private webviewReady = false;
  private setup: SetupState = { kind: 'starting' };
  private readonly viewSubscriptions: vscode.Disposable[] = [];
  private readonly subscriptions: Disposable[] = [];

  constructor(extensionUri: vscode.Uri, logger: Logger, chat?: ChatFeature) {
    this.extensionUri = extensionUri;
    this.logger = logger;
    this.chat = chat;
    if (chat) this.subscriptions.push(chat.controller.onDidPost((message) => this.post(message)));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    this.webviewReady = false;
    view.webview.options = webviewOptions(this.extensionUri);
    const initial: InitialState = { setup: this.setup, chat: this.chat?.controller.snapshot() ?? null };
    view.webview.html = webviewHtml(view.webview, this.extensionUri, initial);
    this.viewSubscriptions.push(
      view.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      view.onDidDispose(() => {
        this.view = undefined;
        this.webviewReady = false;
      }),
    );
    this.logger.info('chat view opened');
  }

  /**
   * Explain Selection: the question goes to the chat with the editor's selection as its context,
   * and the panel opens on the answer, where follow-up questions can go. Resolves once the panel
   * shows; the answer streams on.
   */
  async explain(where: { readonly path: string; readonly startLine: number; readonly endLine: number }): Promise<void> {
    if (!this.chat) throw new Error('the chat is not available in this window');
    const lines = where.startLine === where.endLine ? `line ${where.startLine}` : `lines ${where.startLine}-${where.endLine}`;
    // Asked first, while the editor still has the selection the question is about.
    void this.chat.controller.ask(`explain-${Date.now().toString(36)}`, {
      text: `Explain ${where.path}, ${lines}: what the selected code does, how, and anything surprising or risky.`,
      mentions: [],
      includeSelection: true,
    });
    await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
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
    void this.handle(message).catch((error: unknown) => {
      this.logger.error(`chat: ${message.type} failed: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(`Groundwork: ${errorMessage(error)}`);
    });
  }

  private async handle(message: WebviewMessage): Promise<void> {
    const chat = this.chat;
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.post({ type: 'setup', setup: this.setup });
        chat?.controller.postState();
        return;
      case 'runCommand':
        if (message.command === 'groundwork.openSettings') await vscode.commands.executeCommand('workbench.action.openSettings', 'groundwork');
        else if (message.command === 'groundwork.manageTrust') await vscode.commands.executeCommand('workbench.trust.manage');
        else await vscode.commands.executeCommand(message.command);
        return;
      case 'openSource':
        await chat?.actions.openSource(message.path, message.line, message.endLine);
        return;
      case 'codeAction':
        if (message.action === 'copy') await chat?.actions.copy(message.code);
        else if (message.action === 'insert') await chat?.actions.insertAtCursor(message.code);
        else await chat?.actions.applyToFile(message.code, message.path);
        return;
      case 'ask':
        await chat?.controller.ask(message.requestId, {
          text: message.text,
          mentions: message.mentions,
          includeSelection: message.includeSelection,
          ...(message.images ? { images: message.images } : {}),
        });
        return;
      case 'stop':
        chat?.controller.stop(message.requestId);
        return;
      case 'newChat':
        chat?.controller.newChat();
        return;
      case 'selectConversation':
        chat?.controller.selectConversation(message.conversationId);
        return;
      case 'deleteConversation':
        chat?.controller.deleteConversation(message.conversationId);
        return;
      case 'pickModel':
        chat?.controller.pickModel(message.model);
        return;
      case 'setAgentMode':
        chat?.controller.setAgentMode(message.on);
        return;
      case 'listFiles':
        await chat?.controller.listFiles(message.requestId, message.query);
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
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}

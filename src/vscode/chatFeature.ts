import type * as vscode from 'vscode';
import type { Disposable } from '../common/disposable.ts';
import type { Logger } from '../common/logger.ts';
import type { Settings } from '../common/settings.ts';
import { type ChatGateway, ChatController } from '../chat/chatController.ts';
import { ChatSession } from '../chat/chatSession.ts';
import { ContextAssembler } from '../chat/contextAssembler.ts';
import { HistoryStore } from '../chat/historyStore.ts';
import { type IndexSearch, retrievalFromIndex } from '../index/indexRetrieval.ts';
import { chatModelOptions } from '../chat/modelOptions.ts';
import { languageForPath } from '../index/languages.ts';
import { tokenCounter } from '../llm/tokenizer.ts';
import type { FileAccessPolicy } from '../safety/fileAccessPolicy.ts';
import { type AgentGateway, chatAgent } from '../chat/chatAgent.ts';
import { agentLanguageFeatures } from './agentLanguageFeatures.ts';
import { ChatEditorActions, type SnippetMerger } from './chatEditorActions.ts';
import type { ChatFeature } from './chatViewProvider.ts';
import { ChatWorkspace } from './chatWorkspace.ts';

export interface ChatFeatureOptions {
  /** `context.workspaceState`: conversations are per workspace. */
  readonly workspaceState: vscode.Memento;
  readonly settings: Settings;
  readonly gateway: ChatGateway;
  readonly policy: FileAccessPolicy;
  /** The workspace index's hybrid search; without it, questions get no codebase context. */
  readonly search?: IndexSearch;
  readonly summarizeHistory?: boolean;
  /** Agent mode's model calls; without it every question is answered in one pass. */
  readonly agentGateway?: AgentGateway;
  /** Apply without a selection, for a code block that cannot be placed by itself (RefactorFeature.mergeSnippet). */
  readonly mergeSnippet?: SnippetMerger;
  readonly logger: Logger;
}

/**
 * Builds the chat's engine over VS Code: the workspace ports, the context assembler, the
 * persisted session and the controller, plus the editor actions. The result goes to
 * ChatViewProvider; dispose it with the services.
 */
export function createChatFeature(options: ChatFeatureOptions): ChatFeature & Disposable {
  const workspace = new ChatWorkspace();
  // Index hits are read only if the policy allows them: a file may have become ignored since it
  // was indexed, and secret files are never read at all.
  const allowedFiles = {
    read: (path: string, signal: AbortSignal) => (options.policy.isAllowed(path) ? workspace.files.read(path, signal) : Promise.resolve(undefined)),
  };
  const context = new ContextAssembler({
    ...(options.search ? { retrieve: retrievalFromIndex(options.search, allowedFiles) } : {}),
    editor: workspace.editor,
    files: workspace.files,
    diagnostics: workspace.diagnostics,
    policy: options.policy,
    counter: tokenCounter,
    languageOf: (path) => {
      const id = languageForPath(path).id;
      return id === 'plaintext' ? '' : id;
    },
  });
  const session = new ChatSession({ store: new HistoryStore(options.workspaceState, options.logger), logger: options.logger });
  const controller = new ChatController({
    gateway: options.gateway,
    context,
    session,
    counter: tokenCounter,
    fileExists: workspace.fileExists,
    listFiles: workspace.listFiles,
    policy: options.policy,
    models: () => chatModelOptions(options.settings),
    defaultModel: () => options.settings.get('models.chat').trim() || options.settings.get('models.heavy'),
    ...(options.agentGateway && options.search
      ? {
          agent: chatAgent(
            options.agentGateway,
            options.settings,
            {
              workspace: { read: (path, signal) => allowedFiles.read(path, signal), listFiles: () => workspace.listFiles('') },
              policy: options.policy,
              search: options.search,
              language: agentLanguageFeatures,
            },
            options.logger,
          ),
        }
      : {}),
    summarizeHistory: options.summarizeHistory ?? true,
    logger: options.logger,
  });
  const actions = new ChatEditorActions(workspace, options.logger, options.mergeSnippet);
  const settingsSubscription = options.settings.onDidChange((change) => {
    if (change.keys.some((key) => key.startsWith('models.') || key === 'prices')) controller.refreshModels();
    // The composer's Agent toggle follows the setting (off in settings: the toggle is off too).
    else if (change.keys.includes('agent.enabled')) controller.postState();
  });
  return {
    controller,
    actions,
    dispose: () => {
      settingsSubscription.dispose();
      controller.dispose();
      actions.dispose();
      workspace.dispose();
      void session.flush();
    },
  };
}

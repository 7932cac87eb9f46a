// The chat webview (browser bundle): the panel's state and the host's messages. The parts live
// in their own modules: composer.ts (question box, mentions, Send/Stop), messageList.ts (the
// conversation and the streaming answer), codeBlocks.ts (model Markdown and its code blocks).
// Text goes in through textContent; the model's Markdown through renderMarkdown and DOMPurify.
import type { AgentStepView, ChatMessageView, ChatSnapshot, ErrorAction, HostMessage, InitialState, Question, SetupState, WebviewCommand, WebviewMessage } from '../chat/protocol.ts';
import { Composer } from './composer.ts';
import { modelLabel } from './composerText.ts';
import { button, element, newId } from './dom.ts';
import { MessageList } from './messageList.ts';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

const providerNames: Readonly<Record<string, string>> = { openai: 'OpenAI', anthropic: 'Anthropic' };
const label = (provider: string) => providerNames[provider] ?? provider;

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

// ---- state ----

interface Pending {
  readonly requestId: string;
  readonly user: ChatMessageView;
  readonly messageId: string;
  text: string;
  /** Agent mode's steps so far, shown as cards above the text. */
  steps?: AgentStepView[];
  /** The host said answerStart: from then on its state is the truth about this request. */
  readonly accepted: boolean;
  /** Kept so an error can put it back in the composer. */
  readonly question: Question;
}

interface ShownError {
  readonly text: string;
  readonly actions: readonly ErrorAction[];
  readonly question: Question;
}

const initial = readInitialState();
let setup: SetupState = initial.setup;
let chat: ChatSnapshot | null = initial.chat;
let pending: Pending | null = null;
let shownError: ShownError | null = null;
let truncationNote: string | null = initial.chat?.truncationNote ?? null;

function readInitialState(): InitialState {
  const text = document.getElementById('initial-state')?.textContent;
  try {
    const parsed = text ? (JSON.parse(text) as Partial<InitialState>) : {};
    return { setup: parsed.setup ?? { kind: 'starting' }, chat: parsed.chat ?? null };
  } catch {
    return { setup: { kind: 'starting' }, chat: null };
  }
}

// ---- static layout ----

const setupSection = element('section', undefined, 'setup');
setupSection.setAttribute('aria-live', 'polite');

const toolbar = element('div', undefined, 'chat-toolbar');
toolbar.setAttribute('role', 'toolbar');
toolbar.setAttribute('aria-label', 'Chat actions');
const newChatButton = button('New Chat', () => post({ type: 'newChat' }), 'secondary');
const historyButton = button('History', () => toggleHistory(), 'secondary');
historyButton.setAttribute('aria-expanded', 'false');
const modelSelect = element('select', undefined, 'model-picker');
modelSelect.setAttribute('aria-label', 'Model');
modelSelect.addEventListener('change', () => post({ type: 'pickModel', model: modelSelect.value === '' ? null : modelSelect.value }));
toolbar.append(newChatButton, historyButton, modelSelect);

const historyPanel = element('nav', undefined, 'history');
historyPanel.setAttribute('aria-label', 'Past conversations');
historyPanel.hidden = true;

const noteBar = element('p', undefined, 'truncation-note');
noteBar.setAttribute('role', 'note');
noteBar.hidden = true;

const messageList = new MessageList({
  openSource: (path, line, endLine) => post({ type: 'openSource', path, line, endLine }),
  codeAction: ({ action, block }) => post({ type: 'codeAction', action, code: block.code, language: block.language, path: block.path }),
});

const errorBox = element('div', undefined, 'error');
errorBox.setAttribute('role', 'alert');
errorBox.hidden = true;

const composer = new Composer({
  send: (question) => {
    if (!pending) ask(question);
  },
  stop: () => {
    if (pending) post({ type: 'stop', requestId: pending.requestId });
  },
  listFiles: (requestId, query) => post({ type: 'listFiles', requestId, query }),
  setAgentMode: (on) => post({ type: 'setAgentMode', on }),
});

const chatSection = element('section', undefined, 'chat');
chatSection.append(toolbar, historyPanel, noteBar, messageList.element, errorBox, composer.element);
root.append(setupSection, chatSection);

// ---- rendering ----

function renderSetup(): void {
  setupSection.replaceChildren();
  setupSection.className = `setup setup-${setup.kind}`;
  if (setup.kind === 'starting') {
    setupSection.append(element('p', 'Groundwork is starting…'));
  } else if (setup.kind === 'notConfigured') {
    setupSection.append(
      element('h2', 'Set up Groundwork'),
      element('p', `Groundwork needs an API key for ${setup.missingKeys.map(label).join(' and ')} to answer questions about your code.`),
      element('p', 'Keys are kept in VS Code Secret Storage on this machine. Your own OpenAI-compatible server works too: see the groundwork.endpoints setting.', 'muted'),
      button('Set API Key', () => runCommand('groundwork.setApiKey')),
    );
  } else if (!chat || (chat.messages.length === 0 && !pending)) {
    setupSection.append(
      element('h2', 'Groundwork is ready'),
      element('p', `Connected to ${setup.providers.map(label).join(' and ')}.`),
      element('p', 'Ask about your code: answers cite the files they draw on. @codebase searches the workspace, @file attaches a file, @problems the Problems list.', 'muted'),
    );
  }
  setupSection.hidden = setupSection.childElementCount === 0;
}

function runCommand(command: WebviewCommand): void {
  post({ type: 'runCommand', command });
}

function renderToolbar(): void {
  modelSelect.replaceChildren();
  const models = chat?.models ?? [];
  const first = models[0];
  const defaultOption = element('option', first ? `Default: ${modelLabel(first)}` : 'Default model');
  defaultOption.value = '';
  modelSelect.append(defaultOption);
  for (const model of models) {
    const option = element('option', modelLabel(model));
    option.value = model.name;
    modelSelect.append(option);
  }
  modelSelect.value = chat?.selectedModel ?? '';
  composer.setAgentMode(chat?.agentMode);
  renderHistory();
}

function toggleHistory(): void {
  historyPanel.hidden = !historyPanel.hidden;
  historyButton.setAttribute('aria-expanded', String(!historyPanel.hidden));
  renderHistory();
}

function renderHistory(): void {
  historyPanel.replaceChildren();
  if (historyPanel.hidden) return;
  const conversations = chat?.conversations ?? [];
  if (conversations.length === 0) {
    historyPanel.append(element('p', 'No past conversations yet.', 'muted'));
    return;
  }
  const list = element('ul');
  for (const conversation of conversations) {
    const item = element('li', undefined, conversation.id === chat?.conversationId ? 'current' : undefined);
    const open = button(conversation.title, () => {
      post({ type: 'selectConversation', conversationId: conversation.id });
      toggleHistory();
    }, 'link-button');
    open.title = `${new Date(conversation.updatedAt).toLocaleString()}, ${conversation.messageCount} messages`;
    const remove = button('Delete', () => post({ type: 'deleteConversation', conversationId: conversation.id }), 'link-button muted');
    remove.setAttribute('aria-label', `Delete conversation ${conversation.title}`);
    item.append(open, remove);
    list.append(item);
  }
  historyPanel.append(list);
}

function renderMessages(): void {
  messageList.render(chat?.messages ?? [], pending);
  noteBar.textContent = truncationNote ?? '';
  noteBar.hidden = !truncationNote;
  renderSetup();
}

function renderBusy(): void {
  composer.setBusy(pending !== null);
}

function renderError(): void {
  errorBox.replaceChildren();
  errorBox.hidden = shownError === null;
  if (!shownError) return;
  errorBox.append(element('p', shownError.text));
  const actions = element('div', undefined, 'error-actions');
  const question = shownError.question;
  const handlers: Readonly<Record<ErrorAction, [string, () => void]>> = {
    setApiKey: ['Set API Key', () => runCommand('groundwork.setApiKey')],
    openSettings: ['Open Settings', () => runCommand('groundwork.openSettings')],
    openLogs: ['Open Logs', () => runCommand('groundwork.openLogs')],
    retry: ['Retry', () => ask(question)],
    manageTrust: ['Manage Workspace Trust', () => runCommand('groundwork.manageTrust')],
  };
  for (const action of shownError.actions) {
    const [text, handler] = handlers[action];
    actions.append(button(text, handler));
  }
  actions.append(button('Dismiss', () => {
    shownError = null;
    renderError();
  }, 'secondary'));
  errorBox.append(actions);
}

// ---- asking ----

function ask(question: Question): void {
  const requestId = newId();
  shownError = null;
  renderError();
  pending = { requestId, user: { id: `pending-${requestId}`, role: 'user', text: question.text, time: Date.now() }, messageId: `pending-${requestId}`, text: '', accepted: false, question };
  post({ type: 'ask', requestId, ...question });
  renderBusy();
  renderMessages();
}

// ---- host messages ----

function onHostMessage(message: HostMessage): void {
  switch (message.type) {
    case 'setup':
      setup = message.setup;
      renderSetup();
      return;
    case 'state':
      chat = message.chat;
      truncationNote = chat.truncationNote;
      if (chat.streaming && (!pending || pending.requestId !== chat.streaming.requestId)) {
        const { requestId, user, messageId, text, steps } = chat.streaming;
        pending = { requestId, user, messageId, text, ...(steps ? { steps: [...steps] } : {}), accepted: true, question: { text: user.text, mentions: user.mentions ?? [], includeSelection: false } };
      } else if (!chat.streaming && pending?.accepted) {
        pending = null;
      }
      renderToolbar();
      renderBusy();
      renderMessages();
      return;
    case 'answerStart':
      if (pending?.requestId === message.requestId) pending = { ...pending, user: message.user, messageId: message.messageId, accepted: true };
      else {
        // Asked by the host (Explain Selection): it replaces whatever this panel was waiting for.
        const { requestId, user, messageId } = message;
        pending = { requestId, user, messageId, text: '', accepted: true, question: { text: user.text, mentions: user.mentions ?? [], includeSelection: true } };
        shownError = null;
        renderError();
        renderBusy();
      }
      renderMessages();
      return;
    case 'delta':
      if (!pending || pending.messageId !== message.messageId) return;
      pending.text += message.text;
      messageList.appendStreaming(pending.messageId, message.text);
      return;
    case 'step':
      if (!pending || pending.messageId !== message.messageId) return;
      // The text streamed so far was the step's (now in its card); the answer comes after.
      pending.steps = [...(pending.steps ?? []), message.step];
      pending.text = '';
      renderMessages();
      return;
    case 'restart':
      if (!pending || pending.messageId !== message.messageId) return;
      pending.text = '';
      renderMessages();
      return;
    case 'answerDone':
      if (pending?.requestId === message.requestId) {
        if (chat) chat = { ...chat, messages: [...chat.messages, pending.user, message.message] };
        pending = null;
      }
      renderBusy();
      renderMessages();
      return;
    case 'error':
      if (pending?.requestId === message.requestId) pending = null;
      shownError = { text: message.text, actions: message.actions, question: message.question };
      composer.restore(message.question);
      renderBusy();
      renderMessages();
      renderError();
      return;
    case 'truncation':
      truncationNote = message.note;
      renderMessages();
      return;
    case 'fileList':
      composer.showFiles(message.requestId, message.files);
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  if (event.data && typeof event.data === 'object' && 'type' in event.data) onHostMessage(event.data);
});

renderSetup();
renderToolbar();
renderBusy();
renderMessages();
post({ type: 'ready' });

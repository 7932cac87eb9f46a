// The chat webview (browser bundle). Renders from the host's messages. Text goes in through
// textContent; the model's Markdown goes through renderMarkdown (escaping) and DOMPurify.
import DOMPurify from 'dompurify';
import type {
  ChatMessageView,
  ChatSnapshot,
  Citation,
  ErrorAction,
  HostMessage,
  InitialState,
  Question,
  SetupState,
  SourceRef,
  WebviewCommand,
  WebviewMessage,
} from '../chat/protocol.ts';
import { extractMentions, fileMentionText, formatCost, formatTokens, mentionAtCursor, mentionChoices, modelLabel } from './composerText.ts';
import { type CodeBlock, renderMarkdown } from './markdown.ts';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

const providerNames: Readonly<Record<string, string>> = { openai: 'OpenAI', anthropic: 'Anthropic' };
const label = (provider: string) => providerNames[provider] ?? provider;

const purifyConfig = {
  ALLOWED_TAGS: ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'span', 'a', 'ul', 'ol', 'li', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'div', 'button'],
  ALLOWED_ATTR: ['class', 'href', 'title', 'type', 'align', 'start', 'data-path', 'data-line', 'data-end-line', 'data-action', 'data-code-index'],
  // The only links we make are citations, which the host opens: nothing may navigate anywhere.
  ALLOWED_URI_REGEXP: /^#$/,
};

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function button(text: string, onClick: () => void, className?: string): HTMLButtonElement {
  const node = element('button', text, className);
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

function newId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

// ---- state ----

interface Pending {
  readonly requestId: string;
  readonly user: ChatMessageView;
  readonly messageId: string;
  text: string;
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
const codeBlocksOf = new WeakMap<Element, readonly CodeBlock[]>();

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

const messageList = element('div', undefined, 'messages');
messageList.setAttribute('role', 'log');
messageList.setAttribute('aria-live', 'polite');
messageList.setAttribute('aria-label', 'Conversation');

const errorBox = element('div', undefined, 'error');
errorBox.setAttribute('role', 'alert');
errorBox.hidden = true;

const composer = element('form', undefined, 'composer');
composer.setAttribute('aria-label', 'Ask a question');
const input = element('textarea');
input.setAttribute('aria-label', 'Ask Groundwork');
input.placeholder = 'Ask about your code. Type @ to add context.';
input.rows = 3;
const mentionMenu = element('ul', undefined, 'mention-menu');
mentionMenu.setAttribute('role', 'listbox');
mentionMenu.setAttribute('aria-label', 'Mentions');
mentionMenu.hidden = true;
const composerRow = element('div', undefined, 'composer-row');
const selectionToggle = element('label', undefined, 'selection-toggle');
const selectionBox = element('input');
selectionBox.type = 'checkbox';
selectionBox.checked = true;
selectionToggle.append(selectionBox, document.createTextNode(' Include selection'));
const sendButton = element('button', 'Send');
sendButton.type = 'submit';
const stopButton = button('Stop', () => {
  if (pending) post({ type: 'stop', requestId: pending.requestId });
});
stopButton.hidden = true;
composerRow.append(selectionToggle, sendButton, stopButton);
composer.append(mentionMenu, input, composerRow);

const chatSection = element('section', undefined, 'chat');
chatSection.append(toolbar, historyPanel, noteBar, messageList, errorBox, composer);
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
  const views = [...(chat?.messages ?? [])];
  messageList.replaceChildren(...views.map((view) => messageElement(view)));
  if (pending) {
    messageList.append(messageElement(pending.user));
    messageList.append(messageElement({ id: pending.messageId, role: 'assistant', text: pending.text, time: Date.now() }, true));
  }
  noteBar.textContent = truncationNote ?? '';
  noteBar.hidden = !truncationNote;
  renderSetup();
  scrollToEnd();
}

function messageElement(view: ChatMessageView, streaming = false): HTMLElement {
  const article = element('article', undefined, `message message-${view.role}${streaming ? ' streaming' : ''}`);
  article.dataset.messageId = view.id;
  article.setAttribute('aria-label', view.role === 'user' ? 'You' : 'Groundwork');
  article.append(element('div', view.role === 'user' ? 'You' : 'Groundwork', 'message-author'));
  const body = element('div', undefined, 'message-body');
  article.append(body);
  if (view.role === 'user') {
    body.textContent = view.text;
  } else {
    fillAnswer(body, view.text, view.citations ?? []);
    if (streaming) article.setAttribute('aria-busy', 'true');
    if (view.stopped) article.append(element('p', 'Stopped.', 'muted'));
    if (view.sources && view.sources.length > 0) article.append(sourcesElement(view.sources));
    if (view.stats) article.append(statsElement(view));
  }
  return article;
}

function fillAnswer(body: HTMLElement, text: string, citations: readonly Citation[]): void {
  const rendered = renderMarkdown(text, citations);
  body.innerHTML = DOMPurify.sanitize(rendered.html, purifyConfig);
  codeBlocksOf.set(body, rendered.codeBlocks);
}

function sourcesElement(sources: readonly SourceRef[]): HTMLElement {
  const details = element('details', undefined, 'sources');
  details.append(element('summary', `Sources (${sources.length})`));
  const list = element('ul');
  for (const source of sources) {
    const item = element('li');
    const text = source.startLine === source.endLine ? `${source.path}:${source.startLine}` : `${source.path}:${source.startLine}-${source.endLine}`;
    const link = element('a', text, 'citation');
    link.href = '#';
    link.dataset.path = source.path;
    link.dataset.line = String(source.startLine);
    link.dataset.endLine = String(source.endLine);
    item.append(link);
    if (source.symbol) item.append(element('span', ` ${source.symbol}`, 'muted'));
    list.append(item);
  }
  details.append(list);
  return details;
}

function statsElement(view: ChatMessageView): HTMLElement {
  const stats = view.stats!;
  const parts = [stats.model, `${formatTokens(stats.inputTokens)} in, ${formatTokens(stats.outputTokens)} out`, formatCost(stats.costUsd)];
  const line = element('p', parts.join(' · '), 'stats muted');
  if (stats.fallbackFrom) line.textContent += ` · answered by ${stats.model} because ${stats.fallbackFrom} was unavailable`;
  return line;
}

let frameRequested = false;
function renderStreaming(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    if (!pending) return;
    const body = messageList.querySelector(`article[data-message-id="${CSS.escape(pending.messageId)}"] .message-body`);
    if (body instanceof HTMLElement) fillAnswer(body, pending.text, []);
    scrollToEnd();
  });
}

function scrollToEnd(): void {
  messageList.scrollTop = messageList.scrollHeight;
}

function renderBusy(): void {
  const busy = pending !== null;
  stopButton.hidden = !busy;
  sendButton.hidden = busy;
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

function send(): void {
  const text = input.value;
  const mentions = extractMentions(text);
  if (text.trim() === '' || pending) return;
  closeMenu();
  input.value = '';
  ask({ text, mentions, includeSelection: selectionBox.checked });
}

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  send();
});

// ---- mentions: `@` opens a menu; @file turns it into a file picker fed by the host ----

interface MenuItem {
  readonly label: string;
  readonly description: string;
  readonly choose: () => void;
}

let menuItems: MenuItem[] = [];
let menuIndex = 0;
let fileQueryId = '';

function closeMenu(): void {
  mentionMenu.hidden = true;
  menuItems = [];
  input.removeAttribute('aria-activedescendant');
}

function replaceMention(start: number, text: string): void {
  const cursor = input.selectionStart;
  input.value = `${input.value.slice(0, start)}${text} ${input.value.slice(cursor)}`;
  const at = start + text.length + 1;
  input.setSelectionRange(at, at);
  input.focus();
  closeMenu();
}

function showMenu(items: MenuItem[]): void {
  menuItems = items;
  menuIndex = 0;
  mentionMenu.replaceChildren();
  items.forEach((item, index) => {
    const option = element('li', undefined, index === menuIndex ? 'active' : undefined);
    option.id = `mention-${index}`;
    option.setAttribute('role', 'option');
    option.setAttribute('aria-selected', String(index === menuIndex));
    option.append(element('span', item.label), element('span', ` ${item.description}`, 'muted'));
    option.addEventListener('mousedown', (event) => {
      event.preventDefault();
      item.choose();
    });
    mentionMenu.append(option);
  });
  mentionMenu.hidden = items.length === 0;
  if (items.length > 0) input.setAttribute('aria-activedescendant', 'mention-0');
}

function moveMenu(step: number): void {
  if (menuItems.length === 0) return;
  menuIndex = (menuIndex + step + menuItems.length) % menuItems.length;
  [...mentionMenu.children].forEach((child, index) => {
    child.classList.toggle('active', index === menuIndex);
    child.setAttribute('aria-selected', String(index === menuIndex));
  });
  input.setAttribute('aria-activedescendant', `mention-${menuIndex}`);
}

function updateMenu(): void {
  const mention = mentionAtCursor(input.value, input.selectionStart);
  if (!mention) {
    closeMenu();
    return;
  }
  if (mention.query.startsWith('file:')) {
    fileQueryId = newId();
    post({ type: 'listFiles', requestId: fileQueryId, query: mention.query.slice('file:'.length) });
    return;
  }
  const choices = mentionChoices.filter((choice) => choice.token.slice(1).startsWith(mention.query.toLowerCase()));
  showMenu(
    choices.map((choice) => ({
      label: choice.token,
      description: choice.description,
      choose: () => {
        if (choice.token === '@file') {
          replaceMention(mention.start, '@file:');
          // The picker lists files as soon as the host answers; the space we added goes.
          input.value = input.value.replace(/@file: $/, '@file:');
          updateMenu();
        } else {
          replaceMention(mention.start, choice.token);
        }
      },
    })),
  );
}

function showFiles(requestId: string, files: readonly string[]): void {
  if (requestId !== fileQueryId) return;
  const mention = mentionAtCursor(input.value, input.selectionStart);
  if (!mention || !mention.query.startsWith('file:')) return;
  showMenu(
    files.length === 0
      ? [{ label: 'No matching files', description: '', choose: () => closeMenu() }]
      : files.map((path) => ({ label: path, description: '', choose: () => replaceMention(mention.start, fileMentionText(path)) })),
  );
}

input.addEventListener('input', updateMenu);
input.addEventListener('blur', () => setTimeout(closeMenu, 150));
input.addEventListener('keydown', (event) => {
  if (!mentionMenu.hidden && menuItems.length > 0) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      moveMenu(event.key === 'ArrowDown' ? 1 : -1);
      return;
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      menuItems[menuIndex]?.choose();
      return;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      closeMenu();
      return;
    }
  }
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  } else if (event.key === 'Escape' && pending) {
    post({ type: 'stop', requestId: pending.requestId });
  }
});

// ---- clicks inside answers: citations and code-block buttons ----

messageList.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest('a.citation');
  if (link instanceof HTMLAnchorElement) {
    event.preventDefault();
    const line = Number(link.dataset.line);
    post({ type: 'openSource', path: link.dataset.path ?? '', line, endLine: Number(link.dataset.endLine ?? line) });
    return;
  }
  const action = target?.closest('button.code-action');
  if (action instanceof HTMLButtonElement) {
    const body = action.closest('.message-body');
    const block = body ? codeBlocksOf.get(body)?.[Number(action.dataset.codeIndex)] : undefined;
    const kind = action.dataset.action;
    if (!block || (kind !== 'copy' && kind !== 'insert' && kind !== 'apply')) return;
    post({ type: 'codeAction', action: kind, code: block.code, language: block.language, path: block.path });
  }
});

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
        const { requestId, user, messageId, text } = chat.streaming;
        pending = { requestId, user, messageId, text, accepted: true, question: { text: user.text, mentions: user.mentions ?? [], includeSelection: false } };
      } else if (!chat.streaming && pending?.accepted) {
        pending = null;
      }
      renderToolbar();
      renderBusy();
      renderMessages();
      return;
    case 'answerStart':
      if (!pending || pending.requestId !== message.requestId) return;
      pending = { ...pending, user: message.user, messageId: message.messageId, accepted: true };
      renderMessages();
      return;
    case 'delta':
      if (!pending || pending.messageId !== message.messageId) return;
      pending.text += message.text;
      renderStreaming();
      return;
    case 'restart':
      if (!pending || pending.messageId !== message.messageId) return;
      pending.text = '';
      renderStreaming();
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
      // Nothing typed is lost: the question goes back into the composer unless something new is there.
      if (input.value.trim() === '') input.value = message.question.text;
      selectionBox.checked = message.question.includeSelection;
      renderBusy();
      renderMessages();
      renderError();
      return;
    case 'truncation':
      truncationNote = message.note;
      renderMessages();
      return;
    case 'fileList':
      showFiles(message.requestId, message.files);
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

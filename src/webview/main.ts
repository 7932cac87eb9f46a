// The chat webview (browser bundle). Renders from the host's messages; never trusts their text as
// HTML: everything goes in through textContent.
import type { HostMessage, SetupState, WebviewMessage } from '../chat/protocol.ts';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

const providerNames: Readonly<Record<string, string>> = { openai: 'OpenAI', anthropic: 'Anthropic' };
const label = (provider: string) => providerNames[provider] ?? provider;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function renderSetup(setup: SetupState): void {
  root.replaceChildren();
  const section = element('section', undefined, `setup setup-${setup.kind}`);
  section.setAttribute('aria-live', 'polite');
  if (setup.kind === 'starting') {
    section.append(element('p', 'Groundwork is starting…'));
  } else if (setup.kind === 'notConfigured') {
    section.append(
      element('h2', 'Set up Groundwork'),
      element('p', `Groundwork needs an API key for ${setup.missingKeys.map(label).join(' and ')} to answer questions about your code.`),
      element('p', 'Keys are kept in VS Code Secret Storage on this machine. Your own OpenAI-compatible server works too: see the groundwork.endpoints setting.', 'muted'),
    );
    const button = element('button', 'Set API Key');
    button.addEventListener('click', () => vscode.postMessage({ type: 'runCommand', command: 'groundwork.setApiKey' }));
    section.append(button);
  } else {
    section.append(
      element('h2', 'Groundwork is ready'),
      element('p', `Connected to ${setup.providers.map(label).join(' and ')}.`),
    );
  }
  root.append(section);
}

function readInitialState(): { setup: SetupState } {
  const text = document.getElementById('initial-state')?.textContent;
  try {
    return text ? (JSON.parse(text) as { setup: SetupState }) : { setup: { kind: 'starting' } };
  } catch {
    return { setup: { kind: 'starting' } };
  }
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (message?.type === 'setup') renderSetup(message.setup);
});

renderSetup(readInitialState().setup);
vscode.postMessage({ type: 'ready' });

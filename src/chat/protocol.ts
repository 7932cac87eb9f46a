/**
 * The one message protocol between the extension host and the chat webview. Both sides import
 * this file; every message is a member of these unions, so neither side can send what the other
 * does not understand. The webview posts `ready` first; the host posts nothing before it.
 */

export type SetupState =
  | { readonly kind: 'starting' }
  | { readonly kind: 'ready'; readonly providers: readonly string[] }
  | { readonly kind: 'notConfigured'; readonly missingKeys: readonly string[] };

/** Commands the webview may ask the host to run: a closed list, never a free string. */
export type WebviewCommand = 'groundwork.setApiKey' | 'groundwork.openLogs';

export type HostMessage = { readonly type: 'setup'; readonly setup: SetupState };

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'runCommand'; readonly command: WebviewCommand };

const webviewCommands: readonly WebviewCommand[] = ['groundwork.setApiKey', 'groundwork.openLogs'];

/** Validates a message from the webview: its content is untrusted input to the host. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'runCommand':
      return webviewCommands.includes(message.command as WebviewCommand)
        ? { type: 'runCommand', command: message.command as WebviewCommand }
        : undefined;
    default:
      return undefined;
  }
}

import * as vscode from 'vscode';
import { Services } from './services.ts';

/**
 * Builds the services and gets out of the way. VS Code shows nothing when activation throws, so
 * a failure is shown here, with the logs one click away.
 */
export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Groundwork', { log: true });
  context.subscriptions.push(channel);
  try {
    const services = new Services(context, channel);
    context.subscriptions.push(services);
    channel.info(`Groundwork ${String(context.extension.packageJSON.version)} activated`);
    void services.start().catch((error: unknown) => reportStartupFailure(channel, error));
  } catch (error) {
    reportStartupFailure(channel, error);
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions and disposed by VS Code.
}

function reportStartupFailure(channel: vscode.LogOutputChannel, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  channel.error(`Groundwork failed to start: ${message}`);
  if (error instanceof Error && error.stack) channel.debug(error.stack);
  void vscode.window.showErrorMessage(`Groundwork failed to start: ${message}`, 'Open Logs').then((choice) => {
    if (choice === 'Open Logs') channel.show(true);
  });
}

import * as vscode from 'vscode';
import { GroundworkError, type UserAction, errorMessage } from '../common/errors.ts';

const actionLabels: Readonly<Record<UserAction, string>> = {
  setApiKey: 'Set API Key',
  openSettings: 'Open Settings',
  openLogs: 'Open Logs',
  retry: 'Retry',
  manageTrust: 'Manage Workspace Trust',
};

const actionCommands: Readonly<Record<Exclude<UserAction, 'retry'>, readonly [string, ...unknown[]]>> = {
  setApiKey: ['groundwork.setApiKey'],
  openSettings: ['workbench.action.openSettings', 'groundwork'],
  openLogs: ['groundwork.openLogs'],
  manageTrust: ['workbench.trust.manage'],
};

/**
 * Shows an error with buttons for what the user can do next. The buttons come from the error's
 * actions, never from its text. Resolves to true when the user chose Retry.
 */
export async function showError(error: unknown, fallbackActions: readonly UserAction[] = ['openLogs']): Promise<boolean> {
  const actions = error instanceof GroundworkError && error.actions.length > 0 ? error.actions : fallbackActions;
  const choice = await vscode.window.showErrorMessage(
    `Groundwork: ${errorMessage(error)}`,
    ...actions.map((action) => actionLabels[action]),
  );
  const action = actions.find((candidate) => actionLabels[candidate] === choice);
  if (!action) return false;
  if (action === 'retry') return true;
  const [command, ...args] = actionCommands[action];
  await vscode.commands.executeCommand(command, ...args);
  return false;
}

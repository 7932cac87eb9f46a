import * as vscode from 'vscode';
import { checkModels } from '../llm/modelCheck.ts';
import type { ModelGateway } from '../llm/modelGateway.ts';
import { showError } from './errorNotifications.ts';

const roleLabels = { completion: 'Completions', chat: 'Chat', refactor: 'Refactors', crossFile: 'Cross-file' } as const;

/** "Groundwork: Check Models": one tiny request per role, with the answer and what to do about it. */
export async function runModelCheck(gateway: ModelGateway): Promise<void> {
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Groundwork: checking models…', cancellable: true },
    (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return checkModels(gateway, controller.signal);
    },
  );
  const lines = results.map((result) =>
    result.ok
      ? `${roleLabels[result.task]}: ${result.model} answered in ${result.ms} ms${result.fallbackFrom ? ` (fallback for ${result.fallbackFrom})` : ''}`
      : `${roleLabels[result.task]}: ${result.message}`,
  );
  const failed = results.find((result) => !result.ok);
  if (!failed) {
    void vscode.window.showInformationMessage(`Groundwork: every model answered. ${lines.join(' · ')}`);
    return;
  }
  void showError(new Error(lines.join(' · ')), failed.reason === 'auth' ? ['setApiKey', 'openLogs'] : ['openSettings', 'openLogs']);
}

/** The modal question asked before a heavy request once the daily budget is spent. */
export async function confirmOverBudget(spentUsd: number, limitUsd: number): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `Groundwork has spent $${spentUsd.toFixed(2)} today, past the daily budget of $${limitUsd.toFixed(2)}. Send this request anyway?`,
    { modal: true },
    'Send Anyway',
  );
  return choice === 'Send Anyway';
}

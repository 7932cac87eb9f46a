import * as vscode from 'vscode';
import type { Settings } from '../common/settings.ts';
import type { ApprovedHosts } from '../common/settingsTrust.ts';
import type { ApiKeys } from '../llm/apiKeys.ts';
import type { ModelGateway } from '../llm/modelGateway.ts';
import type { SetupMonitor } from '../status/setupMonitor.ts';
import { clearApiKey, setApiKey } from './apiKeyCommands.ts';
import { showError } from './errorNotifications.ts';
import { runModelCheck } from './modelCommands.ts';
import type { AuditLog } from '../safety/auditLog.ts';
import { AuditLogView } from './auditLogView.ts';
import type { InlineCompletions } from './inlineCompletions.ts';
import type { UsagePanel } from './usagePanel.ts';
import { manageWorkspaceHosts, workspaceSettingsSummary } from './workspaceHosts.ts';

export interface CommandDependencies {
  readonly settings: Settings;
  readonly keys: ApiKeys;
  readonly setup: SetupMonitor;
  readonly channel: vscode.LogOutputChannel;
  readonly gateway: ModelGateway;
  readonly usagePanel: UsagePanel;
  readonly completions: InlineCompletions;
  readonly audit: AuditLog;
  readonly approvals: ApprovedHosts;
}

/** Registers the commands of package.json's `contributes.commands`; returns their registrations. */
export function registerCommands(deps: CommandDependencies): vscode.Disposable[] {
  const register = (id: string, run: (...args: unknown[]) => Promise<unknown> | unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (error) {
        deps.channel.error(`${id} failed: ${error instanceof Error ? error.message : String(error)}`);
        void showError(error);
        return undefined;
      }
    });

  const auditView = new AuditLogView(deps.audit);
  return [
    auditView,
    register('groundwork.setApiKey', (provider) =>
      setApiKey(deps.settings, deps.keys, typeof provider === 'string' ? provider : undefined),
    ),
    register('groundwork.clearApiKey', () => clearApiKey(deps.settings, deps.keys)),
    register('groundwork.openLogs', () => deps.channel.show(true)),
    register('groundwork.focusChat', () => vscode.commands.executeCommand('groundwork.chat.focus')),
    register('groundwork.showMenu', () => showMenu(deps)),
    register('groundwork.manageWorkspaceHosts', () => manageWorkspaceHosts(deps.settings, deps.approvals)),
    register('groundwork.showUsage', () => deps.usagePanel.show()),
    register('groundwork.openAuditLog', () => auditView.open()),
    register('groundwork.checkModels', () => runModelCheck(deps.gateway)),
    register('groundwork.toggleCompletions', () => {
      const paused = deps.completions.togglePause();
      void vscode.window.setStatusBarMessage(paused ? 'Groundwork: completions paused' : 'Groundwork: completions resumed', 3000);
    }),
  ];
}

interface MenuItem extends vscode.QuickPickItem {
  readonly run?: () => Thenable<unknown>;
}

async function showMenu(deps: CommandDependencies): Promise<void> {
  const readiness = deps.setup.readiness;
  const state =
    readiness?.kind === 'ready'
      ? `Ready: ${readiness.providers.join(', ')}`
      : readiness?.kind === 'notConfigured'
        ? `Not configured: no API key for ${readiness.missingKeys.join(', ')}`
        : 'Starting';
  const workspaceSettings = workspaceSettingsSummary(deps.settings);
  const items: MenuItem[] = [
    { label: state, kind: vscode.QuickPickItemKind.Separator },
    ...(workspaceSettings
      ? [{ label: '$(workspace-untrusted) Workspace Hosts…', detail: workspaceSettings, run: () => vscode.commands.executeCommand('groundwork.manageWorkspaceHosts') }]
      : []),
    { label: '$(comment-discussion) Open Chat', run: () => vscode.commands.executeCommand('groundwork.focusChat') },
    { label: '$(key) Set API Key', run: () => vscode.commands.executeCommand('groundwork.setApiKey') },
    {
      label: deps.completions.status.state === 'paused' ? '$(debug-start) Resume Completions' : '$(debug-pause) Pause Completions',
      run: () => vscode.commands.executeCommand('groundwork.toggleCompletions'),
    },
    { label: '$(pulse) Check Models', run: () => vscode.commands.executeCommand('groundwork.checkModels') },
    { label: '$(graph) Show Usage', run: () => vscode.commands.executeCommand('groundwork.showUsage') },
    { label: '$(database) Show Index Status', run: () => vscode.commands.executeCommand('groundwork.showIndexStatus') },
    { label: '$(refresh) Rebuild Index', run: () => vscode.commands.executeCommand('groundwork.rebuildIndex') },
    { label: '$(shield) Open Audit Log', run: () => vscode.commands.executeCommand('groundwork.openAuditLog') },
    { label: '$(settings-gear) Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'groundwork') },
    { label: '$(output) Open Logs', run: () => vscode.commands.executeCommand('groundwork.openLogs') },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'Groundwork' });
  await choice?.run?.();
}

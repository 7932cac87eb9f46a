import * as vscode from 'vscode';
import type { Logger } from '../common/logger.ts';
import type { Settings } from '../common/settings.ts';
import type { ApprovedHosts, WorkspaceHost } from '../common/settingsTrust.ts';

const allow = 'Allow for This Workspace';
const keepMine = 'Keep My Settings';

/**
 * Asks, once per host and window, whether a workspace's settings may send requests to a host
 * they name. Until the user allows it their own settings stand, and whatever the answer, a key
 * goes only to the host it was set for. The question names the host and the settings asking.
 */
export class WorkspaceHostPrompt implements vscode.Disposable {
  private readonly settings: Settings;
  private readonly approvals: ApprovedHosts;
  private readonly logger: Logger;
  private readonly asked = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(settings: Settings, approvals: ApprovedHosts, logger: Logger) {
    this.settings = settings;
    this.approvals = approvals;
    this.logger = logger;
    this.subscription = settings.onDidChange((change) => {
      if (change.effects.has('resetProviders')) this.askAboutNewHosts();
    });
  }

  /** Asks about every host the workspace names that is neither approved nor asked about yet. */
  askAboutNewHosts(): void {
    for (const host of this.settings.workspaceHosts()) {
      if (host.approved || this.asked.has(host.origin) || this.approvals.isDeclined(host.origin)) continue;
      this.asked.add(host.origin);
      this.logger.info(`this workspace's settings name ${host.origin} (${host.setBy.join(', ')}); not used until approved`);
      void this.ask(host);
    }
  }

  private async ask(host: WorkspaceHost): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `This workspace's settings (${host.setBy.join(', ')}) ask Groundwork to send your code to ${host.origin}. Until you allow it, Groundwork uses your own settings. Your API keys are never sent to a host they were not set for.`,
      allow,
      keepMine,
    );
    // Dismissing the notification decides nothing; it is asked again in the next window.
    if (choice === keepMine) {
      await this.approvals.revoke(host.origin);
      this.logger.info(`${host.origin} declined for this workspace`);
    }
    if (choice !== allow) return;
    await this.approvals.approve(host.origin);
    this.logger.info(`${host.origin} approved for this workspace`);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

interface HostPick extends vscode.QuickPickItem {
  readonly origin: string;
  readonly approved: boolean;
}

/** "Groundwork: Manage Workspace Hosts": approve or revoke the hosts this workspace's settings name. */
export async function manageWorkspaceHosts(settings: Settings, approvals: ApprovedHosts): Promise<void> {
  const named = settings.workspaceHosts();
  // An approval whose setting has since gone is still listed, so it can be taken back.
  const stale = approvals
    .list()
    .filter((origin) => !named.some((host) => host.origin === origin))
    .map((origin): WorkspaceHost => ({ origin, setBy: [], approved: true }));
  const hosts = [...named, ...stale];
  if (hosts.length === 0) {
    void vscode.window.showInformationMessage("Groundwork: this workspace's settings name no hosts; only your own settings decide where requests go.");
    return;
  }
  const picks = hosts.map(
    (host): HostPick => ({
      label: `${host.approved ? '$(pass-filled)' : '$(circle-large-outline)'} ${host.origin}`,
      description: host.approved ? 'allowed — pick to revoke' : 'not used — pick to allow',
      detail: host.setBy.length > 0 ? `named by ${host.setBy.join(', ')}` : 'no longer named by this workspace',
      origin: host.origin,
      approved: host.approved,
    }),
  );
  const chosen = await vscode.window.showQuickPick(picks, { title: 'Groundwork: Workspace Hosts', placeHolder: 'Hosts this workspace\'s settings send requests to' });
  if (!chosen) return;
  if (chosen.approved) await approvals.revoke(chosen.origin);
  else await approvals.approve(chosen.origin);
}

/** One line for Show Status: what the workspace's settings ask for and what was done with it. */
export function workspaceSettingsSummary(settings: Settings): string | undefined {
  const hosts = settings.workspaceHosts();
  const ignored = settings.ignoredWorkspaceSettings();
  const parts: string[] = [];
  const approved = hosts.filter((host) => host.approved).map((host) => host.origin);
  const waiting = hosts.filter((host) => !host.approved).map((host) => host.origin);
  if (approved.length > 0) parts.push(`allowed: ${approved.join(', ')}`);
  if (waiting.length > 0) parts.push(`not used: ${waiting.join(', ')}`);
  if (ignored.length > 0) parts.push(`ignored: ${ignored.map((key) => `groundwork.${key}`).join(', ')}`);
  return parts.length > 0 ? `Workspace settings — ${parts.join('; ')}` : undefined;
}

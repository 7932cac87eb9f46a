import * as vscode from 'vscode';
import type { ModelTask } from '../llm/modelTypes.ts';
import { providerLabel } from '../status/statusModel.ts';

/**
 * Restricted Mode: nothing from an untrusted workspace goes to a remote model without the user's
 * explicit yes, asked once per window. Background work (completions, indexing) never raises a
 * modal from a keystroke: it offers the choice once in a notification and stays quiet until then.
 */
export class WorkspaceTrustGate implements vscode.Disposable {
  private decision: 'allowed' | 'denied' | undefined;
  private offered = false;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidGrantWorkspaceTrust(() => {
      this.decision = 'allowed';
    });
  }

  async allow(request: { readonly feature: string; readonly task: ModelTask; readonly provider: string }): Promise<boolean> {
    if (vscode.workspace.isTrusted || this.decision === 'allowed') return true;
    if (this.decision === 'denied') return false;
    if (request.task === 'completion' || request.task === 'embedding') {
      this.offerOnce();
      return false;
    }
    const choice = await vscode.window.showWarningMessage(
      `This workspace is in Restricted Mode. Send code from it to ${providerLabel(request.provider)} for ${request.feature}?`,
      { modal: true, detail: 'Groundwork asks once per window. Trusting the workspace allows it for good.' },
      'Allow for This Window',
    );
    this.decision = choice === 'Allow for This Window' ? 'allowed' : 'denied';
    return this.decision === 'allowed';
  }

  private offerOnce(): void {
    if (this.offered) return;
    this.offered = true;
    void vscode.window
      .showInformationMessage(
        'Groundwork sends nothing from this workspace while it is in Restricted Mode: completions are off.',
        'Allow for This Window',
        'Manage Workspace Trust',
      )
      .then((choice) => {
        if (choice === 'Allow for This Window') this.decision = 'allowed';
        else if (choice === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
      });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

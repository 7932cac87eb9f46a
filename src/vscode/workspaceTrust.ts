import * as vscode from 'vscode';
import { Emitter } from '../common/event.ts';
import type { ModelTask } from '../llm/modelTypes.ts';
import { providerLabel } from '../llm/providerTarget.ts';

/**
 * Restricted Mode: nothing from an untrusted workspace goes to a remote model without the user's
 * explicit yes, asked once per window. Background work (completions, indexing) never raises a
 * modal from a keystroke: it offers the choice once in a notification and stays quiet until then.
 */
export class WorkspaceTrustGate implements vscode.Disposable {
  private decision: 'allowed' | 'denied' | undefined;
  private offered = false;
  private readonly subscription: vscode.Disposable;
  private readonly allowedEmitter = new Emitter<void>();
  /** Fires when sending becomes allowed: the workspace was trusted, or the user said yes. */
  readonly onDidAllow = this.allowedEmitter.event;

  constructor() {
    this.subscription = vscode.workspace.onDidGrantWorkspaceTrust(() => this.setDecision('allowed'));
  }

  /** True while nothing may be sent without asking. */
  get restricted(): boolean {
    return !vscode.workspace.isTrusted && this.decision !== 'allowed';
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
    this.setDecision(choice === 'Allow for This Window' ? 'allowed' : 'denied');
    return this.decision === 'allowed';
  }

  /** Offers, once per window, to allow sending; background features call it instead of asking. */
  offerOnce(): void {
    if (this.offered) return;
    this.offered = true;
    void vscode.window
      .showInformationMessage(
        'Groundwork sends nothing from this workspace while it is in Restricted Mode: completions are off.',
        'Allow for This Window',
        'Manage Workspace Trust',
      )
      .then((choice) => {
        if (choice === 'Allow for This Window') this.setDecision('allowed');
        else if (choice === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
      });
  }

  private setDecision(decision: 'allowed' | 'denied'): void {
    this.decision = decision;
    if (decision === 'allowed') this.allowedEmitter.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.allowedEmitter.dispose();
  }
}

import * as vscode from 'vscode';
import type { Disposable } from '../common/disposable.ts';
import type { Settings } from '../common/settings.ts';
import type { UsageLedger } from '../llm/usageLedger.ts';
import { summarizeUsage } from '../llm/usageSummary.ts';
import type { Event } from '../common/event.ts';
import { renderUsageReport } from '../usage/usageReport.ts';
import { staticPanelHtml } from './webviewHtml.ts';

/**
 * "Groundwork: Show Usage": a read-only panel of today's and this month's calls, tokens and cost,
 * per feature and per model. It has no script at all; it re-renders while open as calls land.
 */
export class UsagePanel implements Disposable {
  private readonly extensionUri: vscode.Uri;
  private readonly ledger: UsageLedger;
  private readonly settings: Settings;
  private readonly subscription: Disposable;
  private panel: vscode.WebviewPanel | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(extensionUri: vscode.Uri, ledger: UsageLedger, settings: Settings, onDidRequest: Event<unknown>) {
    this.extensionUri = extensionUri;
    this.ledger = ledger;
    this.settings = settings;
    this.subscription = onDidRequest(() => this.scheduleRefresh());
  }

  async show(): Promise<void> {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('groundwork.usage', 'Groundwork Usage', vscode.ViewColumn.Active, {
        enableScripts: false,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      });
      this.panel.onDidChangeViewState((event) => {
        if (event.webviewPanel.visible) void this.render();
      });
    }
    this.panel.reveal();
    await this.render();
  }

  private scheduleRefresh(): void {
    // Re-reading the month's ledger is work for the host thread: only for a panel someone can see.
    if (!this.panel?.visible || this.refreshTimer) return;
    // Calls land in bursts (a fallback chain, a typing streak): render once per burst.
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.render();
    }, 500);
  }

  private async render(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    await this.ledger.flush();
    const now = Date.now();
    const body = renderUsageReport(summarizeUsage(await this.ledger.readMonth(now), now), {
      dailyLimitUsd: this.settings.get('budget.dailyUsd'),
    });
    panel.webview.html = staticPanelHtml(panel.webview, this.extensionUri, 'Groundwork Usage', body);
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.subscription.dispose();
    this.panel?.dispose();
  }
}

import * as vscode from 'vscode';
import { type AuditLog, formatAuditEntries } from '../safety/auditLog.ts';

const scheme = 'groundwork-audit';
const dayInPath = /audit-(\d{4}-\d{2}-\d{2})\.jsonl$/;

/**
 * "Open Audit Log": pick a day that has a log, read it paired (one line per request, a request
 * with no reply marked as such) in a read-only document. The files on disk stay the record.
 */
export class AuditLogView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly audit: AuditLog;
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  readonly onDidChange = this.changes.event;

  constructor(audit: AuditLog) {
    this.audit = audit;
    this.registration = vscode.workspace.registerTextDocumentContentProvider(scheme, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const day = dayInPath.exec(uri.path)?.[1];
    if (!day) return '';
    const { entries, skippedLines } = await this.audit.readDay(day);
    const skipped = skippedLines > 0 ? `\n// ${skippedLines} unreadable line(s) skipped` : '';
    return `${formatAuditEntries(entries)}${skipped}\n`;
  }

  async open(): Promise<void> {
    const days = await this.audit.days();
    if (days.length === 0) {
      void vscode.window.showInformationMessage('Groundwork has sent nothing yet: the audit log is empty.');
      return;
    }
    const today = new Date().toISOString().slice(0, 10);
    const choice = await vscode.window.showQuickPick(
      days.map((day) => ({ label: day, ...(day === today ? { description: 'today (UTC)' } : {}) })),
      { title: 'Open Audit Log', placeHolder: 'The day (UTC) whose requests to show' },
    );
    if (!choice) return;
    const uri = vscode.Uri.from({ scheme, path: `/audit-${choice.label}.jsonl` });
    // An already open day shows what was written since.
    this.changes.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.changes.dispose();
  }
}

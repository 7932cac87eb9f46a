import * as vscode from 'vscode';
import { DisposableBase } from '../common/disposable.ts';
import type { DocumentSnapshot } from '../common/text.ts';
import type { ModelGateway } from '../llm/modelGateway.ts';
import { fenceWorkspaceContent, workspaceDataInstruction } from '../safety/promptFencing.ts';

const explanationScheme = 'groundwork-explanation';

export interface ExplainedLines {
  /** 1-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
}

/**
 * Explain Selection: asks the chat model about the lines and shows the answer as a read-only
 * markdown document. Deliberately not the rendered preview: model output can carry image links
 * that a preview would fetch, taking code with them (prompt injection); the chat panel's renderer
 * blocks those, the built-in preview does not.
 */
export class Explainer extends DisposableBase {
  private readonly gateway: ModelGateway;
  private readonly explanations = new Map<string, string>();
  private counter = 0;

  constructor(gateway: ModelGateway) {
    super();
    this.gateway = gateway;
    this._register(
      vscode.workspace.registerTextDocumentContentProvider(explanationScheme, {
        provideTextDocumentContent: (uri) => this.explanations.get(uri.toString()) ?? '',
      }),
    );
    this._register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.uri.scheme === explanationScheme) this.explanations.delete(document.uri.toString());
      }),
    );
  }

  async explain(file: DocumentSnapshot, lines: ExplainedLines): Promise<void> {
    const where = lines.startLine === lines.endLine ? `line ${lines.startLine}` : `lines ${lines.startLine}-${lines.endLine}`;
    const answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Groundwork: explaining ${file.path}, ${where}`, cancellable: true },
      async (_progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          const stream = this.gateway.streamChat({
            task: 'chat',
            feature: 'explain',
            signal: controller.signal,
            sources: [{ path: file.path, startLine: lines.startLine, endLine: lines.endLine }],
            messages: [
              {
                role: 'system',
                content: `You explain code to a developer who is reading it in their editor: what it does, how, and anything surprising or risky. Be concise; use markdown. ${workspaceDataInstruction}`,
              },
              {
                role: 'user',
                content: `Explain this code from ${file.path}, ${where}.\n\n${fenceWorkspaceContent({ path: file.path, startLine: lines.startLine, endLine: lines.endLine, language: file.languageId, text: lines.text })}`,
              },
            ],
          });
          return (await stream.result).text;
        } finally {
          subscription.dispose();
        }
      },
    );
    const name = file.path.split('/').at(-1) ?? file.path;
    const uri = vscode.Uri.from({ scheme: explanationScheme, path: `/${++this.counter}/Explanation of ${name} ${where}.md` });
    this.explanations.set(uri.toString(), `# ${file.path}, ${where}\n\n${answer}\n`);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(await vscode.languages.setTextDocumentLanguage(document, 'markdown'), { preview: true });
  }
}

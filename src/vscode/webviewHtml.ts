import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { InitialState } from '../chat/protocol.ts';

/**
 * The chat webview's HTML: a strict CSP (nothing by default, our script by nonce, our styles),
 * resources only through asWebviewUri from dist/ and media/, and the initial state inline as
 * JSON so the first paint needs no round trip.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, initialState: InitialState): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'chat.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  // JSON inside a script element: escape '<' so no value can close the element.
  const state = JSON.stringify(initialState).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Groundwork Chat</title>
</head>
<body>
<main id="root" role="main" aria-label="Groundwork chat"></main>
<script nonce="${nonce}" type="application/json" id="initial-state">${state}</script>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * A read-only panel (usage, index status): no script at all, the theme's stylesheet, and a body
 * the engine rendered with every value escaped.
 */
export function staticPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string, body: string): string {
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'usage.css'));
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}">
<link rel="stylesheet" href="${style}"><title>${title}</title></head>
<body><main>${body}</main></body></html>`;
}

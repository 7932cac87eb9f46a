import * as vscode from 'vscode';
import type { AgentLanguageFeatures, CodeLocation, CodePosition, CodeProblem, CodeSymbol } from '../agent/agentWorkspace.ts';
import { enginePath, uriOf } from './documents.ts';

/**
 * Agent mode's language tools over VS Code's own language features: the commands that run every
 * registered provider (the real language servers) for a document. A path that names no workspace
 * file answers nothing rather than failing.
 */
export const agentLanguageFeatures: AgentLanguageFeatures = {
  async definition(path, position) {
    const uri = uriOf(path);
    if (!uri) return [];
    const found = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[] | undefined>('vscode.executeDefinitionProvider', uri, toPosition(position));
    return (found ?? []).map(location);
  },
  async references(path, position) {
    const uri = uriOf(path);
    if (!uri) return [];
    const found = await vscode.commands.executeCommand<vscode.Location[] | undefined>('vscode.executeReferenceProvider', uri, toPosition(position));
    return (found ?? []).map(location);
  },
  async symbols(path) {
    const uri = uriOf(path);
    if (!uri) return [];
    const found = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>('vscode.executeDocumentSymbolProvider', uri);
    const symbols: CodeSymbol[] = [];
    const visit = (symbol: vscode.DocumentSymbol | vscode.SymbolInformation, depth: number) => {
      const range = 'range' in symbol ? symbol.range : symbol.location.range;
      symbols.push({ name: symbol.name, kind: vscode.SymbolKind[symbol.kind].toLowerCase(), startLine: range.start.line, endLine: range.end.line, depth });
      if ('children' in symbol) for (const child of symbol.children) visit(child, depth + 1);
    };
    for (const symbol of found ?? []) visit(symbol, 0);
    return symbols;
  },
  async problems(path) {
    const severity = (value: vscode.DiagnosticSeverity): CodeProblem['severity'] =>
      value === vscode.DiagnosticSeverity.Error ? 'error' : value === vscode.DiagnosticSeverity.Warning ? 'warning' : value === vscode.DiagnosticSeverity.Information ? 'information' : 'hint';
    const of = (uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]): CodeProblem[] =>
      diagnostics.map((diagnostic) => ({
        path: enginePath(uri),
        line: diagnostic.range.start.line,
        severity: severity(diagnostic.severity),
        message: diagnostic.message,
        ...(diagnostic.source ? { source: diagnostic.source } : {}),
      }));
    if (path !== undefined) {
      const uri = uriOf(path);
      return uri ? of(uri, vscode.languages.getDiagnostics(uri)) : [];
    }
    return vscode.languages.getDiagnostics().flatMap(([uri, diagnostics]) => of(uri, diagnostics));
  },
};

function toPosition(position: CodePosition): vscode.Position {
  return new vscode.Position(position.line, position.character);
}

function location(found: vscode.Location | vscode.LocationLink): CodeLocation {
  const uri = 'targetUri' in found ? found.targetUri : found.uri;
  const range = 'targetUri' in found ? (found.targetSelectionRange ?? found.targetRange) : found.range;
  return { path: enginePath(uri), startLine: range.start.line, endLine: range.end.line };
}

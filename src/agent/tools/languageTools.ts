import { type AgentTool, note, optionalIntArg, optionalStringArg, refusal, ToolFailure, type ToolPart, workspacePath } from '../agentTool.ts';
import type { AgentLanguageFeatures, AgentPorts, CodeLocation, CodePosition } from '../agentWorkspace.ts';

/** Locations, symbols or problems listed per answer; more are counted, not shown. */
const listLimit = 50;

type LanguagePorts = Pick<AgentPorts, 'workspace' | 'policy'> & { readonly language: AgentLanguageFeatures };

const positionParameters = {
  path: { type: 'string', description: 'Workspace-relative path of the file where the symbol is used or declared.' },
  symbol: { type: 'string', description: 'The identifier to look up, as written in that file.' },
  line: { type: 'integer', minimum: 1, description: 'The 1-based line where it appears; without it, its first appearance in the file.' },
} as const;

/** go_to_definition, find_references, document_symbols and get_problems, over the editor's language servers. */
export function languageTools(ports: LanguagePorts): AgentTool[] {
  return [locationTool(ports, 'go_to_definition'), locationTool(ports, 'find_references'), symbolsTool(ports), problemsTool(ports)];
}

function locationTool(ports: LanguagePorts, name: 'go_to_definition' | 'find_references'): AgentTool {
  const definition = name === 'go_to_definition';
  return {
    readOnly: true,
    definition: {
      name,
      description: definition
        ? "Where a symbol is defined, answered by the editor's language server (exact across files, unlike a text search). Name the symbol and the file where it is used."
        : "Every place a symbol is referenced, answered by the editor's language server. Name the symbol and a file where it is used or declared.",
      parameters: { type: 'object', properties: positionParameters, required: ['path', 'symbol'] },
    },
    async run(input, signal) {
      const path = workspacePath(input);
      const position = await symbolPosition(ports, path, input, signal);
      const found = definition ? await ports.language.definition(path, position, signal) : await ports.language.references(path, position, signal);
      return locationsOutput(ports, found, definition ? 'definition' : 'reference', signal);
    },
  };
}

function symbolsTool(ports: LanguagePorts): AgentTool {
  return {
    readOnly: true,
    definition: {
      name: 'document_symbols',
      description: "The declarations in a file (classes, functions, methods…) with their line ranges, from the editor's language server: an outline to read a large file by.",
      parameters: { type: 'object', properties: { path: positionParameters.path }, required: ['path'] },
    },
    async run(input, signal) {
      const path = workspacePath(input);
      const decision = ports.policy.check(path);
      if (!decision.allowed) throw refusal(path, decision);
      const symbols = await ports.language.symbols(path, signal);
      if (symbols.length === 0) return { parts: [note(`The language server lists no symbols in ${path} (no server for its language, or the file declares none).`)] };
      const lines = symbols.slice(0, listLimit).map((symbol) => `${'  '.repeat(symbol.depth)}${symbol.kind} ${symbol.name}: lines ${symbol.startLine + 1}-${symbol.endLine + 1}`);
      const more = symbols.length > listLimit ? ` (the first ${listLimit} of ${symbols.length})` : '';
      return { parts: [note(`Symbols of ${path}${more}:`), { kind: 'workspace', excerpt: { path, text: lines.join('\n') }, listing: true }] };
    },
  };
}

function problemsTool(ports: LanguagePorts): AgentTool {
  return {
    readOnly: true,
    definition: {
      name: 'get_problems',
      description: 'Errors and warnings the editor reports (compilers, linters), for one file or, without a path, the whole workspace.',
      parameters: { type: 'object', properties: { path: positionParameters.path } },
    },
    async run(input, signal) {
      const path = optionalStringArg(input, 'path') === undefined ? undefined : workspacePath(input);
      if (path !== undefined) {
        const decision = ports.policy.check(path);
        if (!decision.allowed) throw refusal(path, decision);
      }
      const reported = await ports.language.problems(path, signal);
      // A problem in a file the policy refuses says nothing about that file here.
      const problems = reported.filter((problem) => ports.policy.check(problem.path).allowed);
      if (problems.length === 0) return { parts: [note(path ? `No problems reported in ${path}.` : 'No problems reported in the workspace.')] };
      const rank = { error: 0, warning: 1, information: 2, hint: 3 } as const;
      const sorted = [...problems].sort((a, b) => rank[a.severity] - rank[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
      const lines = sorted.slice(0, listLimit).map((problem) => `${problem.path}:${problem.line + 1}: ${problem.severity}${problem.source ? ` (${problem.source})` : ''}: ${problem.message.split('\n')[0]}`);
      const more = sorted.length > listLimit ? ` (the first ${listLimit} of ${sorted.length}, errors first)` : '';
      return { parts: [note(`${sorted.length} problem(s)${more}:`), { kind: 'workspace', excerpt: { path: path ?? 'workspace problems', text: lines.join('\n') }, listing: true }] };
    },
  };
}

/**
 * Where the symbol is in the file: on the given line, else its first appearance as a whole word.
 * Models count columns badly, so they name the symbol and the tool finds its column.
 */
async function symbolPosition(ports: LanguagePorts, path: string, input: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<CodePosition> {
  const decision = ports.policy.check(path);
  if (!decision.allowed) throw refusal(path, decision);
  const symbol = optionalStringArg(input, 'symbol');
  if (!symbol || !/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(symbol)) throw new ToolFailure('Name the symbol as one identifier, for example "parseConfig".');
  const text = await ports.workspace.read(path, signal);
  if (text === undefined) throw new ToolFailure(`No such text file: ${path}. Use find_files to look for it.`);
  const lines = text.split('\n');
  const wanted = optionalIntArg(input, 'line', 1, Number.MAX_SAFE_INTEGER);
  const word = new RegExp(`(?<![\\p{L}\\p{N}_$])${symbol.replace(/\$/g, '\\$')}(?![\\p{L}\\p{N}_$])`, 'u');
  const candidates = wanted === undefined ? lines.map((_, index) => index) : [wanted - 1];
  for (const index of candidates) {
    const match = word.exec(lines[index] ?? '');
    if (match) return { line: index, character: match.index };
  }
  throw new ToolFailure(wanted === undefined ? `${symbol} does not appear in ${path}.` : `${symbol} does not appear on line ${wanted} of ${path}.`);
}

/** Each location with its line's text, fenced; refused files are counted, never shown. */
async function locationsOutput(ports: LanguagePorts, found: readonly CodeLocation[], what: string, signal: AbortSignal): Promise<{ parts: ToolPart[] }> {
  const allowed = found.filter((location) => ports.policy.check(location.path).allowed);
  const refused = found.length - allowed.length;
  const refusedNote = refused > 0 ? ` ${refused} more in files Groundwork may not read.` : '';
  if (allowed.length === 0) return { parts: [note(`The language server found no ${what} here.${refusedNote}`)] };
  const parts: ToolPart[] = [note(`${allowed.length} ${what}(s)${allowed.length > listLimit ? `, the first ${listLimit}` : ''}.${refusedNote}`)];
  const texts = new Map<string, string[] | undefined>();
  for (const location of allowed.slice(0, listLimit)) {
    if (!texts.has(location.path)) texts.set(location.path, (await ports.workspace.read(location.path, signal))?.split('\n'));
    const lines = texts.get(location.path);
    const last = Math.min(location.endLine, location.startLine + 2);
    const text = lines ? lines.slice(location.startLine, last + 1).join('\n') : '';
    parts.push({ kind: 'workspace', excerpt: { path: location.path, startLine: location.startLine + 1, endLine: last + 1, text } });
  }
  return { parts };
}

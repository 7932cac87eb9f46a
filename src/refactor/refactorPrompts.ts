import { lineCount, offsetAt, type Range } from '../common/text.ts';
import type { ChatMessage } from '../llm/modelTypes.ts';
import { fenceWorkspaceContent, type WorkspaceExcerpt, workspaceDataInstruction } from '../safety/promptFencing.ts';
import type { DiagnosticInfo, RefactorCommand } from './refactorRequest.ts';

/** A target file as shown to the model: whole, or (large files) a slice of it. Lines are 1-based. */
export interface ShownFile {
  readonly path: string;
  readonly languageId: string;
  readonly text: string;
  readonly startLine: number;
  readonly totalLines: number;
}

export interface RefactorPromptInput {
  readonly command: RefactorCommand;
  /** The target files (or slices) this request may edit. */
  readonly shown: readonly ShownFile[];
  /** Read-only context: retrieval results and the like. */
  readonly context?: readonly WorkspaceExcerpt[];
  /** Files of the same change handled by other requests, so the model keeps names consistent. */
  readonly otherFiles?: readonly string[];
  readonly wholeFileMaxLines: number;
}

export function shownWholeFile(file: { readonly path: string; readonly languageId: string; readonly text: string }): ShownFile {
  return { path: file.path, languageId: file.languageId, text: file.text, startLine: 1, totalLines: lineCount(file.text) };
}


/**
 * The system prompt: the edit format with a worked example, the rules that make blocks
 * placeable (verbatim copies, unique context, no elisions), and the workspace-data rule.
 */
export function refactorSystemPrompt(wholeFileMaxLines: number): string {
  return `You are Groundwork, an expert software engineer editing code in the user's workspace. You answer with edits in the exact format below; the edits are shown to the user as a diff and applied only if they accept.

${workspaceDataInstruction}

# Edit format
For each change, write the file's path on a line by itself, then a SEARCH/REPLACE block:

src/math/sum.ts
<<<<<<< SEARCH
export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b);
}
=======
export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
>>>>>>> REPLACE

Rules:
- The path is exactly as given in the workspace data label, with no decoration.
- SEARCH copies existing lines of the file exactly: every character, comment and blank line, with the file's own indentation (tabs stay tabs). Never include line numbers.
- SEARCH must match exactly one place in the file: include a few unchanged lines around the change when needed to make it unique. Keep blocks short; use several blocks for changes far apart, in file order, never overlapping.
- REPLACE holds the complete new lines. Never abbreviate with comments such as "// ... existing code ...".
- To delete code, leave REPLACE empty. To move code, use one block to delete it and one to insert it.
- To create a new file, write its path and a block with an empty SEARCH:

src/math/sum.test.ts
<<<<<<< SEARCH
=======
(the whole new file)
>>>>>>> REPLACE

- A file of at most ${wholeFileMaxLines} lines may instead be rewritten whole with its path and:
<<<<<<< FILE
(the complete new content)
>>>>>>> FILE
  Larger existing files must be edited with SEARCH/REPLACE blocks only.
- Edit only the files you are asked to edit (and new files you are asked to create). Reference code is read-only.
- Strings such as GW_REDACTED_PASSWORD_1 stand for secrets: copy them exactly as they are wherever they appear.
- Match the surrounding code's style. Outside the blocks, write at most a few short sentences; no other code.`;
}

/** The full message list for one request: system prompt, then the command's user prompt. */
export function buildRefactorPrompt(input: RefactorPromptInput): ChatMessage[] {
  return [
    { role: 'system', content: refactorSystemPrompt(input.wholeFileMaxLines) },
    { role: 'user', content: userPrompt(input) },
  ];
}

function userPrompt(input: RefactorPromptInput): string {
  const { command } = input;
  const sections: string[] = [];
  switch (command.kind) {
    case 'refactorSelection':
      sections.push(`Refactor the selected code in ${command.file.path} as the user asks. Change code outside the selection only where the change requires it (imports, callers in the same file).`);
      sections.push(`The user's instruction:\n${quoteInstruction(command.instruction)}`);
      sections.push(filesSection(input), selectionSection(command.file.path, command.file.languageId, command.file.text, command.selection));
      break;
    case 'addDocumentation':
      sections.push(
        command.selection
          ? `Add documentation comments to the selected code in ${command.file.path}, in the language's usual doc-comment style (JSDoc, docstrings, /// …) and matching any existing doc comments. Document purpose, parameters, return values and thrown errors where they are not obvious. Do not change any code.`
          : `Add documentation comments to the exported and non-trivial declarations of ${command.file.path} that lack them, in the language's usual doc-comment style and matching any existing doc comments. Do not change any code.`,
      );
      sections.push(filesSection(input));
      if (command.selection) sections.push(selectionSection(command.file.path, command.file.languageId, command.file.text, command.selection));
      break;
    case 'generateTests': {
      const target = command.testFile;
      sections.push(
        `Write unit tests for ${command.selection ? 'the selected code' : 'the code'} in ${command.file.path}. Cover normal cases, edge cases and errors; test behaviour through the public API; no network or real clock.`,
        `Put the tests in ${target.path} (${target.convention}). ${
          target.text === undefined
            ? `It is a new file: create it with an empty SEARCH block, importing the code under test from its path relative to ${target.path}.`
            : 'The file exists (shown below): add the new tests to it with SEARCH/REPLACE blocks and keep its existing tests.'
        }`,
      );
      sections.push(filesSection(input));
      if (command.selection) sections.push(selectionSection(command.file.path, command.file.languageId, command.file.text, command.selection));
      if (target.text !== undefined) sections.push(`The existing test file:\n${fenceWorkspaceContent({ path: target.path, startLine: 1, endLine: Math.max(1, lineCount(target.text)), language: languageOfPath(target.path), text: target.text })}`);
      if (target.example) {
        sections.push(`An existing test in this project, read-only: follow its framework, imports and style.\n${fenceWorkspaceContent({ path: target.example.path, startLine: 1, endLine: Math.max(1, lineCount(target.example.text)), language: languageOfPath(target.example.path), text: target.example.text })}`);
      }
      break;
    }
    case 'fix':
      sections.push(`Fix the problems the tools report in ${command.file.path}. Make the smallest change that fixes each one properly: no suppression comments or casts that only hide it, and no unrelated changes.`);
      sections.push(diagnosticsSection(command.file.path, command.diagnostics));
      sections.push(filesSection(input));
      break;
    case 'mergeSnippet':
      sections.push(
        `Merge the code block below, taken from an answer in the chat, into ${command.file.path}: change what the block changes and keep everything else in the file as it is. The block may be only part of the file, and may leave code out with comments such as "// ..." or "// existing code": keep that code as it is in the file. If the block adds something new, put it where it belongs (imports with the imports, a method in its class).`,
      );
      sections.push(`The code block:\n${fenceWorkspaceContent({ path: `${command.file.path} (code block from the chat)`, language: command.file.languageId, text: command.snippet })}`);
      sections.push(filesSection(input));
      break;
    case 'crossFile':
      sections.push(`Make this change across the codebase. Edit the files below as needed, and create new files if the change calls for them. Keep every file consistent with the others: names, signatures, imports.`);
      sections.push(`The user's instruction:\n${quoteInstruction(command.instruction)}`);
      sections.push(filesSection(input));
      break;
  }
  if (input.otherFiles && input.otherFiles.length > 0) {
    sections.push(`The same change also edits these files in separate requests; do not edit them here, but keep consistent with them: ${input.otherFiles.join(', ')}.`);
  }
  if (input.context && input.context.length > 0) {
    sections.push(`Related code from the workspace, read-only reference:\n\n${input.context.map((excerpt) => fenceWorkspaceContent(excerpt)).join('\n\n')}`);
  }
  sections.push('Answer with SEARCH/REPLACE blocks (or FILE blocks where allowed) only.');
  return sections.join('\n\n');
}

function filesSection(input: RefactorPromptInput): string {
  const blocks = input.shown.map((file) => {
    const endLine = file.startLine + Math.max(1, lineCount(file.text)) - 1;
    const partial = file.startLine > 1 || endLine < file.totalLines;
    const note = partial
      ? `Only lines ${file.startLine}-${endLine} of the ${file.totalLines} lines of ${file.path} are shown: edit only within them.\n`
      : file.totalLines <= input.wholeFileMaxLines
        ? ''
        : `${file.path} has ${file.totalLines} lines: edit it with SEARCH/REPLACE blocks, not a FILE block.\n`;
    return note + fenceWorkspaceContent({ path: file.path, startLine: file.startLine, endLine, language: file.languageId, text: file.text });
  });
  return `${input.shown.length === 1 ? 'The file to edit' : 'The files to edit'}:\n\n${blocks.join('\n\n')}`;
}

function selectionSection(path: string, languageId: string, text: string, selection: Range): string {
  const start = offsetAt(text, selection.start);
  const end = offsetAt(text, selection.end);
  // A selection ending at the start of a line does not include that line.
  const endLine = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
  const selected = text.slice(start, end);
  return `The user selected lines ${selection.start.line + 1}-${endLine + 1} of ${path}:\n${fenceWorkspaceContent({ path, startLine: selection.start.line + 1, endLine: endLine + 1, language: languageId, text: selected })}`;
}

function diagnosticsSection(path: string, diagnostics: readonly DiagnosticInfo[]): string {
  // Diagnostic messages quote code and identifiers from the workspace, so they are fenced as data too.
  const lines = diagnostics.map((diagnostic) => {
    const origin = [diagnostic.source, diagnostic.code].filter(Boolean).join(' ');
    return `- line ${diagnostic.range.start.line + 1}, column ${diagnostic.range.start.character + 1}: ${diagnostic.severity}${origin ? ` (${origin})` : ''}: ${diagnostic.message.replace(/\s*\n\s*/g, ' ')}`;
  });
  const first = Math.min(...diagnostics.map((diagnostic) => diagnostic.range.start.line)) + 1;
  const last = Math.max(...diagnostics.map((diagnostic) => diagnostic.range.end.line)) + 1;
  return `The reported problems:\n${fenceWorkspaceContent({ path, startLine: first, endLine: last, text: lines.join('\n') })}`;
}

/** The instruction is the user's own words, quoted so it reads as one request whatever it contains. */
function quoteInstruction(instruction: string): string {
  return instruction
    .trim()
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

const languageByExtension: Readonly<Record<string, string>> = { ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', jsx: 'javascriptreact', mjs: 'javascript', cjs: 'javascript', py: 'python', go: 'go', java: 'java', kt: 'kotlin', rs: 'rust', rb: 'ruby', cs: 'csharp', php: 'php', c: 'c', cpp: 'cpp' };

export function languageOfPath(path: string): string | undefined {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1];
  return extension ? languageByExtension[extension.toLowerCase()] : undefined;
}

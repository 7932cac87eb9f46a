import type { DocumentSnapshot, Range } from '../common/text.ts';
import type { WorkspaceExcerpt } from '../safety/promptFencing.ts';

export interface DiagnosticInfo {
  readonly range: Range;
  readonly message: string;
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  /** The tool that reported it: 'ts', 'eslint', 'pylance'… */
  readonly source?: string;
  readonly code?: string;
}

/** Where Generate Tests writes, as chosen by locateTestFile, with what is already there. */
export interface TestFileTarget {
  readonly path: string;
  /** The existing test file's text, or undefined for a new file. */
  readonly text: string | undefined;
  /** The convention in words, for the model. */
  readonly convention: string;
  /** An existing test to imitate (framework, imports, style). */
  readonly example?: { readonly path: string; readonly text: string };
}

/** One refactor command, as the shell hands it to the engine. Ranges are the editor's (0-based). */
export type RefactorCommand =
  | { readonly kind: 'refactorSelection'; readonly file: DocumentSnapshot; readonly selection: Range; readonly instruction: string }
  | { readonly kind: 'addDocumentation'; readonly file: DocumentSnapshot; readonly selection?: Range }
  | { readonly kind: 'generateTests'; readonly file: DocumentSnapshot; readonly selection?: Range; readonly testFile: TestFileTarget }
  | { readonly kind: 'fix'; readonly file: DocumentSnapshot; readonly diagnostics: readonly DiagnosticInfo[] }
  /** A code block from a chat answer, merged into a file it may be only part of (Apply without a selection). */
  | { readonly kind: 'mergeSnippet'; readonly file: DocumentSnapshot; readonly snippet: string }
  /** `files` are the ones the user confirmed; `context` is read-only retrieval around them. */
  | { readonly kind: 'crossFile'; readonly instruction: string; readonly files: readonly DocumentSnapshot[]; readonly context?: readonly WorkspaceExcerpt[] };

export type RefactorKind = RefactorCommand['kind'];

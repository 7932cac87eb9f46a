import type { IndexSearch } from '../index/indexRetrieval.ts';
import type { FileAccessDecision } from '../safety/fileAccessPolicy.ts';

/**
 * What the agent's tools reach of the workspace, as ports the shell implements (open documents
 * first, then disk) and tests fake with a Map. Paths are workspace-relative with forward slashes.
 */
export interface AgentWorkspace {
  /** The text of a file, or undefined when it does not exist or is not text. */
  read(path: string, signal: AbortSignal): Promise<string | undefined>;
  /**
   * The workspace's files as the index discovers them (ignore files, excludes, the secret
   * denylist already applied); the tools still ask the access policy about each.
   */
  listFiles(signal: AbortSignal): Promise<readonly string[]>;
}

/** The access policy as the tools use it: every path a tool reads, lists or edits is checked. */
export interface AgentAccessPolicy {
  check(path: string): FileAccessDecision;
}

/** A place in a workspace file: 0-based line and character, as the editor counts them. */
export interface CodePosition {
  readonly line: number;
  readonly character: number;
}

/** A range a language server answered with: workspace-relative path, 0-based lines, inclusive. */
export interface CodeLocation {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
}

export interface CodeSymbol {
  readonly name: string;
  /** 'function', 'class', 'method'… in the language server's words. */
  readonly kind: string;
  readonly startLine: number;
  readonly endLine: number;
  /** Nesting depth: 0 for top-level declarations. */
  readonly depth: number;
}

export interface CodeProblem {
  readonly path: string;
  readonly line: number;
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  readonly message: string;
  readonly source?: string;
}

/**
 * The editor's own language features (the real language servers), for go_to_definition,
 * find_references, document_symbols and get_problems. Paths out are workspace-relative; a
 * location outside the workspace comes back as an absolute path, which the policy then judges.
 */
export interface AgentLanguageFeatures {
  definition(path: string, position: CodePosition, signal: AbortSignal): Promise<readonly CodeLocation[]>;
  references(path: string, position: CodePosition, signal: AbortSignal): Promise<readonly CodeLocation[]>;
  symbols(path: string, signal: AbortSignal): Promise<readonly CodeSymbol[]>;
  /** One file's problems, or the workspace's when `path` is undefined. */
  problems(path: string | undefined, signal: AbortSignal): Promise<readonly CodeProblem[]>;
}

/** Everything the tools need from outside the engine. */
export interface AgentPorts {
  readonly workspace: AgentWorkspace;
  readonly policy: AgentAccessPolicy;
  /** The workspace index (`Services.searchIndex`); hits carry lines, never text. */
  readonly search: IndexSearch;
  /** The editor's language servers; without them the language tools are not offered. */
  readonly language?: AgentLanguageFeatures;
}

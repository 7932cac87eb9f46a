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

/** Everything the tools need from outside the engine. */
export interface AgentPorts {
  readonly workspace: AgentWorkspace;
  readonly policy: AgentAccessPolicy;
  /** The workspace index (`Services.searchIndex`); hits carry lines, never text. */
  readonly search: IndexSearch;
}

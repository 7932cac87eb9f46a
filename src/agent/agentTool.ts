import type { ToolDefinition } from '../llm/toolTypes.ts';
import type { FencedText } from '../safety/promptFencing.ts';

/**
 * One piece of a tool's answer: a line of our own (`note`), or text from the workspace
 * (`workspace`), which is always fenced as data and listed in the audit record with its lines.
 * File names are workspace text too: a listing is fenced, but it carries no file's content, so
 * it is not listed in the audit record (`listing`).
 */
export type ToolPart =
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'workspace'; readonly excerpt: FencedText; readonly listing?: boolean };

export interface ToolOutput {
  readonly parts: readonly ToolPart[];
}

/** A tool the agent loop offers the model. */
export interface AgentTool {
  readonly definition: ToolDefinition;
  /**
   * Read-only tools asked for in one step run together; the others (propose_edits) change the
   * task's state, so they run one at a time, after them, in the order the model asked.
   */
  readonly readOnly: boolean;
  run(input: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<ToolOutput>;
}

/**
 * A failure the model should read and can act on (a refused file, a bad pattern, a block that
 * does not match). The loop returns it as the call's result, marked as an error; any other
 * exception is returned the same way, with its message.
 */
export class ToolFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolFailure';
  }
}

export function note(text: string): ToolPart {
  return { kind: 'note', text };
}

/** A required string argument; a missing or mistyped one is the model's to fix. */
export function stringArg(input: Readonly<Record<string, unknown>>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value.trim() === '') throw new ToolFailure(`"${name}" must be a non-empty string.`);
  return value;
}

export function optionalIntArg(input: Readonly<Record<string, unknown>>, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ToolFailure(`"${name}" must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function optionalStringArg(input: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ToolFailure(`"${name}" must be a string.`);
  return value;
}

/** The refusal the model reads for a path the access policy refuses: the reason, never the content. */
export function refusal(path: string, decision: { readonly reason: string; readonly detail: string }): ToolFailure {
  const why = decision.reason === 'secret' ? 'it may hold secrets' : decision.reason === 'ignored' ? 'the user excluded it' : 'it is not a workspace file';
  return new ToolFailure(`Refused: ${path} is not available to you because ${why} (${decision.detail}). Do not try to reach it another way.`);
}

/**
 * A path the model names, as a workspace-relative one. The tools reach only the workspace:
 * absolute paths, URIs and `..` segments are refused, whatever the access policy says of them.
 */
export function workspacePath(input: Readonly<Record<string, unknown>>, name = 'path'): string {
  const raw = stringArg(input, name).trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (/^[a-zA-Z][a-zA-Z\d+.-]+:/.test(raw) || raw.startsWith('/') || raw.split('/').includes('..')) {
    throw new ToolFailure(`${JSON.stringify(raw)} is outside the workspace: give a workspace-relative path.`);
  }
  return raw;
}

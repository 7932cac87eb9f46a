import { isCancellation } from '../common/errors.ts';
import { lineCount } from '../common/text.ts';
import type { TokenCounter } from '../llm/tokenizer.ts';
import { fenceWorkspaceContent } from '../safety/promptFencing.ts';
import type { Mention, SourceRef } from './protocol.ts';

/** A chunk the index found. Lines are 1-based and inclusive. */
export interface RetrievedChunk {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol?: string;
  readonly text: string;
  readonly score: number;
}

/** Hybrid search over the workspace index. */
export type RetrievalPort = (query: string, options: { readonly topK: number; readonly signal: AbortSignal }) => Promise<readonly RetrievedChunk[]>;

export interface EditorSelection {
  readonly path: string;
  readonly languageId: string;
  /** 1-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
}

/** What the editor shows: the active file and its selection. */
export interface EditorContextPort {
  /** The active editor's selection, or undefined when nothing is selected. */
  selection(): EditorSelection | undefined;
}

export interface FileReaderPort {
  /** The text of a workspace-relative file, or undefined when it does not exist or is not text. */
  read(path: string, signal: AbortSignal): Promise<string | undefined>;
}

export interface WorkspaceProblem {
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly severity: 'error' | 'warning' | 'info' | 'hint';
  readonly message: string;
  readonly source?: string;
}

export interface DiagnosticsPort {
  problems(): readonly WorkspaceProblem[];
}

/** The part of FileAccessPolicy the assembler needs. */
export interface AccessChecker {
  isAllowed(path: string): boolean;
}

export interface ContextAssemblerPorts {
  readonly retrieve?: RetrievalPort;
  readonly editor: EditorContextPort;
  readonly files: FileReaderPort;
  readonly diagnostics: DiagnosticsPort;
  readonly policy: AccessChecker;
  readonly counter: TokenCounter;
  /** Language id from a path, for the fence's info string. */
  readonly languageOf?: (path: string) => string;
}

export type ContextKind = 'selection' | 'file' | 'problems' | 'codebase';

export interface ContextBlock {
  readonly kind: ContextKind;
  readonly source: SourceRef;
  /** Fenced and labelled as workspace data. */
  readonly text: string;
  readonly tokens: number;
}

export interface OmittedContext {
  readonly path: string;
  readonly reason: 'secret' | 'budget' | 'missing';
}

export interface AssembledContext {
  readonly blocks: readonly ContextBlock[];
  readonly sources: readonly SourceRef[];
  readonly omitted: readonly OmittedContext[];
  readonly tokens: number;
  readonly searchedCodebase: boolean;
  /** Search was wanted but the index failed; the answer goes ahead without it. */
  readonly retrievalFailed: boolean;
}

export interface AssembleRequest {
  readonly question: string;
  readonly mentions: readonly Mention[];
  readonly includeSelection: boolean;
  readonly budgetTokens: number;
  readonly signal: AbortSignal;
}

const retrievalTopK = 8;
const maxProblems = 50;

/**
 * Whether a question gets codebase search. `@codebase` always does. Without it, search runs by
 * default, since most chat questions are about the repo, except when the user scoped the
 * question to named files with `@file` (they told us where to look) or the message is too short
 * to be a query ("thanks", "ok").
 */
export function shouldSearchCodebase(question: string, mentions: readonly Mention[]): boolean {
  if (mentions.some((mention) => mention.kind === 'codebase')) return true;
  if (mentions.some((mention) => mention.kind === 'file')) return false;
  return (question.match(/\w+/g) ?? []).length >= 3;
}

/**
 * Gathers what the model should see for a question, in this order, which is also the priority
 * when the budget runs out: the editor selection (the user pointed at it), `@file` mentions
 * (named explicitly), `@problems`, then codebase search hits best first. Every path is checked
 * with the access policy first, so secret and ignored files are never read; every block is
 * fenced and labelled as workspace data with its path and lines.
 */
export class ContextAssembler {
  private readonly ports: ContextAssemblerPorts;

  constructor(ports: ContextAssemblerPorts) {
    this.ports = ports;
  }

  async assemble(request: AssembleRequest): Promise<AssembledContext> {
    const { policy, counter } = this.ports;
    const blocks: ContextBlock[] = [];
    const omitted: OmittedContext[] = [];
    let remaining = request.budgetTokens;

    const add = (kind: ContextKind, source: SourceRef, body: string, allowTrim: boolean): boolean => {
      let excerpt = { ...source, text: body };
      let text = this.fence(excerpt);
      let tokens = counter.count(text);
      if (tokens > remaining && allowTrim) {
        const trimmed = trimToBudget(excerpt, remaining, (candidate) => counter.count(this.fence(candidate)));
        if (trimmed) {
          excerpt = trimmed;
          text = this.fence(excerpt);
          tokens = counter.count(text);
        }
      }
      if (tokens > remaining) {
        omitted.push({ path: source.path, reason: 'budget' });
        return false;
      }
      remaining -= tokens;
      const { text: _body, ...ref } = excerpt;
      blocks.push({ kind, source: ref, text, tokens });
      return true;
    };
    const allowed = (path: string): boolean => {
      if (policy.isAllowed(path)) return true;
      omitted.push({ path, reason: 'secret' });
      return false;
    };

    if (request.includeSelection) {
      const selection = this.ports.editor.selection();
      if (selection && selection.text.trim() !== '' && allowed(selection.path)) {
        add('selection', { path: selection.path, startLine: selection.startLine, endLine: selection.endLine }, selection.text, true);
      }
    }

    const filePaths = [...new Set(request.mentions.flatMap((mention) => (mention.kind === 'file' ? [mention.path] : [])))];
    for (const path of filePaths) {
      if (!allowed(path)) continue;
      const text = await this.ports.files.read(path, request.signal);
      if (text === undefined) {
        omitted.push({ path, reason: 'missing' });
        continue;
      }
      add('file', { path, startLine: 1, endLine: Math.max(1, lineCount(text)) }, text, true);
    }

    if (request.mentions.some((mention) => mention.kind === 'problems')) {
      const problems = this.ports.diagnostics.problems().filter((problem) => policy.isAllowed(problem.path)).slice(0, maxProblems);
      if (problems.length > 0) {
        const body = problems.map((p) => `${p.path}:${p.line} ${p.severity}${p.source ? ` (${p.source})` : ''}: ${p.message.replace(/\s+/g, ' ')}`).join('\n');
        add('problems', { path: 'problems', startLine: 1, endLine: problems.length }, body, true);
      }
    }

    let retrievalFailed = false;
    const searchedCodebase = Boolean(this.ports.retrieve) && shouldSearchCodebase(request.question, request.mentions);
    if (searchedCodebase && this.ports.retrieve && remaining > 0) {
      let hits: readonly RetrievedChunk[] = [];
      try {
        hits = await this.ports.retrieve(request.question, { topK: retrievalTopK, signal: request.signal });
      } catch (error) {
        // An index that is still building or broken must not stop the question: answer without it.
        if (isCancellation(error) || request.signal.aborted) throw error;
        retrievalFailed = true;
      }
      const sorted = [...hits].sort((a, b) => b.score - a.score);
      for (const hit of sorted) {
        if (!allowed(hit.path)) continue;
        // Already in front of the model whole (an @file) or in part (the selection).
        if (blocks.some((block) => block.source.path === hit.path && block.source.startLine <= hit.startLine && block.source.endLine >= hit.endLine)) continue;
        const source: SourceRef = { path: hit.path, startLine: hit.startLine, endLine: hit.endLine, ...(hit.symbol ? { symbol: hit.symbol } : {}) };
        add('codebase', source, hit.text, false);
      }
    }

    return {
      blocks,
      sources: blocks.filter((block) => block.kind !== 'problems').map((block) => block.source),
      omitted,
      tokens: request.budgetTokens - remaining,
      searchedCodebase,
      retrievalFailed,
    };
  }

  private fence(excerpt: SourceRef & { readonly text: string }): string {
    const language = this.ports.languageOf?.(excerpt.path);
    return fenceWorkspaceContent({ path: excerpt.path, startLine: excerpt.startLine, endLine: excerpt.endLine, text: excerpt.text, ...(language ? { language } : {}) });
  }
}


/**
 * The longest leading run of whole lines whose fenced form fits, found by bisection (counting
 * tokens is the costly part). Undefined when not even one line fits.
 */
function trimToBudget<T extends SourceRef & { readonly text: string }>(excerpt: T, budget: number, cost: (candidate: T) => number): T | undefined {
  const lines = excerpt.text.split('\n');
  const take = (n: number): T => ({ ...excerpt, endLine: excerpt.startLine + n - 1, text: lines.slice(0, n).join('\n') });
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (cost(take(mid)) <= budget) low = mid;
    else high = mid - 1;
  }
  return low > 0 ? take(low) : undefined;
}

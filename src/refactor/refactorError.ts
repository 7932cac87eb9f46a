import { GroundworkError, type UserAction } from '../common/errors.ts';

/**
 * Why a refactor produced nothing: the reply could not be read ('parse'), a block could not be
 * found in its file ('placement'), a file changed since the request ('stale'), writing failed
 * and was rolled back ('write'), the input cannot fit the model ('tooLarge'), or the command
 * names a file the access policy refuses, a secret file ('refused'), or the edits would write a
 * redaction placeholder the file did not hold ('placeholder': one the model mangled or made up).
 */
export type RefactorErrorReason = 'parse' | 'placement' | 'stale' | 'write' | 'noEdits' | 'tooLarge' | 'refused' | 'placeholder';

/** One problem with one block of one file, for the message and for a retry prompt. */
export interface RefactorProblem {
  readonly path: string | undefined;
  /** 1-based block number within its file, when the problem is about a block. */
  readonly block: number | undefined;
  readonly message: string;
}

export class RefactorError extends GroundworkError {
  readonly reason: RefactorErrorReason;
  readonly problems: readonly RefactorProblem[];

  constructor(reason: RefactorErrorReason, problems: readonly RefactorProblem[], options: { actions?: readonly UserAction[]; cause?: unknown } = {}) {
    super(summarize(reason, problems), { actions: options.actions ?? defaultActions(reason), cause: options.cause });
    this.name = 'RefactorError';
    this.reason = reason;
    this.problems = problems;
  }
}

function defaultActions(reason: RefactorErrorReason): readonly UserAction[] {
  return reason === 'tooLarge' || reason === 'refused' ? [] : reason === 'write' ? ['retry', 'openLogs'] : ['retry'];
}

const headings: Readonly<Record<RefactorErrorReason, string>> = {
  parse: 'The model\'s edits could not be read; nothing was changed.',
  placement: 'Some of the model\'s edits do not match the files; nothing was changed.',
  stale: 'Files changed since the refactor was requested; nothing was changed.',
  write: 'The edits could not be saved; every file was put back as it was.',
  noEdits: 'The model proposed no edits.',
  placeholder: 'The edits would write a redaction placeholder (GW_REDACTED_…) into your files instead of the value it stands for; nothing was changed.',
  tooLarge: 'The code is too large for the model.',
  refused: 'Groundwork never reads or sends secret or excluded files; nothing was sent.',
};

function summarize(reason: RefactorErrorReason, problems: readonly RefactorProblem[]): string {
  const lines = problems.slice(0, 5).map((problem) => `- ${describeProblem(problem)}`);
  if (problems.length > 5) lines.push(`- and ${problems.length - 5} more`);
  return [headings[reason], ...lines].join('\n');
}

export function describeProblem(problem: RefactorProblem): string {
  const where = [problem.path, problem.block !== undefined ? `block ${problem.block}` : undefined].filter(Boolean).join(', ');
  return where ? `${where}: ${problem.message}` : problem.message;
}

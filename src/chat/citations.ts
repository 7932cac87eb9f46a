import type { Citation, SourceRef } from './protocol.ts';

/** Whether a workspace-relative file exists (and is a file). */
export type FileExists = (path: string) => Promise<boolean>;

// A path (with at least one dot or slash, so `step:2` is not one), then `:line` or `:start-end`.
const candidatePattern = /(?<![\w./@+-])((?:[\w.@+-]+\/)*[\w@+-][\w.@+-]*):(\d{1,7})(?:[-–](\d{1,7}))?(?![\d\w])/g;

interface Candidate {
  readonly text: string;
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
}

function candidates(answer: string): Candidate[] {
  const found: Candidate[] = [];
  for (const match of answer.matchAll(candidatePattern)) {
    const path = match[1]!;
    if (!path.includes('/') && !path.includes('.')) continue;
    // Trailing sentence punctuation is never part of a file name.
    if (path.endsWith('.')) continue;
    const startLine = Number(match[2]);
    const endLine = match[3] ? Number(match[3]) : startLine;
    if (startLine < 1 || endLine < startLine) continue;
    found.push({ text: match[0], path, startLine, endLine });
  }
  return found;
}

/**
 * The `path:line` and `path:start-end` references in an answer that point at something real:
 * a source that was sent with the question (matched exactly, or by a unique trailing part of its
 * path, since models shorten `src/auth/login.ts` to `login.ts`), or else an existing workspace
 * file. Anything else stays plain text, so a made-up path never becomes a link.
 */
export async function verifyCitations(answer: string, sources: readonly SourceRef[], exists: FileExists): Promise<Citation[]> {
  const sourcePaths = [...new Set(sources.map((source) => source.path))];
  const verified = new Map<string, Citation>();
  const existence = new Map<string, Promise<boolean>>();
  for (const candidate of candidates(answer)) {
    if (verified.has(candidate.text)) continue;
    let path: string | undefined = sourcePaths.find((known) => known === candidate.path);
    if (!path) {
      const suffixed = sourcePaths.filter((known) => known.endsWith(`/${candidate.path}`));
      if (suffixed.length === 1) path = suffixed[0];
    }
    if (!path && !candidate.path.startsWith('/') && !candidate.path.split('/').includes('..')) {
      let check = existence.get(candidate.path);
      if (!check) {
        check = exists(candidate.path).catch(() => false);
        existence.set(candidate.path, check);
      }
      if (await check) path = candidate.path;
    }
    if (path) verified.set(candidate.text, { text: candidate.text, path, startLine: candidate.startLine, endLine: candidate.endLine });
  }
  return [...verified.values()];
}

/** `path:line` or `path:start-end`, the form the system prompt asks the model to cite in. */
export function formatSourceRef(source: SourceRef): string {
  return source.startLine === source.endLine ? `${source.path}:${source.startLine}` : `${source.path}:${source.startLine}-${source.endLine}`;
}

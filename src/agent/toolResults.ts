import { type SourceRef, mergeSourceRefs } from '../llm/contentFilter.ts';
import { fenceWorkspaceContent } from '../safety/promptFencing.ts';
import type { ToolOutput } from './agentTool.ts';

export interface RenderedResult {
  readonly text: string;
  /** The workspace regions the text carries, as sent (a cut excerpt lists only the lines kept). */
  readonly sources: readonly SourceRef[];
  readonly cut: boolean;
}

/**
 * A tool's answer as the text the model reads, within `budgetChars`: notes as they are,
 * workspace text fenced as data. Past the budget an excerpt is cut at a line boundary and fenced
 * again (so a cut never leaves a fence open), the rest is left out, and a note says so.
 */
export function renderToolResult(output: ToolOutput, budgetChars: number): RenderedResult {
  const pieces: string[] = [];
  const sources: SourceRef[] = [];
  let used = 0;
  let cut = false;
  let left = 0;
  for (const part of output.parts) {
    if (cut) {
      left++;
      continue;
    }
    if (part.kind === 'note') {
      if (used + part.text.length + 1 > budgetChars) {
        cut = true;
        left++;
        continue;
      }
      pieces.push(part.text);
      used += part.text.length + 1;
      continue;
    }
    const { excerpt } = part;
    const fenced = fenceWorkspaceContent(excerpt);
    if (used + fenced.length + 1 <= budgetChars) {
      pieces.push(fenced);
      used += fenced.length + 1;
      if (!part.listing) sources.push(sourceOf(excerpt.path, excerpt.startLine, excerpt.endLine));
      continue;
    }
    cut = true;
    // Keep whole lines of this excerpt while the fence and its label still fit.
    const overhead = fenced.length - excerpt.text.length;
    const room = budgetChars - used - overhead - 1;
    const lines = excerpt.text.split('\n');
    let kept = 0;
    let size = 0;
    while (kept < lines.length && size + lines[kept]!.length + 1 <= room) size += lines[kept++]!.length + 1;
    if (kept === 0) {
      left++;
      continue;
    }
    const endLine = excerpt.startLine === undefined ? undefined : excerpt.startLine + kept - 1;
    const shortened = { ...excerpt, text: lines.slice(0, kept).join('\n'), ...(endLine !== undefined ? { endLine } : {}) };
    pieces.push(fenceWorkspaceContent(shortened));
    if (!part.listing) sources.push(sourceOf(excerpt.path, excerpt.startLine, endLine));
    left++;
  }
  if (cut) {
    pieces.push(`[Result cut to about ${budgetChars} characters to fit the tool result budget${left > 0 ? `; ${left} part(s) cut or left out` : ''}. Ask for a narrower line range, a more specific pattern or fewer files.]`);
  }
  return { text: pieces.join('\n'), sources: mergeSourceRefs(sources), cut };
}

function sourceOf(path: string, startLine: number | undefined, endLine: number | undefined): SourceRef {
  return startLine !== undefined && endLine !== undefined ? { path, startLine, endLine } : { path };
}

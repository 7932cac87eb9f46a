import { scanBrackets } from './brackets.ts';
import { type CursorContext, indentWidth } from './cursorContext.ts';
import { languageInfo } from './languages.ts';

/** Where a multi-line suggestion's block sits, from the cursor's line. */
export interface BlockShape {
  readonly languageId: string;
  readonly unit: string;
  /** Indentation of the cursor's line (or of the cursor, on an indentation-only line). */
  readonly baseWidth: number;
  /** After text on the cursor's line, the block is deeper than it: a line at the same width ends it. */
  readonly strict: boolean;
  readonly maxLines: number;
}

export function blockShape(context: CursorContext, maxLines: number): BlockShape {
  const indentOnly = context.linePrefix.trim() === '';
  return {
    languageId: context.languageId,
    unit: context.indentUnit,
    baseWidth: indentWidth(context.linePrefix, context.indentUnit),
    strict: !indentOnly,
    maxLines,
  };
}

const closerLine = /^\s*[}\])]/;

/**
 * How many of `lines` belong to the suggestion, or undefined when the first `complete` lines
 * have not ended it yet. The block ends when indentation returns to the cursor's level (a
 * closing bracket line there is kept), when brackets close something opened before the cursor,
 * at a blank line once a block has closed, or at the line cap.
 */
export function blockEnd(lines: readonly string[], complete: number, shape: BlockShape): number | undefined {
  const indentBlocks = languageInfo(shape.languageId).indentBlocks;
  let depth = 0;
  let opened = false;
  let closedBlock = false;
  let content = false;
  for (let i = 0; i < complete; i++) {
    if (i >= shape.maxLines) return shape.maxLines;
    const line = lines[i]!;
    if (line.trim() === '') {
      if (i === 0) continue;
      if (content && (closedBlock || (!shape.strict && depth <= 0))) return i;
      continue;
    }
    if (i > 0) {
      const width = indentWidth(line, shape.unit);
      const outside = shape.strict ? width <= shape.baseWidth : width < shape.baseWidth;
      if (outside) return !indentBlocks && closerLine.test(line) ? i + 1 : i;
    }
    content = true;
    depth += scanBrackets(line, shape.languageId).depth;
    if (depth < 0) return i + 1;
    if (depth > 0) opened = true;
    else if (opened) closedBlock = true;
  }
  return undefined;
}

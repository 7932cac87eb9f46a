import { type DocumentSnapshot, type Position, offsetAt } from '../common/text.ts';
import type { CompletionMode } from './types.ts';

/** What the clean-up and the mode decision know about the cursor's surroundings. */
export interface CursorContext {
  readonly languageId: string;
  /** The cursor's line before the cursor. */
  readonly linePrefix: string;
  /** The cursor's line after the cursor. */
  readonly lineSuffix: string;
  /** Whole lines above the cursor's line, nearest first (a few). */
  readonly linesAbove: readonly string[];
  /** Whole lines below the cursor's line, nearest first (a few). */
  readonly linesBelow: readonly string[];
  /** The file's indentation unit: a tab or some spaces. */
  readonly indentUnit: string;
}

const nearbyLines = 6;

export function cursorContext(document: DocumentSnapshot, position: Position): CursorContext {
  const text = document.text;
  const offset = offsetAt(text, position);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEndIndex = text.indexOf('\n', offset);
  const lineEnd = lineEndIndex === -1 ? text.length : lineEndIndex;
  const linesAbove: string[] = [];
  // `end` is the newline that ends the line above.
  for (let end = lineStart - 1; end >= 0 && linesAbove.length < nearbyLines; ) {
    const start = end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1;
    linesAbove.push(text.slice(start, end));
    end = start - 1;
  }
  const linesBelow: string[] = [];
  for (let start = lineEnd + 1; start <= text.length && lineEndIndex !== -1 && linesBelow.length < nearbyLines; ) {
    const next = text.indexOf('\n', start);
    const end = next === -1 ? text.length : next;
    linesBelow.push(text.slice(start, end));
    if (next === -1) break;
    start = end + 1;
  }
  return {
    languageId: document.languageId,
    linePrefix: text.slice(lineStart, offset),
    lineSuffix: text.slice(offset, lineEnd),
    linesAbove,
    linesBelow,
    indentUnit: detectIndentUnit(text, document.languageId),
  };
}

/** Tabs or spaces, and how many, from the file's own lines (the first couple of hundred are enough). */
export function detectIndentUnit(text: string, languageId: string): string {
  let tabs = 0;
  let spaces = 0;
  const deltas = new Map<number, number>();
  let previous = 0;
  for (const line of text.slice(0, 8_000).split('\n')) {
    if (!line.trim()) continue;
    if (line.startsWith('\t')) tabs++;
    const width = /^ */.exec(line)![0].length;
    if (width > 0) spaces++;
    if (width > previous) deltas.set(width - previous, (deltas.get(width - previous) ?? 0) + 1);
    previous = width;
  }
  if (tabs > spaces) return '\t';
  let best = languageId === 'python' ? 4 : 2;
  let bestCount = 0;
  for (const [delta, count] of deltas) {
    if (delta >= 2 && delta <= 8 && count > bestCount) [best, bestCount] = [delta, count];
  }
  return ' '.repeat(best);
}

/** Width of leading whitespace, a tab counting as one unit of `unit`. */
export function indentWidth(line: string, unit: string): number {
  const lead = /^[ \t]*/.exec(line)![0];
  const tabWidth = unit === '\t' ? 4 : unit.length;
  let width = 0;
  for (const char of lead) width += char === '\t' ? tabWidth : 1;
  return width;
}

const openerAtEnd = /(?:[{([:]|=>|\bdo|\bthen)\s*$/;
const assignmentAtEnd = /(?:^|[^=!<>])=\s*$/;
const onlyClosers = /^[\s)\]}>'"`;,]*$/;
const commentLine = /^\s*(\/\/|#|\/\*|\*|--|"""|''')/;

/** True when the line ends with something that opens a block: a bracket, `:`, `=>`, `=`. */
export function endsWithOpener(line: string): boolean {
  return openerAtEnd.test(line) || assignmentAtEnd.test(line);
}

/**
 * Single line or block, from where the cursor is. Text after the cursor (other than closing
 * brackets and punctuation) means the user is mid-line: one line. Right after an opener, or on
 * an empty line inside an empty block or under a comment, the user is starting a block.
 */
export function completionMode(context: CursorContext): CompletionMode {
  if (!onlyClosers.test(context.lineSuffix)) return 'line';
  const before = context.linePrefix.trimEnd();
  // Between a pair of brackets only an empty block or array is worth several lines; `f(|)` wants arguments.
  if (context.lineSuffix.trim() !== '') return /[{[]$/.test(before) ? 'block' : 'line';
  if (before.trim() !== '') return endsWithOpener(before) ? 'block' : 'line';
  const above = context.linesAbove.find((line) => line.trim() !== '') ?? '';
  const below = context.linesBelow.find((line) => line.trim() !== '') ?? '';
  if (openerAtEnd.test(above)) return 'block';
  if (/^\s*[}\])]/.test(below) || /^[\s)\]}]+$/.test(context.lineSuffix)) return 'block';
  if (commentLine.test(above)) return 'block';
  return 'line';
}

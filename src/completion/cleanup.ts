import { blockEnd, blockShape } from './blockEnd.ts';
import { scanBrackets } from './brackets.ts';
import { type CursorContext, endsWithOpener, indentWidth } from './cursorContext.ts';
import { languageInfo } from './languages.ts';
import type { CompletionMode } from './types.ts';

export interface CleanupOptions {
  readonly mode: CompletionMode;
  /** Output from a chat model: it may add fences and prose, echo the prefix, and indent relative to nothing. */
  readonly chat: boolean;
  readonly maxLines: number;
  readonly maxChars: number;
}

export const holeMarkers = ['<CURSOR/>', '{{FILL_HERE}}'];

const fenceLine = /^[ \t]*```[\w+#.-]*[ \t]*$/;
const proseOpening =
  /^\s*(here(?:'s| is| are)|sure|certainly|okay|ok|of course|below|the (?:following|completed?|missing|code|rest)|this (?:code|completes|will|is)|i (?:have|will|'ve))\b.*[:.!]\s*$/i;
const proseSentence = /^[A-Z][a-z']+(?: [\w'`,()-]+){3,}[.!]$/;

const isProse = (line: string) => proseSentence.test(line.trim()) && !/[;{}=<>]/.test(line);

/** Removes what a chat model wraps code in: hole markers, markdown fences, and prose before or after. */
export function stripNoise(text: string): string {
  let out = text.replace(/\r\n/g, '\n');
  for (const marker of holeMarkers) out = out.split(marker).join('');
  let lines = out.split('\n');
  const open = lines.findIndex((line) => fenceLine.test(line));
  if (open !== -1 && lines.slice(0, open).every((line) => !line.trim() || proseOpening.test(line) || proseSentence.test(line.trim()))) {
    const close = lines.findIndex((line, i) => i > open && fenceLine.test(line));
    lines = lines.slice(open + 1, close === -1 ? undefined : close);
  }
  while (lines.length > 0 && proseOpening.test(lines[0]!)) lines.shift();
  // Prose after the code: a blank line, then sentences that contain none of code's punctuation.
  let end = lines.length;
  while (end > 0 && !lines[end - 1]!.trim()) end--;
  let start = end;
  while (start > 0 && lines[start - 1]!.trim() && isProse(lines[start - 1]!)) start--;
  if (start < end && start > 0 && !lines[start - 1]!.trim()) lines = lines.slice(0, start - 1);
  return lines.join('\n');
}

/** Drops a repeat of the text before the cursor: the whole current line, the line above it, or (chat) the word being typed. */
export function stripEcho(text: string, context: CursorContext, chat: boolean): string {
  let out = text;
  const firstLine = out.split('\n', 1)[0]!.trim();
  const above = context.linesAbove[0]?.trim() ?? '';
  if (above.length > 3 && firstLine === above && context.linePrefix.trim() !== '' && out.includes('\n')) {
    out = out.slice(out.indexOf('\n') + 1);
  }
  const typed = context.linePrefix.trimStart();
  const lead = /^[ \t]*/.exec(out)![0];
  // A FIM model continues the prefix, so a short match is more likely a real continuation.
  if (typed && (chat || typed.length >= 6) && out.slice(lead.length).startsWith(typed)) return out.slice(lead.length + typed.length);
  if (chat) {
    // The end of the line repeated from a token boundary: `foo(` answered with `foo(a, b)`.
    for (let k = Math.min(typed.length - 1, out.length); k >= 3; k--) {
      const piece = out.slice(0, k);
      if (typed.endsWith(piece) && /\w/.test(piece) && !/[\w$]/.test(typed[typed.length - k - 1] ?? ' ')) return out.slice(k);
    }
    const fragment = /[\w$]+$/.exec(context.linePrefix)?.[0];
    if (fragment && out.startsWith(fragment) && /^[\w$]/.test(out.slice(fragment.length))) return out.slice(fragment.length);
  }
  return out;
}

/**
 * Re-indents a multi-line suggestion in the file's style (tabs or spaces, and the unit width)
 * and, for chat models, relative to the cursor's line: they see the hole, not the column.
 */
export function reindent(text: string, context: CursorContext, chat: boolean): string {
  const lines = text.split('\n');
  const unit = context.indentUnit;
  const unitWidth = unit === '\t' ? 4 : unit.length;
  const modelTabs = lines.some((line) => line.startsWith('\t'));
  // A FIM model continues the file itself, so its spaces are the file's; a chat model picks its own.
  const modelUnit = modelTabs ? 4 : chat || unit === '\t' ? modelIndentUnit(lines, unitWidth) : unitWidth;
  const widthOf = (line: string) => indentWidth(line, modelTabs ? '\t' : ' '.repeat(modelUnit));
  const fileLevel = Math.floor(indentWidth(context.linePrefix, unit) / unitWidth);
  const indentOnly = context.linePrefix.trim() === '';

  let shift = 0;
  let anchor = indentOnly && context.linePrefix !== '' ? lines.findIndex((line) => line.trim() !== '') : -1;
  if (anchor === 0) {
    shift = fileLevel - Math.floor(widthOf(lines[0]!) / modelUnit);
    lines[0] = lines[0]!.trimStart();
  } else if (chat && !indentOnly) {
    anchor = lines.findIndex((line, i) => i > 0 && line.trim() !== '');
    if (anchor > 0) {
      const opens = endsWithOpener(context.linePrefix) && !/^\s*[}\])]/.test(lines[anchor]!);
      shift = fileLevel + (opens ? 1 : 0) - Math.floor(widthOf(lines[anchor]!) / modelUnit);
    }
  }
  for (let i = context.linePrefix === '' ? 0 : 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) {
      lines[i] = '';
      continue;
    }
    const width = widthOf(line);
    const level = Math.max(0, Math.floor(width / modelUnit) + shift);
    lines[i] = unit.repeat(level) + ' '.repeat(width % modelUnit) + line.trimStart();
  }
  return lines.join('\n');
}

function modelIndentUnit(lines: readonly string[], fallback: number): number {
  const counts = new Map<number, number>();
  // Deltas between lines only: where the first line starts says nothing about the unit.
  let previous = -1;
  for (const line of lines) {
    if (!line.trim()) continue;
    const width = /^ */.exec(line)![0].length;
    if (previous === -1) previous = width;
    // Deltas of one are doc-comment alignment, not indentation.
    if (width - previous >= 2) counts.set(width - previous, (counts.get(width - previous) ?? 0) + 1);
    previous = width;
  }
  let best = fallback;
  let bestCount = 0;
  for (const [delta, count] of counts) if (count > bestCount || (count === bestCount && delta < best)) [best, bestCount] = [delta, count];
  return best;
}

/** True when cutting `text` down to `candidate` leaves none of the brackets `text` opened itself unclosed. */
function keepsOwnBrackets(text: string, candidate: string, languageId: string): boolean {
  const before = scanBrackets(text, languageId).depth;
  const after = scanBrackets(candidate, languageId).depth;
  return after <= 0 || after === before;
}

function followingLines(context: CursorContext): string[] {
  return [context.lineSuffix, ...context.linesBelow].map((line) => line.trim()).filter(Boolean);
}

/** Trims what the code after the cursor already has: repeated trailing lines, brackets it closes, the rest of the line. */
export function trimSuffixOverlap(text: string, context: CursorContext): string {
  let out = text;
  if (out.includes('\n')) {
    const following = followingLines(context);
    const lines = out.split('\n');
    for (let m = Math.min(lines.length - 1, following.length); m >= 1; m--) {
      const tail = lines.slice(-m).map((line) => line.trim());
      if (!tail.every((line, i) => line === following[i])) continue;
      const candidate = lines.slice(0, -m).join('\n');
      // A closer that ends a block the suggestion opened itself is not a repeat of the suffix's.
      if (keepsOwnBrackets(out, candidate, context.languageId)) {
        out = candidate;
        break;
      }
    }
  }
  const scan = scanBrackets(out, context.languageId);
  if (scan.firstUnmatchedCloser !== -1) {
    const next = `${context.lineSuffix}\n${context.linesBelow.join('\n')}`.trimStart()[0];
    if (next === out[scan.firstUnmatchedCloser]) out = out.slice(0, scan.firstUnmatchedCloser).trimEnd();
  }
  const rest = context.lineSuffix.trim();
  const trimmed = out.trimEnd();
  if (rest && !out.includes('\n') && trimmed.endsWith(rest) && trimmed.length > rest.length) {
    const candidate = trimmed.slice(0, -rest.length);
    if (keepsOwnBrackets(trimmed, candidate, context.languageId)) out = candidate;
  }
  return out;
}

const meaningful = (line: string) => line.length >= 4 && /\w/.test(line);

/** True when the suggestion only repeats the code right above or below the cursor. */
export function isRepetition(text: string, context: CursorContext): boolean {
  const lines = text.split('\n');
  const first = lines[0]!;
  const nextCode = context.linesBelow.find((line) => line.trim())?.trim() ?? '';
  const above = context.linesAbove[0]?.trim() ?? '';
  if (first.trim()) {
    const whole = (context.linePrefix + first + (lines.length === 1 ? context.lineSuffix : '')).trim();
    if (meaningful(whole) && (whole === above || whole === context.linesBelow[0]?.trim() || whole === nextCode)) return true;
  }
  const body = lines.map((line) => line.trim()).filter(meaningful);
  if (lines.length > 1 && body.length > 0) {
    if (body[0] === nextCode && !first.trim()) return true;
    const aboveSet = new Set(context.linesAbove.map((line) => line.trim()));
    if (body.length >= 2 && body.every((line) => aboveSet.has(line))) return true;
  }
  return false;
}

// Chat models stand in for code they skip with a placeholder; what follows one is not meant literally.
const placeholder = /^\s*(?:(?:\/\/|#|\/\*|--)\s*)?(?:\.\.\.|…|\(?rest of (?:the )?(?:code|implementation|function|file)|existing code)/i;

/** Cuts a runaway loop (the same line three times in a row keeps one) and everything from a placeholder on. */
function cutLoops(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (placeholder.test(line)) return out;
    if (line.trim() && out.length >= 2 && out.at(-1) === line && out.at(-2) === line) return out.slice(0, -1);
    out.push(line);
  }
  return out;
}

/** A block suggestion's lines in the file's indentation, runaway loops cut; shared with the early stop. */
export function prepareBlock(text: string, context: CursorContext, chat: boolean): string[] {
  let out = text;
  // A chat model writes the body right into the hole; in the file it starts on the next line.
  const opensBody = /\{\s*$/.test(context.linePrefix) || (languageInfo(context.languageId).indentBlocks && /:\s*$/.test(context.linePrefix));
  if (chat && opensBody && !out.startsWith('\n') && out.trim()) out = `\n${out}`;
  return cutLoops(reindent(out, context, chat).split('\n'));
}

/**
 * Turns raw model output into the text to show after the cursor, or '' for nothing. Each step
 * fixes one thing models do wrong; the order matters (noise before echo before indentation
 * before the block cut before the suffix overlap).
 */
export function cleanCompletion(raw: string, context: CursorContext, options: CleanupOptions): string {
  let text = options.chat ? stripNoise(raw) : raw.replace(/\r\n/g, '\n');
  text = stripEcho(text, context, options.chat);
  if (/\s$/.test(context.linePrefix) && context.linePrefix.trim() !== '') text = text.replace(/^[ \t]+/, '');

  if (options.mode === 'line') {
    if (options.chat) text = text.replace(/^\s*\n/, '');
    text = text.split('\n', 1)[0]!;
  } else {
    let lines = prepareBlock(text, context, options.chat);
    lines = lines.slice(0, blockEnd(lines, lines.length, blockShape(context, options.maxLines)) ?? lines.length);
    text = lines.map((line) => line.trimEnd()).join('\n');
  }
  text = trimSuffixOverlap(text.trimEnd(), context).trimEnd();
  if (!text.trim() || isRepetition(text, context)) return '';

  if (text.length > options.maxChars) {
    const cut = text.lastIndexOf('\n', options.maxChars);
    text = cut > 0 ? text.slice(0, cut) : text.slice(0, options.maxChars);
  }
  // Inside `{|}` a block must end on its own line, or the closer would follow the last statement.
  if (text.includes('\n') && /^[)\]}]/.test(context.lineSuffix.trim())) text += `\n${/^[ \t]*/.exec(context.linePrefix)![0]}`;
  return text;
}

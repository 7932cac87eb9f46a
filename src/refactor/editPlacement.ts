import type { TextEdit } from '../common/text.ts';
import type { ParsedFileEdit } from './editParser.ts';
import { RefactorError, type RefactorProblem } from './refactorError.ts';
import { applyTextEdits } from './textEdits.ts';

/** How a block was found: the tiers are tried in this order, and a later one only when no earlier one matches. */
export type PlacementTier = 'exact' | 'whitespace' | 'fuzzy' | 'create' | 'wholeFile';

export interface PlacedFileEdit {
  readonly path: string;
  /** True when the file did not exist: the shell creates it. */
  readonly created: boolean;
  /** Against the file's current text: non-overlapping, in document order. */
  readonly edits: readonly TextEdit[];
  readonly newText: string;
  /** One per block (or one for a whole-file edit), in reply order. */
  readonly tiers: readonly PlacementTier[];
}

/** A 0-based, end-exclusive line span. */
export interface LineSpan {
  readonly start: number;
  readonly end: number;
}

export interface PlacementOptions {
  /** Existing files up to this many lines may be rewritten whole; larger ones need blocks. */
  readonly wholeFileMaxLines?: number;
  /** Mean line similarity (0-1) a fuzzy match needs. */
  readonly fuzzyThreshold?: number;
  /** Where the user was working, per path: a search matching several places is placed in the one inside it. */
  readonly hints?: ReadonlyMap<string, LineSpan>;
}

export const defaultWholeFileMaxLines = 120;
const defaultFuzzyThreshold = 0.85;
// Past this many line comparisons the fuzzy tier is skipped: a miss is better than a stall.
const fuzzyWorkLimit = 400_000;
const tabWidth = 4;

/**
 * Places every file's edits against the files' current texts (`undefined`: no such file). All or
 * nothing: if any block of any file cannot be placed, it throws one retryable RefactorError
 * naming each failing file and block, and returns nothing.
 */
export function placeEdits(files: readonly ParsedFileEdit[], read: (path: string) => string | undefined, options: PlacementOptions = {}): PlacedFileEdit[] {
  const placed: PlacedFileEdit[] = [];
  const problems: RefactorProblem[] = [];
  for (const file of files) {
    const result = placeFileEdit(file, read(file.path), options);
    if ('problems' in result) problems.push(...result.problems);
    else placed.push(result.placed);
  }
  if (problems.length > 0) throw new RefactorError('placement', problems);
  return placed;
}

interface Lines {
  readonly lines: readonly string[];
  readonly finalNewline: boolean;
  readonly eol: string;
}

interface Region {
  readonly start: number;
  readonly end: number;
  readonly lines: readonly string[];
}

type Match = { readonly kind: 'found'; readonly tier: PlacementTier; readonly start: number; readonly end: number; readonly lines: readonly string[] } | { readonly kind: 'ambiguous'; readonly starts: readonly number[] } | { readonly kind: 'missing'; readonly closest: { line: number; score: number } | undefined };

function placeFileEdit(file: ParsedFileEdit, current: string | undefined, options: PlacementOptions): { placed: PlacedFileEdit } | { problems: RefactorProblem[] } {
  const original = splitLines(current ?? '');
  const created = current === undefined;
  const problems: RefactorProblem[] = [];
  const problem = (block: number | undefined, message: string) => problems.push({ path: file.path, block, message });

  if (file.kind === 'wholeFile') {
    const limit = options.wholeFileMaxLines ?? defaultWholeFileMaxLines;
    if (!created && original.lines.length > limit && current!.trim() !== '') {
      problem(undefined, `the whole file (${original.lines.length} lines) was rewritten; files over ${limit} lines must be edited with SEARCH/REPLACE blocks`);
    }
    const next = splitLines(file.text).lines;
    if (elides(next, original.lines)) problem(undefined, 'the rewritten file leaves out code with a placeholder comment such as "... existing code ..."');
    if (problems.length > 0) return { problems };
    return { placed: finish(file.path, current ?? '', original, created, [diffRegion(original.lines, next)], [created ? 'create' : 'wholeFile']) };
  }

  const hint = options.hints?.get(file.path);
  const regions: Region[] = [];
  const tiers: PlacementTier[] = [];
  // Set once a block only matches text an earlier block wrote: from then on blocks apply in order.
  let evolving: string[] | undefined;
  file.blocks.forEach((block, index) => {
    const number = index + 1;
    const search = splitLines(block.search).lines;
    const replace = splitLines(block.replace).lines;
    if (elides(replace, search)) {
      problem(number, 'the replacement leaves out code with a placeholder comment such as "... existing code ..."; write the code out in full');
      return;
    }
    if (search.length === 0 || search.every((line) => line.trim() === '')) {
      const text = evolving ?? original.lines;
      if (text.some((line) => line.trim() !== '')) {
        problem(number, 'the SEARCH part is empty but the file is not; copy the lines to replace into SEARCH');
        return;
      }
      evolving = [...replace];
      tiers.push('create');
      return;
    }
    if (evolving === undefined) {
      const match = findBlock(original.lines, search, replace, options, hint, regions);
      if (match.kind === 'found') {
        regions.push({ start: match.start, end: match.end, lines: match.lines });
        tiers.push(match.tier);
        return;
      }
      const applied = applyRegions(original.lines, regions);
      const later = regions.length > 0 ? findBlock(applied, search, replace, options, undefined, []) : match;
      if (later.kind === 'found') {
        evolving = [...applied.slice(0, later.start), ...later.lines, ...applied.slice(later.end)];
        tiers.push(later.tier);
        return;
      }
      problem(number, describeMiss(match, file.path));
      return;
    }
    const match = findBlock(evolving, search, replace, options, undefined, []);
    if (match.kind === 'found') {
      evolving = [...evolving.slice(0, match.start), ...match.lines, ...evolving.slice(match.end)];
      tiers.push(match.tier);
    } else problem(number, describeMiss(match, file.path));
  });
  if (problems.length > 0) return { problems };
  const final = evolving === undefined ? regions.sort((a, b) => a.start - b.start) : [diffRegion(original.lines, evolving)];
  return { placed: finish(file.path, current ?? '', original, created, final, tiers) };
}

function describeMiss(match: Exclude<Match, { kind: 'found' }>, path: string): string {
  if (match.kind === 'ambiguous') {
    const where = match.starts.slice(0, 4).map((start) => start + 1).join(', ');
    return `the SEARCH text matches ${match.starts.length} places (lines ${where}); include more surrounding lines so it matches one`;
  }
  const closest = match.closest ? ` The closest text is at line ${match.closest.line + 1} (${Math.round(match.closest.score * 100)}% similar).` : '';
  return `the SEARCH text was not found in ${path}.${closest}`;
}

function findBlock(file: readonly string[], search: readonly string[], replace: readonly string[], options: PlacementOptions, hint: LineSpan | undefined, taken: readonly Region[]): Match {
  const free = (start: number, end: number) => taken.every((region) => end <= region.start || start >= region.end);
  const trimmedSearch = trimBlankEdges(search);
  const variants = trimmedSearch.length === search.length ? [search] : [search, trimmedSearch];
  const compare: ReadonlyArray<[PlacementTier, (a: string, b: string) => boolean]> = [
    ['exact', (a, b) => a.trimEnd() === b.trimEnd()],
    ['whitespace', (a, b) => a.trim() === b.trim()],
  ];
  for (const [tier, equal] of compare) {
    for (const variant of variants) {
      const starts = findAll(file, variant, equal).filter((start) => free(start, start + variant.length));
      const chosen = choose(starts, variant.length, hint);
      if (chosen === 'ambiguous') return { kind: 'ambiguous', starts };
      if (chosen !== undefined) {
        const window = file.slice(chosen, chosen + variant.length);
        const lines = tier === 'exact' ? replaceFor(variant, search, replace) : reindent(replaceFor(variant, search, replace), variant, window, file);
        return { kind: 'found', tier, start: chosen, end: chosen + variant.length, lines };
      }
    }
  }
  // Blank lines added or dropped inside the search: match the non-blank lines in order.
  const core = search.filter((line) => line.trim() !== '');
  if (core.length > 0) {
    const spans = findIgnoringBlankLines(file, core).filter((span) => free(span.start, span.end));
    const chosen = choose(
      spans.map((span) => span.start),
      core.length,
      hint,
    );
    if (chosen === 'ambiguous') return { kind: 'ambiguous', starts: spans.map((span) => span.start) };
    if (chosen !== undefined) {
      const span = spans.find((candidate) => candidate.start === chosen)!;
      const window = file.slice(span.start, span.end).filter((line) => line.trim() !== '');
      return { kind: 'found', tier: 'whitespace', start: span.start, end: span.end, lines: reindent(replaceFor(trimmedSearch, search, replace), core, window, file) };
    }
  }
  const fuzzy = fuzzyFind(file, trimmedSearch, options.fuzzyThreshold ?? defaultFuzzyThreshold, free);
  if (fuzzy.kind !== 'found') return fuzzy;
  const window = file.slice(fuzzy.start, fuzzy.start + trimmedSearch.length);
  const lines = reindent(replaceFor(trimmedSearch, search, replace), trimmedSearch, window, file);
  return { kind: 'found', tier: 'fuzzy', start: fuzzy.start, end: fuzzy.start + trimmedSearch.length, lines };
}

/** When the search matched without its blank edge lines, the replacement drops the same blank edges. */
function replaceFor(variant: readonly string[], search: readonly string[], replace: readonly string[]): readonly string[] {
  return variant.length === search.length ? replace : trimBlankEdges(replace);
}

function choose(starts: readonly number[], length: number, hint: LineSpan | undefined): number | 'ambiguous' | undefined {
  if (starts.length <= 1) return starts[0];
  const inside = hint ? starts.filter((start) => start < hint.end && start + length > hint.start) : [];
  return inside.length === 1 ? inside[0] : 'ambiguous';
}

function findAll(file: readonly string[], search: readonly string[], equal: (a: string, b: string) => boolean): number[] {
  const starts: number[] = [];
  for (let start = 0; start + search.length <= file.length; start++) {
    let ok = true;
    for (let i = 0; i < search.length && ok; i++) ok = equal(file[start + i]!, search[i]!);
    if (ok) {
      starts.push(start);
      start += search.length - 1;
    }
  }
  return starts;
}

function findIgnoringBlankLines(file: readonly string[], core: readonly string[]): LineSpan[] {
  const spans: LineSpan[] = [];
  for (let start = 0; start < file.length; start++) {
    if (file[start]!.trim() !== core[0]!.trim()) continue;
    let line = start;
    let matched = 0;
    while (matched < core.length && line < file.length) {
      if (file[line]!.trim() === '') line++;
      else if (file[line]!.trim() === core[matched]!.trim()) {
        matched++;
        line++;
      } else break;
    }
    if (matched === core.length) {
      spans.push({ start, end: line });
      start = line - 1;
    }
  }
  return spans;
}

function fuzzyFind(file: readonly string[], search: readonly string[], threshold: number, free: (start: number, end: number) => boolean): Match {
  const n = search.length;
  if (n === 0 || file.length < n) return { kind: 'missing', closest: undefined };
  const starts = candidateStarts(file, search);
  if (starts.length === 0 || starts.length * n > fuzzyWorkLimit) return { kind: 'missing', closest: undefined };
  const searchGrams = search.map((line) => bigrams(line.trim()));
  const gramCache = new Map<number, Map<string, number>>();
  const fileGrams = (index: number) => {
    let grams = gramCache.get(index);
    if (!grams) gramCache.set(index, (grams = bigrams(file[index]!.trim())));
    return grams;
  };
  const scored: Array<{ start: number; score: number; weakest: number }> = [];
  for (const start of starts) {
    let total = 0;
    let weakest = 1;
    for (let i = 0; i < n; i++) {
      const score = dice(fileGrams(start + i), searchGrams[i]!);
      total += score;
      weakest = Math.min(weakest, score);
    }
    scored.push({ start, score: total / n, weakest });
  }
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0]!;
  const closest = { line: best.start, score: best.score };
  const good = scored.filter((entry) => entry.score >= threshold && entry.weakest >= 0.5 && free(entry.start, entry.start + n));
  if (good.length === 0) return { kind: 'missing', closest };
  const top = good[0]!;
  // Windows overlapping the best one are the same place shifted; a second, separate place is ambiguity.
  const rivals = good.filter((entry) => entry.start >= top.start + n || entry.start + n <= top.start);
  if (rivals.length > 0) return { kind: 'ambiguous', starts: [top.start, ...rivals.map((entry) => entry.start)].sort((a, b) => a - b) };
  return { kind: 'found', tier: 'fuzzy', start: top.start, end: top.start + n, lines: [] };
}

/**
 * Windows worth scoring: every one when that is cheap, else those lining up a file line with an
 * identical (trimmed, non-trivial) search line. A real near miss nearly always keeps some line intact.
 */
function candidateStarts(file: readonly string[], search: readonly string[]): number[] {
  const n = search.length;
  const all = file.length - n + 1;
  if (all * n <= fuzzyWorkLimit / 10) return Array.from({ length: all }, (_, start) => start);
  const offsets = new Map<string, number[]>();
  search.forEach((line, index) => {
    const key = line.trim();
    if (key.length > 3) offsets.set(key, [...(offsets.get(key) ?? []), index]);
  });
  const starts = new Set<number>();
  file.forEach((line, index) => {
    for (const offset of offsets.get(line.trim()) ?? []) {
      const start = index - offset;
      if (start >= 0 && start < all) starts.add(start);
    }
  });
  return [...starts].sort((a, b) => a - b);
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  const squeezed = text.replace(/\s+/g, ' ');
  for (let i = 0; i + 1 < squeezed.length; i++) {
    const gram = squeezed.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  if (squeezed.length === 1) grams.set(squeezed, 1);
  return grams;
}

/** Sørensen-Dice similarity of two bigram multisets; two blank lines are identical. */
function dice(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  let sizeA = 0;
  let sizeB = 0;
  for (const count of a.values()) sizeA += count;
  for (const [gram, count] of b) {
    sizeB += count;
    shared += Math.min(count, a.get(gram) ?? 0);
  }
  return (2 * shared) / (sizeA + sizeB);
}

/**
 * Moves the replacement onto the file's real indentation when the model's search was indented
 * differently: levels are measured in the model's unit and written in the file's (tabs stay tabs).
 */
function reindent(replace: readonly string[], search: readonly string[], window: readonly string[], file: readonly string[]): readonly string[] {
  const sameIndent = search.every((line, i) => line.trim() === '' || indentOf(line) === indentOf(window[i]!));
  if (sameIndent) return replace;
  const anchor = search.findIndex((line) => line.trim() !== '');
  if (anchor === -1) return replace;
  const modelUnit = indentUnit([...search, ...replace]);
  const fileUnit = indentUnit(file);
  const modelBase = columns(indentOf(search[anchor]!));
  const fileBase = indentOf(window[anchor]!);
  const fileBaseLevel = Math.floor(columns(fileBase) / columns(fileUnit));
  return replace.map((line) => {
    if (line.trim() === '') return '';
    const delta = columns(indentOf(line)) - modelBase;
    const levels = Math.trunc(delta / columns(modelUnit));
    const rest = ' '.repeat(Math.max(0, delta - levels * columns(modelUnit)));
    const indent = levels >= 0 ? fileBase + fileUnit.repeat(levels) + rest : fileUnit.repeat(Math.max(0, fileBaseLevel + levels)) + rest;
    return indent + line.trimStart();
  });
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

function columns(indent: string): number {
  let width = 0;
  for (const char of indent) width += char === '\t' ? tabWidth : 1;
  return width;
}

/** The indentation step of some lines: a tab when tabs lead more lines, else the spaces' common step. */
function indentUnit(lines: readonly string[]): string {
  let tabs = 0;
  let spaces = 0;
  let step = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = indentOf(line);
    if (indent.startsWith('\t')) tabs++;
    else if (indent.length > 0) {
      spaces++;
      step = gcd(step, indent.length);
    }
  }
  if (tabs > spaces) return '\t';
  return ' '.repeat(step >= 2 && step <= 8 ? step : step === 0 ? tabWidth : 2);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function trimBlankEdges(lines: readonly string[]): readonly string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end);
}

const elision = /^\s*(?:\/\/|#|--|\/\*|\*|<!--|;)?\s*(?:\.\.\.|…)\s*(?:\(?\s*)?(?:existing|rest of|remaining|unchanged|other|previous|same as|keep)\b.*$|^\s*(?:\/\/|#|--|\/\*)\s*(?:existing code|rest of (?:the )?(?:file|code|class|function)|unchanged)\b.*(?:\.\.\.|…|unchanged|here)/i;

/** True when `next` stands in for code with a comment like `// ... existing code ...` that `before` lacks. */
function elides(next: readonly string[], before: readonly string[]): boolean {
  const marked = next.filter((line) => elision.test(line));
  return marked.some((line) => !before.some((old) => old.trim() === line.trim()));
}

function applyRegions(lines: readonly string[], regions: readonly Region[]): string[] {
  const sorted = [...regions].sort((a, b) => a.start - b.start);
  const result: string[] = [];
  let last = 0;
  for (const region of sorted) {
    result.push(...lines.slice(last, region.start), ...region.lines);
    last = region.end;
  }
  result.push(...lines.slice(last));
  return result;
}

/** The one region that turns `before` into `after`: everything between their common head and tail. */
function diffRegion(before: readonly string[], after: readonly string[]): Region {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { start: head, end: before.length - tail, lines: after.slice(head, after.length - tail) };
}

function splitLines(text: string): Lines {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const normal = text.replace(/\r\n/g, '\n');
  if (normal === '') return { lines: [], finalNewline: true, eol };
  const finalNewline = normal.endsWith('\n');
  return { lines: (finalNewline ? normal.slice(0, -1) : normal).split('\n'), finalNewline, eol };
}

function finish(path: string, text: string, original: Lines, created: boolean, regions: readonly Region[], tiers: readonly PlacementTier[]): PlacedFileEdit {
  // A block whose replacement equals its search is no edit at all: the preview must not show it.
  const edits = regions
    .filter((region) => region.end > region.start || region.lines.length > 0)
    .map((region) => toTextEdit(region, original))
    .filter((edit) => applyTextEdits(text, [edit]) !== text);
  return { path, created, edits, newText: applyTextEdits(text, edits), tiers };
}

/** Whole lines become a range from line start to line start, keeping a file without a final newline without one. */
function toTextEdit(region: Region, original: Lines): TextEdit {
  const { lines, finalNewline, eol } = original;
  const count = lines.length;
  const whole = region.lines.map((line) => line + eol).join('');
  if (region.end < count || finalNewline) {
    return { range: { start: { line: region.start, character: 0 }, end: { line: region.end, character: 0 } }, newText: whole };
  }
  const lastLine = { line: count - 1, character: lines[count - 1]!.length };
  if (region.start === count) return { range: { start: lastLine, end: lastLine }, newText: eol + region.lines.join(eol) };
  if (region.lines.length === 0 && region.start > 0) {
    return { range: { start: { line: region.start - 1, character: lines[region.start - 1]!.length }, end: lastLine }, newText: '' };
  }
  return { range: { start: { line: region.start, character: 0 }, end: lastLine }, newText: region.lines.join(eol) };
}

/**
 * Where a code block from a chat answer goes in a file when the user applies it without a
 * selection. A block is often part of a file (one function, rewritten); writing it over the whole
 * file would delete the rest. It is placed only when that is certain: the block is the whole file,
 * or its first line opens exactly one place in the file and its last line closes that place at the
 * same depth. Anything else (a block that leaves parts out with `// ...`, a first line found twice
 * or nowhere) is left to a model asked for SEARCH/REPLACE against the file (`mergeSnippet`).
 */
export type SnippetPlacement =
  /** The block is the file, rewritten: it replaces the whole text. */
  | { readonly kind: 'wholeFile'; readonly text: string }
  /** The block replaces lines `start` to `end` (0-based, end exclusive); `text` is the new file. */
  | { readonly kind: 'range'; readonly start: number; readonly end: number; readonly text: string }
  | { readonly kind: 'unplaced'; readonly reason: string };

/** A comment standing in for code the block leaves out: `// ...`, `# ... existing code ...`, `/* … *\/`. */
const elision = /^\s*(?:\/\/|#|\/\*|<!--|--|;)\s*(?:\.\.\.|…|\(\s*\.\.\.|.*\bexisting\b|.*\bunchanged\b|.*\brest of\b)/i;

export function placeSnippet(file: string, snippet: string): SnippetPlacement {
  const eol = file.includes('\r\n') ? '\r\n' : '\n';
  const fileLines = file.split(/\r?\n/);
  const blockLines = trimBlankEdges(snippet.split(/\r?\n/));
  if (blockLines.length === 0) return { kind: 'unplaced', reason: 'the code block is empty' };
  if (blockLines.some((line) => elision.test(line))) return { kind: 'unplaced', reason: 'the code block leaves parts of the code out' };
  const first = blockLines[0]!.trim();
  const last = blockLines.at(-1)!.trim();
  const fileContent = trimBlankEdges(fileLines);
  if (fileContent.length > 0 && fileContent[0]!.trim() === first && fileContent.at(-1)!.trim() === last && blockLines.length >= fileContent.length * 0.8) {
    return { kind: 'wholeFile', text: blockLines.join(eol) + eol };
  }
  if (!distinctive(first)) return { kind: 'unplaced', reason: `its first line, "${first}", could be anywhere` };
  const starts = fileLines.flatMap((line, index) => (line.trim() === first ? [index] : []));
  if (starts.length === 0) return { kind: 'unplaced', reason: 'its first line is not in the file' };
  if (starts.length > 1) return { kind: 'unplaced', reason: 'its first line is in the file more than once' };
  const start = starts[0]!;
  const startIndent = indentOf(fileLines[start]!);
  const end = blockLines.length === 1 ? start + 1 : closingLine(fileLines, start, last, startIndent + indentOf(blockLines.at(-1)!) - indentOf(blockLines[0]!));
  if (end === undefined) return { kind: 'unplaced', reason: 'where its code ends in the file is not clear' };
  const shift = startIndent - indentOf(blockLines[0]!);
  const unit = fileLines[start]!.startsWith('\t') ? '\t' : ' ';
  const replacement = blockLines.map((line) => reindent(line, shift, unit));
  const text = [...fileLines.slice(0, start), ...replacement, ...fileLines.slice(end)].join(eol);
  return { kind: 'range', start, end, text };
}

/**
 * The line after the one that closes the place opened at `start`: the first later line reading
 * `last` at the expected indentation, with no line in between less indented than the opening
 * (which would mean the search left the opening's block).
 */
function closingLine(lines: readonly string[], start: number, last: string, expectedIndent: number): number | undefined {
  const floor = indentOf(lines[start]!);
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    if (line.trim() === last && indentOf(line) === expectedIndent) return index + 1;
    if (indentOf(line) < floor) return undefined;
  }
  return undefined;
}

/** A first line that names something: not a lone bracket, keyword or blank. */
function distinctive(line: string): boolean {
  return line.length >= 6 && /[A-Za-z_$][\w$]{2,}/.test(line);
}

function trimBlankEdges(lines: readonly string[]): string[] {
  let from = 0;
  let to = lines.length;
  while (from < to && lines[from]!.trim() === '') from++;
  while (to > from && lines[to - 1]!.trim() === '') to--;
  return lines.slice(from, to);
}

/** Columns of leading whitespace, a tab counting as one (blocks and files share their style). */
function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function reindent(line: string, shift: number, unit: string): string {
  if (shift === 0 || line.trim() === '') return line;
  if (shift > 0) return unit.repeat(shift) + line;
  const strip = Math.min(-shift, indentOf(line));
  return line.slice(strip);
}

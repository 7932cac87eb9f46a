/**
 * The engine's own small text types. Zero-based lines and UTF-16 characters, as in VS Code, so
 * adapters translate field by field.
 */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/** A document as the engine sees it: an immutable snapshot, never a live editor object. */
export interface DocumentSnapshot {
  /** Workspace-relative path with forward slashes when inside a folder, else the absolute path. */
  readonly path: string;
  readonly languageId: string;
  readonly version: number;
  readonly text: string;
}

export function position(line: number, character: number): Position {
  return { line, character };
}

export function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: position(startLine, startCharacter), end: position(endLine, endCharacter) };
}

/** Offset of a position in text, clamped to the text. */
export function offsetAt(text: string, pos: Position): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const lineLength = (lineEnd === -1 ? text.length : lineEnd) - offset;
  return offset + Math.min(pos.character, lineLength);
}

export function positionAt(text: string, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < clamped; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: clamped - lineStart };
}

/** Lines in a text; a final newline ends the last line rather than starting another, and '' has none. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

import { offsetAt, type TextEdit } from '../common/text.ts';

/** Applies non-overlapping edits (any order) to text, as VS Code would. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const spans = edits
    .map((edit) => ({ start: offsetAt(text, edit.range.start), end: offsetAt(text, edit.range.end), newText: edit.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let result = '';
  let last = 0;
  for (const span of spans) {
    if (span.start < last) throw new Error('Overlapping text edits.');
    result += text.slice(last, span.start) + span.newText;
    last = span.end;
  }
  return result + text.slice(last);
}

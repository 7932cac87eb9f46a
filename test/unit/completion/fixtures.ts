import { type DocumentSnapshot, type Position, positionAt } from '../../../src/common/text.ts';
import { type CursorContext, cursorContext } from '../../../src/completion/cursorContext.ts';

/** The cursor in test documents. */
export const cursor = '<|>';

/** A snapshot and a position from text holding one cursor marker. */
export function docAt(textWithCursor: string, languageId = 'typescript', path = 'src/main.ts'): { document: DocumentSnapshot; position: Position } {
  const offset = textWithCursor.indexOf(cursor);
  if (offset === -1) throw new Error('no cursor marker in the test document');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + cursor.length);
  return { document: { path, languageId, version: 1, text }, position: positionAt(text, offset) };
}

export function contextAt(textWithCursor: string, languageId = 'typescript'): CursorContext {
  const { document, position } = docAt(textWithCursor, languageId);
  return cursorContext(document, position);
}

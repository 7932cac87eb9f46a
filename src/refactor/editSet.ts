import { createHash } from 'node:crypto';
import type { TextEdit } from '../common/text.ts';
import type { PlacedFileEdit } from './editPlacement.ts';
import { introducedPlaceholders } from '../safety/secretRedactor.ts';
import { RefactorError } from './refactorError.ts';

export interface EditSetFile {
  readonly path: string;
  /** Hash of the text the edits were computed against; null when the file did not exist. */
  readonly baseHash: string | null;
  /** The editor's document version at request time, when the file was open. */
  readonly baseVersion: number | undefined;
  readonly created: boolean;
  readonly edits: readonly TextEdit[];
  readonly newText: string;
}

/** Everything one refactor changes, previewed together and applied as one step. */
export interface EditSet {
  readonly label: string;
  readonly files: readonly EditSetFile[];
}

/** What a file looked like when the request was made. `text: undefined` means it did not exist. */
export interface FileBase {
  readonly text: string | undefined;
  readonly version?: number;
}

export interface StaleFile {
  readonly path: string;
  readonly reason: 'changed' | 'deleted' | 'created';
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The edit set of placed edits. Refuses, whole, a set that would write a redaction placeholder a
 * file did not already hold: restoring put back every placeholder this window issued, so what is
 * left is one the model mangled or made up, and writing it would put a placeholder where the
 * user's secret was.
 */
export function createEditSet(label: string, placed: readonly PlacedFileEdit[], bases: ReadonlyMap<string, FileBase>): EditSet {
  const placeholders = placed.flatMap((file) =>
    introducedPlaceholders(bases.get(file.path)?.text ?? '', file.newText).map((found) => ({
      path: file.path,
      block: undefined,
      message: `writes ${found}, which stands for no value Groundwork can put back`,
    })),
  );
  if (placeholders.length > 0) throw new RefactorError('placeholder', placeholders);
  const files = placed
    .filter((file) => file.edits.length > 0 || file.created)
    .map((file): EditSetFile => {
      const base = bases.get(file.path);
      const text = base?.text;
      return { path: file.path, baseHash: text === undefined ? null : hashText(text), baseVersion: base?.version, created: file.created, edits: file.edits, newText: file.newText };
    });
  return { label, files };
}

/**
 * The files that changed since the edit set was computed (in the editor or on disk), so that
 * applying it would clobber someone's work. `current` gives each file's text now, undefined if gone.
 */
export function checkStale(set: EditSet, current: (path: string) => string | undefined): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const file of set.files) {
    const text = current(file.path);
    if (file.baseHash === null) {
      if (text !== undefined && text.trim() !== '') stale.push({ path: file.path, reason: 'created' });
    } else if (text === undefined) stale.push({ path: file.path, reason: 'deleted' });
    else if (hashText(text) !== file.baseHash) stale.push({ path: file.path, reason: 'changed' });
  }
  return stale;
}

export function staleError(stale: readonly StaleFile[]): RefactorError {
  const words = { changed: 'changed since the refactor was requested', deleted: 'was deleted', created: 'was created meanwhile' } as const;
  return new RefactorError('stale', stale.map((file) => ({ path: file.path, block: undefined, message: words[file.reason] })));
}

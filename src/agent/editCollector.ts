import { positionAt } from '../common/text.ts';
import type { PlacedFileEdit } from '../refactor/editPlacement.ts';
import { createEditSet, type EditSet, type FileBase } from '../refactor/editSet.ts';

/**
 * The edits of one agent task, gathered across its propose_edits calls: each file's text when
 * the task first touched it, and its text with every accepted block applied. Later blocks are
 * placed against the edited text, so the model can build on its own edits; the edit set compares
 * the last text with the first.
 */
export class EditCollector {
  private readonly files = new Map<string, { readonly base: string | undefined; current: string }>();

  /** The file as the task's edits have left it so far; `read` gives it for a file not yet edited. */
  async current(path: string, read: () => Promise<string | undefined>): Promise<string | undefined> {
    const known = this.files.get(path);
    return known ? known.current : read();
  }

  /** The file's text before the task's first edit to it; undefined for a file the task created. */
  base(path: string): string | undefined {
    return this.files.get(path)?.base;
  }

  record(path: string, base: string | undefined, newText: string): void {
    const known = this.files.get(path);
    if (known) known.current = newText;
    else this.files.set(path, { base, current: newText });
  }

  get size(): number {
    return [...this.files.values()].filter((file) => file.current !== (file.base ?? '')).length;
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /**
   * One edit set for the whole task (undefined when nothing changed), for the Refactor Preview
   * and one undoable apply. `createEditSet` refuses a placeholder no file held before.
   */
  editSet(label: string): EditSet | undefined {
    const placed: PlacedFileEdit[] = [];
    const bases = new Map<string, FileBase>();
    for (const [path, { base, current }] of this.files) {
      bases.set(path, { text: base });
      if (base !== undefined && current === base) continue;
      placed.push({ path, created: base === undefined, edits: [changedSpan(base ?? '', current)], newText: current, tiers: [] });
    }
    if (placed.length === 0) return undefined;
    return createEditSet(label, placed, bases);
  }
}

/** The one edit that turns `before` into `after`: the span between their common start and end. */
function changedSpan(before: string, after: string): PlacedFileEdit['edits'][number] {
  let head = 0;
  const shorter = Math.min(before.length, after.length);
  while (head < shorter && before.charCodeAt(head) === after.charCodeAt(head)) head++;
  let tail = 0;
  while (tail < shorter - head && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { range: { start: positionAt(before, head), end: positionAt(before, before.length - tail) }, newText: after.slice(head, after.length - tail) };
}

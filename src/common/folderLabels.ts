/**
 * Each workspace folder's label, the first segment of its files' paths in a multi-root window:
 * its name, with `/` made `_`, and `-2`, `-3`… after the first folder of that name, so two folders
 * both called `app` read as `app/…` and `app-2/…` in chat, refactors and the index alike.
 */
export function folderLabels(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base = name.replace(/\//g, '_');
    let label = base;
    for (let n = 2; used.has(label); n++) label = `${base}-${n}`;
    used.add(label);
    return label;
  });
}

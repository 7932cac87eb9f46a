import { join } from 'node:path';
import { abortReason } from '../common/async.ts';
import type { GroundworkSettings } from '../common/settingsSchema.ts';
import { directoryVerdict, FileFilter, type FilterOptions, silentDirectories, type SkipReason } from './fileFilter.ts';
import type { IndexFileSystem } from './indexFileSystem.ts';

/** A folder to index. `id` is stable across sessions (the workspace folder's name or index). */
export interface IndexRoot {
  readonly id: string;
  /** Absolute path. */
  readonly path: string;
}

export interface DiscoveredFile {
  readonly root: string;
  /** Root-relative, forward slashes. */
  readonly path: string;
  readonly absolutePath: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface SkippedFile {
  readonly root: string;
  /** Root-relative; a folder skipped as a whole ends with '/'. */
  readonly path: string;
  readonly reason: SkipReason;
  readonly detail: string;
}

export interface DiscoveryOptions extends FilterOptions {
  /** The most files indexed over all roots; past it files are skipped as `overCap`. */
  readonly maxFiles: number;
}

export interface DiscoveryResult {
  readonly files: readonly DiscoveredFile[];
  /** Up to `skippedListLimit` entries; `skippedCounts` has the totals. */
  readonly skipped: readonly SkippedFile[];
  readonly skippedCounts: Readonly<Record<SkipReason, number>>;
  /** Set when the file cap was reached, written for the user. */
  readonly capMessage?: string;
}

export const defaultDiscoveryOptions: DiscoveryOptions = { exclude: [], maxFileSizeBytes: 1024 * 1024, maxFiles: 50_000 };

/** Discovery options from the `groundwork.index.*` settings. */
export function discoveryOptionsFromSettings(settings: Pick<GroundworkSettings, 'index.exclude' | 'index.maxFileSizeKb' | 'index.maxFiles'>): DiscoveryOptions {
  return { exclude: settings['index.exclude'], maxFileSizeBytes: settings['index.maxFileSizeKb'] * 1024, maxFiles: settings['index.maxFiles'] };
}

const skippedListLimit = 5000;

export function emptySkipCounts(): Record<SkipReason, number> {
  return { ignored: 0, secret: 0, binary: 0, generated: 0, tooLarge: 0, overCap: 0 };
}

/** Walks every root and sorts each file into indexed or skipped-with-a-reason. */
export async function discoverFiles(
  roots: readonly IndexRoot[],
  fs: IndexFileSystem,
  options: DiscoveryOptions,
  signal: AbortSignal,
): Promise<DiscoveryResult> {
  const files: DiscoveredFile[] = [];
  const skipped: SkippedFile[] = [];
  const skippedCounts = emptySkipCounts();
  const skip = (entry: SkippedFile) => {
    skippedCounts[entry.reason]++;
    if (skipped.length < skippedListLimit) skipped.push(entry);
  };

  for (const root of roots) {
    const filter = new FileFilter(root.path, fs, options);
    const walk = async (relDir: string): Promise<void> => {
      if (signal.aborted) throw abortReason(signal);
      const absoluteDir = relDir === '' ? root.path : join(root.path, ...relDir.split('/'));
      let entries;
      try {
        entries = await fs.readDirectory(absoluteDir);
      } catch {
        return; // Unreadable or vanished folder: nothing to index there.
      }
      const layers = await filter.layersFor(relDir);
      // Sorted so the file cap keeps the same files from run to run.
      const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subdirectories: string[] = [];
      for (const entry of sorted) {
        const relPath = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
        if (entry.kind === 'directory') {
          if (silentDirectories.has(entry.name)) continue;
          const verdict = directoryVerdict(entry.name);
          const ignoredBy = verdict ? undefined : filter.ignoredBy(layers, relPath, true);
          if (verdict) skip({ root: root.id, path: `${relPath}/`, ...verdict });
          else if (ignoredBy !== undefined) skip({ root: root.id, path: `${relPath}/`, reason: 'ignored', detail: ignoredBy });
          else subdirectories.push(relPath);
          continue;
        }
        if (entry.kind !== 'file') continue;
        const absolutePath = join(absoluteDir, entry.name);
        const stat = await fs.stat(absolutePath);
        if (!stat) continue;
        const verdict = filter.fileVerdict(layers, relPath, stat.size);
        if (verdict) skip({ root: root.id, path: relPath, ...verdict });
        else if (files.length >= options.maxFiles) skip({ root: root.id, path: relPath, reason: 'overCap', detail: `more than ${options.maxFiles} files` });
        else files.push({ root: root.id, path: relPath, absolutePath, size: stat.size, mtimeMs: stat.mtimeMs });
      }
      for (const subdirectory of subdirectories) await walk(subdirectory);
    };
    await walk('');
  }

  const capMessage =
    skippedCounts.overCap > 0
      ? `Indexed the first ${options.maxFiles} files; ${skippedCounts.overCap} more were left out. Exclude folders with .groundworkignore or groundwork.index.exclude, or raise groundwork.index.maxFiles.`
      : undefined;
  return { files, skipped, skippedCounts, capMessage };
}

import { promises as fsp } from 'node:fs';

export interface DirEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'other';
}

export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
  readonly kind: 'file' | 'directory' | 'other';
}

/**
 * The file reads the index needs, as a small port: the shell and the CLI pass real fs, tests
 * may pass a fake. Paths are absolute, in the platform's form.
 */
export interface IndexFileSystem {
  readDirectory(path: string): Promise<readonly DirEntry[]>;
  /** Undefined when the path does not exist. */
  stat(path: string): Promise<FileStat | undefined>;
  readFile(path: string): Promise<Uint8Array>;
}

const kindOf = (entry: { isFile(): boolean; isDirectory(): boolean }) =>
  entry.isFile() ? 'file' : entry.isDirectory() ? 'directory' : 'other';

/** The real file system. Symbolic links are not followed, so a link loop cannot trap discovery. */
export const nodeIndexFileSystem: IndexFileSystem = {
  async readDirectory(path) {
    const entries = await fsp.readdir(path, { withFileTypes: true });
    return entries.map((entry) => ({ name: entry.name, kind: kindOf(entry) }));
  },
  async stat(path) {
    try {
      const stat = await fsp.lstat(path);
      return { size: stat.size, mtimeMs: stat.mtimeMs, kind: kindOf(stat) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw error;
    }
  },
  readFile: (path) => fsp.readFile(path),
};


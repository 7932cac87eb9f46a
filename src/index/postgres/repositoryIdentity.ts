import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Which repository and commit a shared index view belongs to. */
export interface RepositoryAt {
  /** The normalized git remote (`github.com/owner/name`, `:sub/folder` added for a folder inside it), or `path:` and the folder when it has none. */
  readonly identity: string;
  /** The commit checked out, or `working-tree` outside git. */
  readonly commit: string;
  /** Files that differ from the commit (uncommitted), root-relative. */
  readonly dirtyPaths: readonly string[];
}

/**
 * A remote URL in one form for every way of writing it, so people cloning over https or ssh share
 * one index: host lower-cased, no scheme, user, port, credentials or `.git`.
 * `git@github.com:Owner/Name.git` and `https://user@GitHub.com/Owner/Name` both give
 * `github.com/Owner/Name`.
 */
export function normalizeRemote(remote: string): string {
  let text = remote.trim();
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(text);
  let host: string;
  let path: string;
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    host = scp[1];
    path = scp[2];
  } else {
    try {
      const url = new URL(text);
      host = url.hostname;
      path = url.pathname;
    } catch {
      text = text.replace(/\\/g, '/');
      return text.replace(/\.git$/, '').replace(/\/+$/, '');
    }
  }
  return `${host.toLowerCase()}/${path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '')}`;
}

async function git(root: string, args: readonly string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['-C', root, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined;
  }
}

/** The repository identity and commit of a folder: git's `origin` (or first remote) and HEAD. */
export async function repositoryAt(root: string): Promise<RepositoryAt> {
  const remotes = (await git(root, ['remote']))?.split('\n').filter(Boolean) ?? [];
  const remote = remotes.includes('origin') ? 'origin' : remotes[0];
  const url = remote !== undefined ? (await git(root, ['remote', 'get-url', remote]))?.trim() : undefined;
  const commit = (await git(root, ['rev-parse', 'HEAD']))?.trim();
  const status = commit ? await git(root, ['status', '--porcelain', '-z', '--untracked-files=all']) : undefined;
  // A folder inside the repository is a repository of its own to the index (its paths are
  // relative to it): named by the remote and the folder, its changes cut to the folder.
  const prefix = commit ? ((await git(root, ['rev-parse', '--show-prefix']))?.trim() ?? '') : '';
  const dirtyPaths = changedPaths(status ?? '')
    .filter((path) => path.startsWith(prefix))
    .map((path) => path.slice(prefix.length));
  return {
    identity: url ? `${normalizeRemote(url)}${prefix ? `:${prefix.replace(/\/+$/, '')}` : ''}` : `path:${resolve(root)}`,
    commit: commit || 'working-tree',
    dirtyPaths,
  };
}

/** Paths from `git status --porcelain -z`: a rename or copy names its source in the next entry, which changed too. */
function changedPaths(status: string): string[] {
  const entries = status.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.length <= 3) continue;
    paths.push(entry.slice(3));
    if (/^[RC]|^.[RC]/.test(entry)) paths.push(entries[++i]);
  }
  return paths.filter((path) => path !== undefined && path !== '');
}

/**
 * The paths under `root` that differ from `commit` in the working tree (committed since, changed,
 * deleted or untracked), or undefined when `commit` is not an ancestor of HEAD: a shared index at
 * an older commit of the same history can still answer for the rest.
 */
export async function changedSince(root: string, commit: string): Promise<string[] | undefined> {
  if ((await git(root, ['merge-base', '--is-ancestor', commit, 'HEAD'])) === undefined) return undefined;
  const changed = await git(root, ['diff', '--relative', '--name-only', '--no-renames', '-z', commit]);
  const untracked = await git(root, ['ls-files', '--others', '--exclude-standard', '-z']);
  if (changed === undefined || untracked === undefined) return undefined;
  return [...changed.split('\0'), ...untracked.split('\0')].filter((path) => path !== '');
}

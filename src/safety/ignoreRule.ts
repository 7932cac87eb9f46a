import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { IgnoreRule } from './fileAccessPolicy.ts';

/** An ignore file's text and the folder it sits in, relative to its workspace root ('' for the root). */
export interface IgnoreFile {
  readonly directory: string;
  readonly name: '.gitignore' | '.groundworkignore';
  readonly text: string;
}

/**
 * The user's ignore rules as one synchronous predicate for FileAccessPolicy: the
 * `groundwork.index.exclude` globs, then every `.gitignore` and `.groundworkignore` from the root
 * down to the file's folder (a deeper file can re-include what a shallower one ignored, as git
 * does). Paths are root-relative with forward slashes. Returns why a path is ignored, or false.
 */
export function ignoreRuleFrom(exclude: readonly string[], files: readonly IgnoreFile[]): IgnoreRule {
  const globs = exclude.map((glob) => ({ glob, matches: picomatch(glob, { dot: true }) }));
  const layers = [...files]
    .sort((a, b) => depth(a.directory) - depth(b.directory))
    .map((file) => ({ file, rules: ignore().add(file.text) as Ignore }));
  const verdict = (path: string): string | false => {
    let outcome: string | false = false;
    for (const { file, rules } of layers) {
      const prefix = file.directory ? `${file.directory}/` : '';
      if (!path.startsWith(prefix) || path === prefix) continue;
      const result = rules.test(path.slice(prefix.length));
      if (result.ignored) outcome = `ignored by ${prefix}${file.name}`;
      else if (result.unignored) outcome = false;
    }
    return outcome;
  };
  return (path) => {
    const glob = globs.find((candidate) => candidate.matches(path));
    if (glob) return `matches groundwork.index.exclude "${glob.glob}"`;
    // As in git, nothing inside an ignored folder can be re-included.
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = verdict(`${parts.slice(0, i).join('/')}/`);
      if (folder) return folder;
    }
    return verdict(path);
  };
}

function depth(directory: string): number {
  return directory ? directory.split('/').length : 0;
}

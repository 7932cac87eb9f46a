import { secretFileReason } from './secretFiles.ts';

/** The answer to "may a feature read this file and send it to a model?". */
export type FileAccessDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'secret' | 'ignored'; readonly detail: string };

/**
 * The user's ignore rules (.gitignore, .groundworkignore, groundwork.index.exclude), owned by the
 * index. Receives the path as given to `check` with forward slashes (pass workspace-relative
 * paths: the `ignore` package rejects absolute ones). Returns false or undefined when it is not
 * ignored; true or a short description of the rule (shown to the user) when it is.
 */
export type IgnoreRule = (path: string) => boolean | string | undefined;

const allowed: FileAccessDecision = { allowed: true };

/**
 * The one place every feature asks before reading a file: the built-in secret denylist first
 * (it cannot be overridden, so a negated ignore pattern never exposes a key), then the user's
 * ignore rules. Ignore rules can be swapped when ignore files change, so features hold one
 * policy object for the life of the workspace.
 */
export class FileAccessPolicy {
  private ignoreRule: IgnoreRule;

  constructor(ignoreRule: IgnoreRule = () => false) {
    this.ignoreRule = ignoreRule;
  }

  setIgnoreRule(ignoreRule: IgnoreRule): void {
    this.ignoreRule = ignoreRule;
  }

  check(path: string): FileAccessDecision {
    const secret = secretFileReason(path);
    if (secret) return { allowed: false, reason: 'secret', detail: secret };
    const ignored = this.ignoreRule(path.replace(/\\/g, '/'));
    if (ignored === true || (typeof ignored === 'string' && ignored.length > 0)) {
      return { allowed: false, reason: 'ignored', detail: typeof ignored === 'string' ? ignored : 'matches an ignore rule' };
    }
    return allowed;
  }

  isAllowed(path: string): boolean {
    return this.check(path).allowed;
  }
}

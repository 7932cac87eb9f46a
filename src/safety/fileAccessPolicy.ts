import { secretFileReason } from './secretFiles.ts';

/** The answer to "may a feature read this file and send it to a model?". */
export type FileAccessDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'secret' | 'ignored' | 'notAFile'; readonly detail: string };

/**
 * The user's ignore rules (.gitignore, .groundworkignore, groundwork.index.exclude), owned by the
 * index. Receives the path as given to `check` with forward slashes (pass workspace-relative
 * paths: the `ignore` package rejects absolute ones). Returns false or undefined when it is not
 * ignored; true or a short description of the rule (shown to the user) when it is.
 */
export type IgnoreRule = (path: string) => boolean | string | undefined;

const allowed: FileAccessDecision = { allowed: true };

/**
 * Documents outside the workspace's folders reach the engine by their absolute path or, for
 * schemes other than files, as a URI string (`untitled:Untitled-1`, `vscode-userdata:/…`).
 * These schemes hold text a user typed or opened as a file; any other (VS Code's own settings and
 * keybindings, output, terminals, extension views) is never sent.
 */
export const documentSchemes: ReadonlySet<string> = new Set(['file', 'untitled', 'vscode-remote', 'vscode-notebook-cell', 'vscode-vfs']);
const uriScheme = /^([a-zA-Z][a-zA-Z\d+.-]+):/;
const absolutePath = /^(?:[a-zA-Z]:[\\/]|[\\/])/;

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

  /**
   * Answers for any document, never throws: a workspace path is checked against the secret
   * denylist and the ignore rules; a path outside the folders against the denylist alone (the
   * workspace's ignore files say nothing about it) and, when it is a URI, its scheme.
   */
  check(path: string): FileAccessDecision {
    const secret = secretFileReason(path);
    if (secret) return { allowed: false, reason: 'secret', detail: secret };
    const scheme = absolutePath.test(path) ? undefined : uriScheme.exec(path)?.[1]?.toLowerCase();
    if (scheme !== undefined && !documentSchemes.has(scheme)) return { allowed: false, reason: 'notAFile', detail: `${scheme}: documents are never sent` };
    const relative = path.replace(/\\/g, '/');
    if (scheme !== undefined || absolutePath.test(path) || relative === '..' || relative.startsWith('../')) return allowed;
    let ignored: boolean | string | undefined;
    try {
      ignored = this.ignoreRule(relative);
    } catch (error) {
      // A path the rules cannot read is refused rather than let through: only its own name is known.
      return { allowed: false, reason: 'ignored', detail: `the ignore rules could not read this path (${error instanceof Error ? error.message : String(error)})` };
    }
    if (ignored === true || (typeof ignored === 'string' && ignored.length > 0)) {
      return { allowed: false, reason: 'ignored', detail: typeof ignored === 'string' ? ignored : 'matches an ignore rule' };
    }
    return allowed;
  }

  isAllowed(path: string): boolean {
    return this.check(path).allowed;
  }
}

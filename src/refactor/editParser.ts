import type { RefactorProblem } from './refactorError.ts';

export interface SearchReplaceBlock {
  /** Lines to find, each ending in '\n'; '' means "create" on a new or empty file. */
  readonly search: string;
  readonly replace: string;
}

/** What the model asked for one file: blocks to place, or (new and small files) its whole text. */
export type ParsedFileEdit =
  | { readonly kind: 'blocks'; readonly path: string; readonly blocks: readonly SearchReplaceBlock[] }
  | { readonly kind: 'wholeFile'; readonly path: string; readonly text: string };

export interface ParsedReply {
  /** In reply order, one entry per path (repeated headers are merged). */
  readonly files: readonly ParsedFileEdit[];
  /** Empty when every block was read. A reply with problems must not be applied at all. */
  readonly problems: readonly RefactorProblem[];
}

export interface ParseOptions {
  /** Paths the request is about; written paths are matched to them (`./a.ts`, `a.ts` for `src/a.ts`). */
  readonly knownPaths?: readonly string[];
  /** The path for blocks with no path line before them (single-file requests). */
  readonly defaultPath?: string;
}

// Models write 7 marker characters when asked, and 6 or 8 often enough; 5-9 are accepted.
const searchOpen = /^\s*<{5,9}\s*(?:SEARCH|ORIGINAL|HEAD)\b.*$/i;
const fileOpen = /^\s*<{5,9}\s*(?:FILE|NEW FILE|WHOLE FILE|WRITE)\b.*$/i;
const divider = /^\s*={5,9}\s*$/;
const replaceClose = /^\s*>{5,9}\s*(?:REPLACE|UPDATED?)?\b.*$/i;
const fileClose = /^\s*>{5,9}\s*(?:FILE|END|EOF)?\b.*$/i;
const fenceLine = /^\s*(`{3,}|~{3,})(.*)$/;
const pathLike = /^(?:[\w@$~+-][\w@$~+.-]*\/)*[\w@$~+.-]*[\w@$~+-]\.[A-Za-z0-9_]{1,12}$|^(?:[\w@$~+.-]+\/)+[\w@$~+.-]+$|^(?:Makefile|Dockerfile|Gemfile|Rakefile|Procfile|BUILD|WORKSPACE)$/;

type State =
  | { readonly mode: 'outside' }
  | { readonly mode: 'search'; readonly path: string | undefined; readonly start: number; readonly search: string[] }
  | { readonly mode: 'replace'; readonly path: string | undefined; readonly start: number; readonly search: string[]; readonly replace: string[] }
  | { readonly mode: 'file'; readonly path: string | undefined; readonly start: number; readonly lines: string[] };

/**
 * Reads a model's reply into per-file edits. Forgiving about everything around the blocks
 * (prose, markdown fences, CRLF, marker lengths, decorated path lines) and strict about the
 * blocks themselves: an unfinished or pathless block is a problem, never a guess.
 */
export function parseEditReply(reply: string, options: ParseOptions = {}): ParsedReply {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const byPath = new Map<string, { kind: 'blocks'; blocks: SearchReplaceBlock[] } | { kind: 'wholeFile'; text: string }>();
  const problems: RefactorProblem[] = [];
  const blockCounts = new Map<string, number>();
  let lastPath: string | undefined;
  let state: State = { mode: 'outside' };

  const resolve = (raw: string | undefined): string | undefined => (raw === undefined ? undefined : resolvePath(raw, options.knownPaths ?? []));
  const nextBlockNumber = (path: string): number => {
    const next = (blockCounts.get(path) ?? 0) + 1;
    blockCounts.set(path, next);
    return next;
  };
  const pathFor = (written: string | undefined, line: number): string | undefined => {
    const path = written ?? lastPath ?? options.defaultPath;
    if (path === undefined) problems.push({ path: undefined, block: undefined, message: `the block at reply line ${line} does not say which file it edits` });
    return path;
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    switch (state.mode) {
      case 'outside': {
        if (searchOpen.test(line)) {
          state = { mode: 'search', path: pathFor(resolve(pathOnMarker(line)), index + 1), start: index + 1, search: [] };
        } else if (fileOpen.test(line)) {
          state = { mode: 'file', path: pathFor(resolve(pathOnMarker(line)), index + 1), start: index + 1, lines: [] };
        } else {
          const written = pathFromLine(line);
          if (written !== undefined) lastPath = resolve(written);
        }
        break;
      }
      case 'search': {
        if (divider.test(line)) state = { mode: 'replace', path: state.path, start: state.start, search: state.search, replace: [] };
        else if (searchOpen.test(line) || replaceClose.test(line)) {
          if (state.path !== undefined) problems.push({ path: state.path, block: nextBlockNumber(state.path), message: `the block starting at reply line ${state.start} has no '=======' line` });
          state = { mode: 'outside' };
          index--;
        } else state.search.push(line);
        break;
      }
      case 'replace': {
        if (replaceClose.test(line)) {
          if (state.path !== undefined) {
            nextBlockNumber(state.path);
            const [search, replace] = unwrapInnerFences(state.search, state.replace);
            addBlock(byPath, state.path, { search: joinLines(search), replace: joinLines(replace) });
            lastPath = state.path;
          }
          state = { mode: 'outside' };
        } else if (searchOpen.test(line) || divider.test(line)) {
          if (state.path !== undefined) problems.push({ path: state.path, block: nextBlockNumber(state.path), message: `the block starting at reply line ${state.start} has no '>>>>>>> REPLACE' line` });
          state = { mode: 'outside' };
          if (searchOpen.test(line)) index--;
        } else state.replace.push(line);
        break;
      }
      case 'file': {
        if (fileClose.test(line)) {
          if (state.path !== undefined) {
            nextBlockNumber(state.path);
            const [text] = unwrapInnerFences(state.lines, []);
            byPath.set(state.path, { kind: 'wholeFile', text: joinLines(text) });
            lastPath = state.path;
          }
          state = { mode: 'outside' };
        } else state.lines.push(line);
        break;
      }
    }
  }
  if (state.mode !== 'outside' && state.path !== undefined) {
    const missing = state.mode === 'search' ? "'=======' and '>>>>>>> REPLACE' lines" : state.mode === 'replace' ? "'>>>>>>> REPLACE' line" : "'>>>>>>> FILE' line";
    problems.push({ path: state.path, block: nextBlockNumber(state.path), message: `the reply ended inside the block starting at reply line ${state.start} (no ${missing}); it may have been cut off` });
  }

  const files: ParsedFileEdit[] = [...byPath].map(([path, edit]) => (edit.kind === 'blocks' ? { kind: 'blocks', path, blocks: edit.blocks } : { kind: 'wholeFile', path, text: edit.text }));
  return { files, problems };
}

function addBlock(byPath: Map<string, { kind: 'blocks'; blocks: SearchReplaceBlock[] } | { kind: 'wholeFile'; text: string }>, path: string, block: SearchReplaceBlock): void {
  const existing = byPath.get(path);
  if (existing?.kind === 'blocks') existing.blocks.push(block);
  else if (existing?.kind === 'wholeFile' && block.search === '') byPath.set(path, { kind: 'wholeFile', text: block.replace });
  else if (existing?.kind === 'wholeFile') {
    // A whole file followed by a block on it: the block edits the text just written.
    byPath.set(path, { kind: 'wholeFile', text: existing.text.replace(block.search, block.replace) });
  } else byPath.set(path, { kind: 'blocks', blocks: [block] });
}

function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : lines.map((line) => `${line}\n`).join('');
}

/** Some models fence the code inside each half of a block too; the fences are not file content. */
function unwrapInnerFences(search: readonly string[], replace: readonly string[]): [readonly string[], readonly string[]] {
  const fenced = (lines: readonly string[]) => lines.length >= 2 && /^\s*```[\w+#.-]*\s*$/.test(lines[0]!) && /^\s*```\s*$/.test(lines.at(-1)!);
  const both = fenced(search) && (replace.length === 0 || fenced(replace));
  if (!both) return [search, replace];
  return [search.slice(1, -1), replace.length === 0 ? replace : replace.slice(1, -1)];
}

/** A path written on a marker line itself: `<<<<<<< SEARCH src/a.ts`. */
function pathOnMarker(line: string): string | undefined {
  const rest = line.replace(/^\s*<{5,9}\s*\S+(?:\s+FILE)?\s*/i, '').trim();
  return rest ? pathFromLine(rest) : undefined;
}

/**
 * The path on a header line, however decorated: `src/a.ts`, `./src/a.ts`, `` `src/a.ts` ``,
 * `### File: src/a.ts`, `**src/a.ts**:`, `// src/a.ts`, and fence openers such as
 * ```` ```ts src/a.ts ````, ```` ```src/a.ts ```` or ```` ```ts title="src/a.ts" ````.
 */
export function pathFromLine(line: string): string | undefined {
  let text = line.trim();
  const fence = fenceLine.exec(text);
  if (fence) {
    const info = fence[2]!.trim();
    const titled = /(?:title|file|path)=["']?([^"'\s]+)/i.exec(info);
    if (titled) return cleanPath(titled[1]!);
    // ```ts:src/a.ts and ```ts src/a.ts; a bare language tag is not a path.
    const candidate = info.split(/[\s:]+/).find((part, i) => i > 0 || part.includes('.') || part.includes('/'));
    return candidate !== undefined ? cleanPath(candidate) : undefined;
  }
  // Unified-diff headers: `--- a/src/a.ts`, `+++ b/src/a.ts`.
  const diffHeader = /^(?:-{3}|\+{3})\s+(?:[ab]\/)?(\S+)\s*$/.exec(text);
  if (diffHeader) return diffHeader[1] === '/dev/null' ? undefined : cleanPath(diffHeader[1]!);
  // A short lead-in naming one file: "In `src/a.ts`:", "Changes to `src/a.ts`:".
  const leadIn = /^[^`]{0,40}`([^`\s]+)`[^`]{0,20}:\s*$/.exec(text);
  if (leadIn) return cleanPath(leadIn[1]!, true);
  text = text
    .replace(/^(?:#{1,6}\s+|\/\/+\s*|--\s+|[-*+]\s+|>\s+)/, '')
    .replace(/^\*\*|\*\*$|^__|__$/g, '')
    .replace(/^(?:(?:new|updated|modified|edited|changed)\s+)?(?:file|path|filename)\s*[:=-]\s*/i, '')
    .replace(/\s+\([^()]*\)$/, '')
    .replace(/[:.]\s*$/, (match) => (match.startsWith(':') ? '' : match))
    .replace(/^\*\*|\*\*$/g, '')
    .trim();
  const quoted = /^[`'"]([^`'"]+)[`'"]:?$/.exec(text);
  if (quoted) return cleanPath(quoted[1]!.trim(), true);
  return cleanPath(text);
}

function cleanPath(raw: string, quoted = false): string | undefined {
  const path = raw.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
  if (!path || path.length > 300) return undefined;
  if (/\s/.test(path) && !quoted) return undefined;
  return pathLike.test(path) || (quoted && /\.[A-Za-z0-9_]{1,12}$/.test(path)) ? path : undefined;
}

/**
 * Maps a written path onto a known one: exact, then with leading `/`, `a/`, `b/` (diff
 * prefixes) dropped, then by unique suffix (`a.ts` or `/home/me/repo/src/a.ts` for `src/a.ts`).
 * Unknown paths are kept as written: they may be new files.
 */
export function resolvePath(written: string, knownPaths: readonly string[]): string {
  const path = written.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
  if (knownPaths.includes(path)) return path;
  const stripped = path.replace(/^\/+/, '').replace(/^[ab]\//, '');
  if (knownPaths.includes(stripped)) return stripped;
  const bySuffix = knownPaths.filter((known) => stripped.endsWith(`/${known}`) || known.endsWith(`/${stripped}`));
  return bySuffix.length === 1 ? bySuffix[0]! : stripped;
}

/**
 * Turns one changelog bullet into a retrieval query: what a developer wrote about a change, minus
 * what only a changelog carries (issue and PR numbers, commit hashes, author credits, links) and
 * minus a file name that would give the answer away.
 */

/** Conventional-commit types whose lines describe no source change worth retrieving for. */
const skippedTypes = new Set(['docs', 'doc', 'test', 'tests', 'chore', 'build', 'ci', 'style', 'types', 'typings', 'release', 'revert']);
/** Scopes that point at type declarations or docs, which the gold set leaves out. */
const skippedScope = /^(types?|typings|typescript|index\.d\.ts|.*\.d\.ts|docs?|tests?|deps|ci|build|release)$/i;
const skippedSection = /^PRs$|contributors|documentation|^docs|types|typings|typescript|tests?$|chore|build|dependenc|reverts?/i;
const skippedText = /\b(index\.d\.ts|\.d\.ts|typescript|typings|type definitions?|ts types?)\b|^(bump|upgrade|update)\b.*(\d+\.\d+|dependenc|driver)|^deps:|^revert|^(build|release|publish)\b/i;

export interface ReleaseLine {
  readonly text: string;
  /** Scope of a conventional-commit line (`fix(populate): …`, `**http:** …`), if any. */
  readonly scope: string | undefined;
}

/** The line without its links, numbers and credits, split from its `type(scope):` prefix; undefined when it is not about code. */
export function releaseLine(raw: string, section: string): ReleaseLine | undefined {
  if (skippedSection.test(section)) return undefined;
  let text = decodeEntities(raw)
    // Parenthesised link groups: ([#6680](…)), ([eac4619](…)).
    .replace(/\(\s*\[[^\]]*\]\([^)]*\)(\s*,?\s*\[[^\]]*\]\([^)]*\))*\s*\)/g, ' ')
    // Author credits link to a GitHub profile: [name](https://github.com/name).
    .replace(/\[[^\]]*\]\(https?:\/\/github\.com\/[^/)\s]+\/?\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\b(closes|fixes|fix|re|see|refs?)\s*:?\s*(#\d+[,\s]*)+/gi, (_match, verb: string) => (/^fix$/i.test(verb) ? 'fix ' : ' '))
    .replace(/(^|[\s(])(gh-|#)\d+\b/gi, '$1')
    .replace(/\b(thanks|props to|h\/t)\b.*$/i, '')
    .replace(/@[\w-]+/g, ' ')
    .replace(/\b[0-9a-f]{7,40}\b/g, ' ')
    .replace(/\[\s*\]/g, ' ')
    .replace(/[.,]?\s*\breported by\b.*$/i, '')
    // Nodemailer credits an author in parentheses at the end: "(Patrick Malouin)".
    .replace(/\s\([A-Za-z][\w.-]*( [A-Za-z][\w.-]*)?\)\s*$/, '');
  let scope: string | undefined;
  // Axios and Nodemailer bold their scope: "**http:** use globalThis.TextEncoder".
  const bold = text.match(/^\s*\*\*([^*]+?):\*\*\s*/);
  if (bold) {
    scope = bold[1];
    text = text.slice(bold[0].length);
  }
  const conventional = text.match(/^\s*([a-z]+)(?:\(([^)]*)\))?!?:\s+/i);
  if (conventional && /^(fix|feat|feature|perf|refactor|docs?|tests?|chore|build|ci|style|types|typings|release|revert)$/i.test(conventional[1])) {
    if (skippedTypes.has(conventional[1].toLowerCase())) return undefined;
    scope = conventional[2] ?? scope;
    text = text.slice(conventional[0].length);
  }
  if (scope !== undefined && skippedScope.test(scope.trim())) return undefined;
  text = text
    // Parentheses a removed link left empty; `useDb()` keeps its own.
    .replace(/\s\(\s*[,;\s]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/[\s,;:-]+$/g, '')
    .replace(/^[\s,;:-]+/g, '')
    .trim();
  if (skippedText.test(text) || text.split(' ').length < 3) return undefined;
  return { text, scope: scope?.trim() };
}

/**
 * The query for a release's kept lines. A scope or a word that is a gold file's own name
 * (`fix(cursor)` for lib/cursor.js, "in model.js") is dropped, as the commit's files would not
 * be known to someone searching for them; other scopes stay, as a developer would write them.
 */
export function releaseQuery(lines: readonly ReleaseLine[], goldFiles: readonly string[]): string {
  const stems = new Set(goldFiles.map((file) => baseStem(file)));
  const names = new Set(goldFiles.map((file) => file.split('/').pop()!.toLowerCase()));
  return lines
    .map((line) => {
      const text = line.text
        .split(' ')
        .filter((word) => !names.has(word.replace(/^[`'"(]+|[`'",.):]+$/g, '').toLowerCase()))
        .join(' ');
      const scope = line.scope?.split(/[,\s]+/).filter((part) => part !== '' && !stems.has(normalize(part))).join(', ');
      return scope ? `${scope}: ${text}` : text;
    })
    .join('\n');
}

function baseStem(file: string): string {
  return normalize(file.split('/').pop()!.replace(/\.[^.]+$/, ''));
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (match, entity: string) => {
    if (entity[0] !== '#') return named[entity.toLowerCase()] ?? match;
    return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
  });
}

import { codeTermCounts } from './codeTokens.ts';

/** What a question is about, read from its text: steers the file ranking (fileRanking.ts). */
export interface QueryAnalysis {
  /** The text the retrievers search with: the query without what issue templates add (questionText). */
  readonly text: string;
  /** The query's unique terms (codeTokens), each once. */
  readonly terms: readonly string[];
  /** Per term, how much it counts: code, paths and stack frames more than prose. */
  readonly weights: ReadonlyMap<string, number>;
  /** Paths and file names the query names ("lib/core/Axios.js", "http.js"), lower case. */
  readonly mentionedFiles: readonly string[];
  /** Asks how to configure or use something, or for the docs themselves, and reports no failure. */
  readonly wantsDocs: boolean;
  /** Names tests, specs or fixtures. */
  readonly wantsTests: boolean;
}

const termWeights = {
  /** Code a query carries counts this much more than its prose: it names what the code names. */
  code: 2,
  /** A term that only ever appears in the prose of a query. */
  prose: 1,
  /** A term of a long query's first line, its title: the one line written to say what it is about. */
  title: 3,
};

const fileMention = /(?:[\w.@-]+\/)*[\w.@-]+\.(?:m|c)?(?:j|t)sx?\b|(?:[\w.@-]+\/)*[\w.@-]+\.(?:py|go|rs|java|rb|php|vue|svelte|json|md|ya?ml)\b/gi;
const stackFrame = /^\s*at\s+.+$|\(\S+:\d+:\d+\)|\S+\.\w+:\d+(?::\d+)?/gm;
const fencedCode = /```[\s\S]*?(?:```|$)|`[^`\n]+`/g;
const behaviourWords = /\b(bug|error|errors|exception|throws?|thrown|crash(es|ed)?|fails?|failing|failed|broken|regression|unexpected|expected|actual|undefined is not|cannot read|typeerror|referenceerror|syntaxerror|stack ?trace|doesn'?t work|does not work|not working|wrong|incorrect(ly)?|instead of|should (be|not|return)|reproduc\w*)\b/i;
const docsWords = /\b(how (do|can|should|would|does) (i|we|you|one|it)|how to|what is the (best|right) way|is there a way to|documentation|docs? (for|about|on|say)|documented|readme|tutorial|example of)\b/i;
/**
 * Asking for tests, not reporting a failure in one's own: a bug report says "my test fails" or
 * "the test code below", and in a test runner's repository every report is about tests. So only
 * a flaky test, the repository's own tests, tests to be written or found, or a named test count.
 */
const testWords = /\bflaky\b|\b(tests?|specs?|fixtures?|snapshots?) (in|of|under) (this|the) (repo|repository|project|codebase|package)\b|\b(unit|integration|e2e|end-to-end|regression) (tests?|specs?) (for|of|covering)\b|\b(where are|which|find|show( me)?|list) (the |all )?(tests?|specs?)\b|\b(the|this|that) (test|spec) [`'"]/i;
/** A line of an environment report: envinfo's keys, and installed versions ("name: ^1.2 => 1.2.3"). */
const environmentLine = /^[ \t]*(?:(?:System|Binaries|Browsers|npmPackages|npmGlobalPackages|Utilities|Managers|Languages|IDEs|Virtualization|Monorepos|SDKs)[ \t]*:[ \t]*$|(?:OS|CPU|Memory|Shell|Container)[ \t]*:.*|(?:Node|Yarn|npm|pnpm|bun|Deno|Watchman|Chrome|Chromium|Edge|Firefox|Safari|Safari Technology Preview|Internet Explorer|Xcode|Android Studio)[ \t]*:[ \t]*v?\d.*|[@\w./-]+:[ \t]*[~^<>=]*\d[\w.+-]*[ \t]*=>[ \t]*\d[\w.+-]*[ \t]*|.*\bnpx envinfo\b.*|Paste the results here:?.*)$/gm;
const testFile = /(^|\/)(tests?|__tests__|specs?|fixtures?|__snapshots__)\/|\.(test|spec)\.\w+$/;

/**
 * The part of a query that says something about it. An issue or pull-request text carries what its
 * template put there: guidance in HTML comments, checklists ("- [x] I have searched existing
 * issues"), section headings ("### Steps to Reproduce"), image links; and a URL's scheme and host.
 * These words are in every report and in the repository's own templates and docs, so they rank
 * those files; the path of a URL stays (it may name a file). So is the reporter's environment
 * (`npx envinfo` output: "OS: macOS", "Node: 18.16.0 - /usr/local/bin/node", "jest: ^29 => 29.7.0"),
 * which describes their machine, not the code.
 */
export function questionText(query: string): string {
  return query
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(environmentLine, '')
    .replace(/^[ \t]*[-*][ \t]*\[[ xX]\].*$/gm, '')
    .replace(/^[ \t]*#{1,6}[ \t].*$/gm, (heading, offset: number) => (offset === 0 ? heading.replace(/^[ \t]*#+[ \t]*/, '') : ''))
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\bhttps?:\/\/[^/\s)]+/g, ' ')
    .replace(/^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Reads a query: its weighted terms, the files it names, and whether it is about behaviour, docs or tests. */
export function analyzeQuery(raw: string): QueryAnalysis {
  const query = questionText(raw) || raw;
  const weights = new Map<string, number>();
  for (const term of codeTermCounts(query).keys()) weights.set(term, termWeights.prose);
  // Code spans, stack frames and file names are where an issue names identifiers: they count more.
  const codeParts = [...(query.match(fencedCode) ?? []), ...(query.match(stackFrame) ?? []), ...(query.match(fileMention) ?? [])];
  for (const part of codeParts) for (const term of codeTermCounts(part).keys()) weights.set(term, termWeights.code);
  // Identifiers written as code in prose too (camelCase, snake_case, dotted calls) are code.
  for (const match of query.matchAll(/\b[a-z]+[A-Z]\w*\b|\b\w+_\w+\b|\b\w+\.\w+\(/g)) for (const term of codeTermCounts(match[0]).keys()) weights.set(term, termWeights.code);
  const title = query.trim().split('\n', 1)[0];
  // A template's heading ("### Describe the bug") is no title.
  if (title.length < query.trim().length && !title.startsWith('#')) for (const term of codeTermCounts(title).keys()) weights.set(term, Math.max(termWeights.title, weights.get(term) ?? 0));
  const mentionedFiles = [...new Set([...(query.match(fileMention) ?? [])].map((path) => path.toLowerCase().replace(/^(\.\/|\/)+/, '')))];
  const hasTrace = /^\s*at\s+\S+/m.test(query) || /\(\S+:\d+:\d+\)/.test(query);
  // A bug report, a stack trace or an error is about source code, whatever else it says.
  const aboutBehaviour = hasTrace || behaviourWords.test(query);
  return {
    text: query,
    terms: [...weights.keys()],
    weights,
    mentionedFiles,
    // A bug report mentions "install" and "configure" in its environment section: docs intent
    // counts only when the question is not a report of broken behaviour.
    wantsDocs: docsWords.test(query) && !aboutBehaviour,
    wantsTests: testWords.test(query) || mentionedFiles.some((path) => testFile.test(path)),
  };
}

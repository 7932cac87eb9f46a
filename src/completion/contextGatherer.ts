import { isCancellation } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { type DocumentSnapshot, offsetAt } from '../common/text.ts';
import { definitionsOf, importCandidates, parseImports } from './importedDefinitions.ts';
import type { LineTokenCounter } from './lineTokenCounter.ts';
import type { SimilarSnippets } from './similarSnippets.ts';
import type {
  Clock,
  CompletionRequest,
  ContextBudget,
  ContextSourceKind,
  ContextSourceUse,
  FileReader,
  IndexSearch,
  QueryOrigin,
  ReadablePredicate,
  RecentDocuments,
  Snippet,
} from './types.ts';

/** A context snippet as it goes into the prompt. */
export interface ContextSnippet {
  readonly kind: Exclude<ContextSourceKind, 'prefix' | 'suffix'>;
  readonly path: string;
  readonly text: string;
  readonly tokens: number;
  /** 1-based lines of `path` the text came from, inclusive, when known. */
  readonly startLine?: number;
  readonly endLine?: number;
}

/** Where a piece of text sat in its file: 1-based lines, inclusive; none when unknown. */
type LineSpan = { readonly startLine: number; readonly endLine: number } | undefined;

const newlines = (text: string) => text.split('\n').length - 1;

export interface CompletionContext {
  /** The text before the cursor, cut at a line boundary to fit the budget. */
  readonly prefix: string;
  readonly suffix: string;
  /** True when the prefix window reaches the start of the file (and the suffix its end). */
  readonly prefixIsWholeFile: boolean;
  readonly suffixIsWholeFile: boolean;
  readonly snippets: readonly ContextSnippet[];
  readonly sources: readonly ContextSourceUse[];
}

export interface ContextPorts {
  readonly isReadable: ReadablePredicate;
  readonly recentDocuments?: RecentDocuments;
  readonly readFile?: FileReader;
  readonly searchIndex?: IndexSearch;
}

export interface ContextTools {
  readonly counter: LineTokenCounter;
  readonly similar: SimilarSnippets;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface GatherOptions {
  readonly budget: ContextBudget;
  /** Tokens the prompt's fixed text takes, kept out of the budget. */
  readonly reservedTokens: number;
  readonly indexTimeoutMs: number;
}

/** The code just before the cursor, which the similarity search and the index are asked about. */
export function contextQuery(prefix: string, lines = 12): string {
  let start = prefix.length;
  for (let i = 0; i < lines; i++) {
    const newline = start > 0 ? prefix.lastIndexOf('\n', start - 1) : -1;
    if (newline === -1) return prefix;
    start = newline;
  }
  return prefix.slice(start + 1);
}

/** The last lines of `prefix` that fit `maxTokens`; the cursor's line is always kept. */
export function prefixWindow(prefix: string, maxTokens: number, counter: LineTokenCounter): { text: string; tokens: number; whole: boolean } {
  let start = prefix.lastIndexOf('\n') + 1;
  let tokens = counter.line(prefix.slice(start));
  while (start > 0) {
    const lineStart = prefix.lastIndexOf('\n', start - 2) + 1;
    const cost = counter.line(prefix.slice(lineStart, start - 1)) + 1;
    if (tokens + cost > maxTokens) break;
    tokens += cost;
    start = lineStart;
  }
  return { text: prefix.slice(start), tokens, whole: start === 0 };
}

/** The first lines of `suffix` that fit `maxTokens`; the rest of the cursor's line is always kept. */
export function suffixWindow(suffix: string, maxTokens: number, counter: LineTokenCounter): { text: string; tokens: number; whole: boolean } {
  let end = suffix.indexOf('\n');
  if (end === -1) return { text: suffix, tokens: counter.line(suffix), whole: true };
  let tokens = counter.line(suffix.slice(0, end));
  while (end < suffix.length) {
    const next = suffix.indexOf('\n', end + 1);
    const lineEnd = next === -1 ? suffix.length : next;
    const cost = counter.line(suffix.slice(end + 1, lineEnd)) + 1;
    if (tokens + cost > maxTokens) break;
    tokens += cost;
    end = lineEnd;
  }
  return { text: suffix.slice(0, end), tokens, whole: end >= suffix.length };
}

type Definitions = ReturnType<typeof definitionsOf>;

/** A snippet's lines in its file, when it knows where it starts (0-based `startLine`). */
function spanOf(snippet: Snippet): LineSpan {
  if (snippet.startLine === undefined) return undefined;
  return { startLine: snippet.startLine + 1, endLine: snippet.startLine + 1 + newlines(snippet.text) };
}

function sourceOf({ kind, path, tokens, startLine, endLine }: ContextSnippet): ContextSourceUse {
  return { kind, path, tokens, ...(startLine !== undefined && endLine !== undefined ? { startLine, endLine } : {}) };
}

/** Keeps the head of a snippet that fits `maxTokens`, whole lines only. */
function fitSnippet(text: string, maxTokens: number, counter: LineTokenCounter): { text: string; tokens: number } {
  const lines = text.split('\n');
  let tokens = 0;
  let kept = 0;
  for (const line of lines) {
    const cost = counter.line(line) + 1;
    if (tokens + cost > maxTokens) break;
    tokens += cost;
    kept++;
  }
  return { text: lines.slice(0, kept).join('\n'), tokens };
}

/**
 * Races the workspace index against a time cap: a slow or failing index yields no hits rather
 * than a late completion. The search is aborted when the cap passes.
 */
export function searchIndexWithCap(
  search: IndexSearch,
  query: string,
  capMs: number,
  clock: Clock,
  signal: AbortSignal,
  logger: Logger,
  origin?: QueryOrigin,
): Promise<readonly Snippet[]> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => {
      controller.abort();
      resolve([]);
    }, capMs);
    const done = (hits: readonly Snippet[]) => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(hits);
    };
    search(query, controller.signal, origin).then(done, (error: unknown) => {
      if (!isCancellation(error)) logger.debug(`index search failed: ${String(error)}`);
      done([]);
    });
  });
}

/**
 * Gathers the prompt's context within the budget: prefix and suffix windows, definitions the
 * file imports, similar code from recently used files, and index hits. Every path passes the
 * `isReadable` policy; the current file's own text is never duplicated as a snippet.
 */
export class ContextGatherer {
  private readonly ports: ContextPorts;
  private readonly tools: ContextTools;
  private readonly definitions = new Map<string, { text: string; names: string; definitions: Definitions }>();

  constructor(ports: ContextPorts, tools: ContextTools) {
    this.ports = ports;
    this.tools = tools;
  }

  private startIndexSearch(request: CompletionRequest, capMs: number, signal: AbortSignal): Promise<readonly Snippet[]> {
    if (!this.ports.searchIndex) return Promise.resolve([]);
    const text = request.document.text;
    const query = contextQuery(text.slice(0, offsetAt(text, request.position)));
    const cursorLine = request.position.line + 1;
    const origin = { path: request.document.path, startLine: cursorLine - newlines(query), endLine: cursorLine };
    return searchIndexWithCap(this.ports.searchIndex, query, capMs, this.tools.clock, signal, this.tools.logger, origin);
  }

  async gather(request: CompletionRequest, options: GatherOptions, signal: AbortSignal): Promise<CompletionContext> {
    const { document } = request;
    const { budget } = options;
    const { counter } = this.tools;
    const offset = offsetAt(document.text, request.position);
    const fullPrefix = document.text.slice(0, offset);
    const fullSuffix = document.text.slice(offset);
    const indexHits = this.startIndexSearch(request, options.indexTimeoutMs, signal);

    const suffix = suffixWindow(fullSuffix, budget.suffix, counter);
    const snippets: ContextSnippet[] = [];
    const seen = new Set<string>();
    let available = Math.max(0, budget.total - options.reservedTokens - budget.prefixMin - suffix.tokens);

    const add = (kind: ContextSnippet['kind'], path: string, text: string, cap: number, span: LineSpan): number => {
      if (!text.trim() || seen.has(text) || !this.ports.isReadable(path)) return 0;
      const fitted = fitSnippet(text, Math.min(cap, available), counter);
      if (!fitted.text.trim()) return 0;
      seen.add(text);
      // A verbatim window keeps the head of its lines; a definitions digest keeps its whole span.
      const lines = span && kind !== 'import' ? { startLine: span.startLine, endLine: span.startLine + newlines(fitted.text) } : span;
      snippets.push({ kind, path, text: fitted.text, tokens: fitted.tokens, ...lines });
      available -= fitted.tokens;
      return fitted.tokens;
    };

    const query = contextQuery(fullPrefix);
    let left = budget.imports;
    for (const { path, text, startLine, endLine } of await this.importedDefinitions(document, query, signal)) left -= add('import', path, text, left, { startLine, endLine });

    const others = (this.ports.recentDocuments?.() ?? []).filter((doc) => doc.path !== document.path && this.ports.isReadable(doc.path));
    left = budget.recentFiles;
    for (const snippet of this.tools.similar.find(query, others.slice(0, 20))) left -= add('recentFile', snippet.path, snippet.text, left, spanOf(snippet));

    left = budget.index;
    for (const hit of await indexHits) {
      if (hit.path !== document.path) left -= add('index', hit.path, hit.text, left, spanOf(hit));
    }

    // The prefix is the most useful context: it takes everything the other sources left.
    const used = snippets.reduce((sum, snippet) => sum + snippet.tokens, 0);
    const prefixBudget = Math.max(budget.prefixMin, budget.total - options.reservedTokens - suffix.tokens - used);
    const prefix = prefixWindow(fullPrefix, prefixBudget, counter);

    const cursorLine = request.position.line + 1;
    const sources: ContextSourceUse[] = [
      { kind: 'prefix', path: document.path, tokens: prefix.tokens, startLine: cursorLine - newlines(prefix.text), endLine: cursorLine },
      { kind: 'suffix', path: document.path, tokens: suffix.tokens, startLine: cursorLine, endLine: cursorLine + newlines(suffix.text) },
      ...snippets.map(sourceOf),
    ];
    return {
      prefix: prefix.text,
      suffix: suffix.text,
      prefixIsWholeFile: prefix.whole,
      suffixIsWholeFile: suffix.whole,
      snippets,
      sources,
    };
  }

  /** Definitions from the current file's relative imports, those used near the cursor first. */
  private async importedDefinitions(document: DocumentSnapshot, query: string, signal: AbortSignal): Promise<Array<Snippet & { startLine: number; endLine: number }>> {
    const imports = parseImports(document.text, document.languageId);
    if (imports.length === 0) return [];
    const ranked = imports
      .map((reference) => ({ reference, used: reference.names.filter((name) => query.includes(name)).length }))
      .sort((a, b) => b.used - a.used)
      .slice(0, 8);
    const open = new Map((this.ports.recentDocuments?.() ?? []).map((doc) => [doc.path, doc.text]));
    const results = await Promise.all(
      ranked.map(async ({ reference }) => {
        for (const candidate of importCandidates(document.path, reference.specifier, document.languageId)) {
          if (!this.ports.isReadable(candidate)) return undefined;
          const text = open.get(candidate) ?? (await this.read(candidate, signal));
          if (text === undefined) continue;
          const definitions = this.definitionsOf(candidate, text, document.languageId, reference.names);
          return definitions.text ? { path: candidate, ...definitions } : undefined;
        }
        return undefined;
      }),
    );
    return results.filter((result) => result !== undefined);
  }

  private async read(path: string, signal: AbortSignal): Promise<string | undefined> {
    if (!this.ports.readFile) return undefined;
    try {
      return await this.ports.readFile(path, signal);
    } catch (error) {
      if (isCancellation(error)) throw error;
      return undefined;
    }
  }

  private definitionsOf(path: string, text: string, languageId: string, names: readonly string[]): Definitions {
    const key = names.join(',');
    const cached = this.definitions.get(path);
    if (cached && cached.text === text && cached.names === key) return cached.definitions;
    const definitions = definitionsOf(text, languageId, names);
    if (this.definitions.size > 500) this.definitions.clear();
    this.definitions.set(path, { text, names: key, definitions });
    return definitions;
  }
}

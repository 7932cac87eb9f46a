/**
 * Code-aware tokens shared by the keyword index and the local embedder, so a query and the code
 * it should find are cut the same way: identifiers split on camelCase, snake_case and digits.
 */

// Words so common in code or questions that they only add noise and index size.
const stopWords = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'do', 'does', 'for', 'from', 'how', 'if', 'in', 'is', 'it',
  'of', 'on', 'or', 'the', 'to', 'we', 'what', 'where', 'which', 'with', 'this', 'that', 'const', 'let', 'var',
  'return', 'else', 'new', 'import', 'export', 'true', 'false', 'null', 'undefined', 'void', 'self', 'def',
  'public', 'private', 'protected', 'static', 'readonly', 'string', 'number', 'int', 'end', 'fn', 'pub', 'use',
]);

const identifierPattern = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/** Splits one identifier into lowercase parts: `parseHTTPResponse2` → parse, http, response. */
export function splitIdentifier(identifier: string): string[] {
  const parts = identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z]+/);
  const out: string[] = [];
  for (const part of parts) {
    if (part.length > 1) out.push(part.toLowerCase());
  }
  return out;
}

/** A light suffix stripper so `parsing`, `parses` and `parsed` meet `parse`. */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  let out = word;
  if (out.endsWith('ies') && out.length > 5) out = `${out.slice(0, -3)}y`;
  else if (out.endsWith('ing') && out.length > 5) out = out.slice(0, -3);
  else if (out.endsWith('ed') && out.length > 5) out = out.slice(0, -2);
  else if (/(ss|x|ch|sh)es$/.test(out)) out = out.slice(0, -2);
  else if (out.endsWith('s') && !out.endsWith('ss')) out = out.slice(0, -1);
  // A final silent e goes too, so parse, parsed and parsing all become pars.
  if (out.length > 4 && out.endsWith('e')) out = out.slice(0, -1);
  return out;
}

interface IdentifierTerms {
  /** Stemmed parts without stop words. */
  readonly parts: readonly string[];
  /** The whole identifier, lowercased, when it is more than its one part. */
  readonly whole: string | undefined;
}

// Identifiers repeat endlessly in code; splitting each once is most of the tokenizer's saving.
const identifierCache = new Map<string, IdentifierTerms>();
const identifierCacheLimit = 50_000;

function termsOfIdentifier(identifier: string): IdentifierTerms {
  let terms = identifierCache.get(identifier);
  if (terms) return terms;
  const parts = splitIdentifier(identifier);
  const lower = identifier.toLowerCase();
  terms = {
    parts: parts.filter((part) => !stopWords.has(part)).map(stem),
    // The whole identifier is a term too when it is more than its one part (getUser, item42,
    // MAX_RETRY), so an exact name ranks above its pieces.
    whole: parts.length === 1 && parts[0] === lower ? undefined : lower,
  };
  if (identifierCache.size >= identifierCacheLimit) identifierCache.clear();
  identifierCache.set(identifier, terms);
  return terms;
}

/** Calls `visit` for each identifier in `text` with its stemmed parts, skipping stop words. */
export function forEachCodeToken(text: string, visit: (term: string, whole: string | undefined) => void): void {
  for (const match of text.matchAll(identifierPattern)) {
    const identifier = match[0];
    if (identifier.length > 64) continue;
    const { parts, whole } = termsOfIdentifier(identifier);
    for (const part of parts) visit(part, whole);
    if (whole !== undefined) visit(whole, undefined);
  }
}

/** The terms of `text` with their counts. */
export function codeTermCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  forEachCodeToken(text, (term) => counts.set(term, (counts.get(term) ?? 0) + 1));
  return counts;
}

/** The unique terms of a query. */
export function queryTerms(text: string): string[] {
  return [...codeTermCounts(text).keys()];
}

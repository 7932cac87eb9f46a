import { languageInfo } from './languages.ts';

const closerOf: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const closers = new Set([')', ']', '}']);

export interface BracketScan {
  /** Openers minus closers, strings and comments skipped. Negative: it closes what came before it. */
  readonly depth: number;
  /** Index of the first closer that closes a bracket opened before `text`, or -1. */
  readonly firstUnmatchedCloser: number;
}

/** Scans code for bracket balance, skipping string literals and comments (roughly, per line). */
export function scanBrackets(text: string, languageId: string): BracketScan {
  const hash = languageInfo(languageId).hashComments;
  const stack: string[] = [];
  let depth = 0;
  let firstUnmatchedCloser = -1;
  let quote = '';
  let blockComment = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (blockComment) {
      if (char === '*' && text[i + 1] === '/') {
        blockComment = false;
        i++;
      }
      continue;
    }
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote || (char === '\n' && quote !== '`')) quote = '';
      continue;
    }
    if (char === '"' || char === "'" || char === '`') quote = char;
    else if ((char === '/' && text[i + 1] === '/') || (hash && char === '#')) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (char === '/' && text[i + 1] === '*') {
      blockComment = true;
      i++;
    } else if (char in closerOf) {
      stack.push(closerOf[char]!);
      depth++;
    } else if (closers.has(char)) {
      depth--;
      if (stack.length > 0) stack.pop();
      else if (firstUnmatchedCloser === -1) firstUnmatchedCloser = i;
    }
  }
  return { depth, firstUnmatchedCloser };
}

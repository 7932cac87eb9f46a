/** What the completion pipeline needs to know about a language. */
export interface LanguageInfo {
  /** Line comment marker, or a block pair for languages without one; undefined when comments are impossible (JSON). */
  readonly comment?: string | { readonly open: string; readonly close: string };
  /** Blocks are delimited by indentation rather than brackets. */
  readonly indentBlocks: boolean;
  /** Where `#` starts a comment (bracket scanning must skip it). */
  readonly hashComments: boolean;
}

const slash: LanguageInfo = { comment: '//', indentBlocks: false, hashComments: false };
const hash: LanguageInfo = { comment: '#', indentBlocks: false, hashComments: true };
const dash: LanguageInfo = { comment: '--', indentBlocks: false, hashComments: false };
const markup: LanguageInfo = { comment: { open: '<!--', close: '-->' }, indentBlocks: false, hashComments: false };

const table: Readonly<Record<string, LanguageInfo>> = {
  typescript: slash,
  typescriptreact: slash,
  javascript: slash,
  javascriptreact: slash,
  go: slash,
  rust: slash,
  java: slash,
  c: slash,
  cpp: slash,
  csharp: slash,
  swift: slash,
  kotlin: slash,
  scala: slash,
  dart: slash,
  php: slash,
  jsonc: slash,
  css: { comment: { open: '/*', close: '*/' }, indentBlocks: false, hashComments: false },
  scss: slash,
  less: slash,
  python: { comment: '#', indentBlocks: true, hashComments: true },
  yaml: { comment: '#', indentBlocks: true, hashComments: true },
  ruby: hash,
  shellscript: hash,
  perl: hash,
  r: hash,
  toml: hash,
  dockerfile: hash,
  makefile: hash,
  powershell: hash,
  elixir: hash,
  sql: dash,
  lua: dash,
  haskell: dash,
  html: markup,
  xml: markup,
  markdown: markup,
  vue: markup,
  svelte: markup,
  json: { indentBlocks: false, hashComments: false },
};

const fallback: LanguageInfo = { comment: '//', indentBlocks: false, hashComments: false };

export function languageInfo(languageId: string): LanguageInfo {
  return table[languageId] ?? fallback;
}

/** Prefixes every line of `text` as a comment in the language, or undefined when it has no comments. */
export function asComment(languageId: string, text: string): string | undefined {
  const comment = languageInfo(languageId).comment;
  if (comment === undefined) return undefined;
  if (typeof comment === 'string') {
    return text
      .split('\n')
      .map((line) => (line ? `${comment} ${line}` : comment))
      .join('\n');
  }
  // A block comment must not be closed early by the text it wraps.
  return `${comment.open}\n${text.split(comment.close).join('')}\n${comment.close}`;
}

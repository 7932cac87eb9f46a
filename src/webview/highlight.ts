/**
 * A small syntax highlighter for code blocks in answers: a hand-written scanner per language
 * family (comments, strings, numbers, keywords, function names), no DOM, no external grammar.
 * It returns HTML in which every piece of the code is escaped; only our own `<span class>`
 * tags are added, so it is safe for model output.
 */

interface LanguageSpec {
  readonly keywords: ReadonlySet<string>;
  readonly literals: ReadonlySet<string>;
  readonly lineComments: readonly string[];
  readonly blockComment?: readonly [string, string];
  /** Quote characters; a quote in `multiline` may span lines. */
  readonly quotes: readonly string[];
  readonly multiline?: readonly string[];
  /** Python's `"""` and `'''`. */
  readonly tripleQuotes?: boolean;
}

const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter(Boolean));

const cLike = { lineComments: ['//'], blockComment: ['/*', '*/'] as const, quotes: ['"', "'"] };

const jsKeywords =
  'abstract as async await break case catch class const continue debugger declare default delete do else enum export extends finally for from function get if implements import in instanceof interface keyof let namespace new of private protected public readonly return satisfies set static super switch this throw try type typeof var void while with yield';

const specs: Readonly<Record<string, LanguageSpec>> = {
  typescript: { ...cLike, quotes: ['"', "'", '`'], multiline: ['`'], keywords: words(jsKeywords), literals: words('true false null undefined NaN Infinity') },
  python: {
    lineComments: ['#'],
    quotes: ['"', "'"],
    tripleQuotes: true,
    keywords: words('and as assert async await break class continue def del elif else except finally for from global if import in is lambda match case nonlocal not or pass raise return try while with yield self'),
    literals: words('True False None'),
  },
  go: {
    ...cLike,
    quotes: ['"', "'", '`'],
    multiline: ['`'],
    keywords: words('break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'),
    literals: words('true false nil iota'),
  },
  rust: {
    ...cLike,
    quotes: ['"'],
    keywords: words('as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait type unsafe use where while'),
    literals: words('true false None Some Ok Err'),
  },
  java: {
    ...cLike,
    keywords: words('abstract assert break case catch class const continue default do else enum extends final finally for if implements import instanceof interface native new package private protected public record return static super switch synchronized this throw throws try var void volatile while'),
    literals: words('true false null'),
  },
  csharp: {
    ...cLike,
    keywords: words('abstract as async await base break case catch class const continue default delegate do else enum event explicit extern finally fixed for foreach if implicit in interface internal is lock namespace new operator out override params private protected public readonly record ref return sealed static struct switch this throw try typeof using var virtual void volatile while'),
    literals: words('true false null'),
  },
  c: {
    ...cLike,
    keywords: words('auto break case char class const constexpr continue default delete do double else enum extern float for goto if include define inline int long namespace new private protected public return short signed sizeof static struct switch template this typedef typename union unsigned using virtual void volatile while'),
    literals: words('true false NULL nullptr'),
  },
  shell: {
    lineComments: ['#'],
    quotes: ['"', "'"],
    multiline: ['"', "'"],
    keywords: words('if then else elif fi for while until do done case esac function in return export local set unset echo cd exit'),
    literals: words('true false'),
  },
  json: { lineComments: [], quotes: ['"'], keywords: words(''), literals: words('true false null') },
  css: { lineComments: [], blockComment: ['/*', '*/'], quotes: ['"', "'"], keywords: words('important media import supports keyframes'), literals: words('') },
  sql: {
    lineComments: ['--'],
    blockComment: ['/*', '*/'],
    quotes: ["'", '"'],
    keywords: words('select from where insert into values update set delete create table alter drop index join left right inner outer on group by order having limit and or not as distinct union primary key foreign references'),
    literals: words('null true false'),
  },
  yaml: { lineComments: ['#'], quotes: ['"', "'"], keywords: words(''), literals: words('true false null yes no') },
};

const aliases: Readonly<Record<string, string>> = {
  ts: 'typescript', tsx: 'typescript', typescript: 'typescript', typescriptreact: 'typescript', javascriptreact: 'typescript', shellscript: 'shell', js: 'typescript', jsx: 'typescript', javascript: 'typescript', mjs: 'typescript', cjs: 'typescript',
  py: 'python', python: 'python', go: 'go', golang: 'go', rs: 'rust', rust: 'rust', java: 'java', kotlin: 'java', kt: 'java',
  cs: 'csharp', csharp: 'csharp', c: 'c', h: 'c', cpp: 'c', 'c++': 'c', cc: 'c', hpp: 'c',
  sh: 'shell', bash: 'shell', zsh: 'shell', shell: 'shell', console: 'shell',
  json: 'json', jsonc: 'json', css: 'css', scss: 'css', less: 'css', sql: 'sql', yaml: 'yaml', yml: 'yaml',
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The language family a fence's info string names, or undefined when we have no scanner for it. */
export function languageFamily(language: string): string | undefined {
  return aliases[language.toLowerCase()];
}

type TokenClass = 'comment' | 'string' | 'number' | 'keyword' | 'literal' | 'function' | 'plain';

/** Splits code into classified pieces; concatenated, they are the code exactly. */
export function tokenize(code: string, language: string): Array<{ readonly text: string; readonly kind: TokenClass }> {
  const family = languageFamily(language);
  const spec = family ? specs[family] : undefined;
  if (!spec) return [{ text: code, kind: 'plain' }];
  const tokens: Array<{ text: string; kind: TokenClass }> = [];
  const push = (text: string, kind: TokenClass) => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind && kind === 'plain') last.text += text;
    else tokens.push({ text, kind });
  };
  let i = 0;
  const rest = (marker: string, at: number) => code.startsWith(marker, at);
  while (i < code.length) {
    const lineComment = spec.lineComments.find((marker) => rest(marker, i));
    if (lineComment) {
      const end = code.indexOf('\n', i);
      const stop = end === -1 ? code.length : end;
      push(code.slice(i, stop), 'comment');
      i = stop;
      continue;
    }
    if (spec.blockComment && rest(spec.blockComment[0], i)) {
      const end = code.indexOf(spec.blockComment[1], i + spec.blockComment[0].length);
      const stop = end === -1 ? code.length : end + spec.blockComment[1].length;
      push(code.slice(i, stop), 'comment');
      i = stop;
      continue;
    }
    const char = code[i]!;
    if (spec.tripleQuotes && (rest('"""', i) || rest("'''", i))) {
      const quote = code.slice(i, i + 3);
      const end = code.indexOf(quote, i + 3);
      const stop = end === -1 ? code.length : end + 3;
      push(code.slice(i, stop), 'string');
      i = stop;
      continue;
    }
    if (spec.quotes.includes(char)) {
      const multiline = spec.multiline?.includes(char) ?? false;
      let j = i + 1;
      while (j < code.length && code[j] !== char && (multiline || code[j] !== '\n')) j += code[j] === '\\' ? 2 : 1;
      const stop = Math.min(code.length, j + 1);
      push(code.slice(i, stop), 'string');
      i = stop;
      continue;
    }
    const number = /^(?:0[xob][\da-f_]+|\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?)n?/i.exec(code.slice(i, i + 64));
    if (number && !/[\w$]/.test(code[i - 1] ?? '')) {
      push(number[0], 'number');
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(code.slice(i, i + 256));
    if (word) {
      const text = word[0];
      const after = code.slice(i + text.length).match(/^\s*\(/);
      push(text, spec.keywords.has(text) ? 'keyword' : spec.literals.has(text) ? 'literal' : after ? 'function' : 'plain');
      i += text.length;
      continue;
    }
    push(char, 'plain');
    i++;
  }
  return tokens;
}

/** Highlighted, escaped HTML for a code block. */
export function highlightCode(code: string, language: string): string {
  return tokenize(code, language)
    .map((token) => (token.kind === 'plain' ? escapeHtml(token.text) : `<span class="tok-${token.kind}">${escapeHtml(token.text)}</span>`))
    .join('');
}

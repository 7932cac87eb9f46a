/**
 * JSDoc blocks as natural-language queries, and source without its comments as the tree they are
 * asked of. Both go through TypeScript's parser, not regular expressions: only a parser knows
 * whether `//` or `/*` sits in a string, a template literal, a regex or a comment.
 */
import ts from 'typescript';

export interface DocBlock {
  /** The block's first sentence of prose, cleaned; undefined when it has none. */
  readonly sentence: string | undefined;
  /** Names the following declaration goes by (`save` for `Model.prototype.save = function save`); empty for no declaration. */
  readonly names: readonly string[];
  /** 1-based line of the block's start. */
  readonly line: number;
}

function scriptKind(fileName: string): ts.ScriptKind {
  if (/\.[cm]?tsx?$/.test(fileName)) return fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return fileName.endsWith('x') ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

function parse(text: string, fileName: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKind(fileName));
}

const isFunctionLike = (node: ts.Node | undefined): node is ts.FunctionExpression | ts.ArrowFunction | ts.ClassExpression =>
  !!node && (ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isClassExpression(node));

function unwrap(node: ts.Expression | undefined): ts.Expression | undefined {
  while (node && ts.isParenthesizedExpression(node)) node = node.expression;
  return node;
}

function nameText(name: ts.Node | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isPrivateIdentifier(name)) return name.text.slice(1);
  if (ts.isPropertyAccessExpression(name)) return name.name.text;
  if (ts.isElementAccessExpression(name)) return nameText(name.argumentExpression);
  return undefined;
}

/**
 * The names a node declares when it is a function, method, class or a variable or property set
 * to one; undefined for any other node. `a.b = c.d = function e() {}` declares b, d and e.
 */
function declaredNames(node: ts.Node): string[] | undefined {
  const own = (fn: ts.Node | undefined) => (fn && (ts.isFunctionExpression(fn) || ts.isClassExpression(fn)) && fn.name ? [fn.name.text] : []);
  if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) return node.name ? [node.name.text] : [];
  if (ts.isConstructorDeclaration(node)) return ts.isClassLike(node.parent) && node.parent.name ? [node.parent.name.text] : [];
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) return [nameText(node.name)].filter((name) => name !== undefined);
  if (ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node)) {
    const value = unwrap(node.initializer);
    return isFunctionLike(value) ? [nameText(node.name), ...own(value)].filter((name) => name !== undefined) : undefined;
  }
  if (ts.isVariableStatement(node)) {
    const declarations = node.declarationList.declarations;
    const value = unwrap(declarations[0]?.initializer);
    return declarations.length === 1 && isFunctionLike(value) ? [nameText(declarations[0].name), ...own(value)].filter((name) => name !== undefined) : undefined;
  }
  if (ts.isExpressionStatement(node)) {
    const names: string[] = [];
    let expression = unwrap(node.expression);
    while (expression && ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const name = nameText(expression.left);
      if (name !== undefined) names.push(name);
      expression = unwrap(expression.right);
    }
    return names.length > 0 && isFunctionLike(expression) ? [...names, ...own(expression)] : undefined;
  }
  return undefined;
}

const isDocComment = (text: string, range: ts.CommentRange) => text.startsWith('/**', range.pos) && !text.startsWith('/**/', range.pos);

/** Every `/** … *\/` block of a file, with the names of the declaration right after it, if any. */
export function docBlocks(text: string, fileName: string): DocBlock[] {
  const file = parse(text, fileName);
  const named = new Map<number, string[]>();
  const visit = (node: ts.Node) => {
    const names = declaredNames(node);
    if (names) {
      // The block must be the last comment before the declaration, not one further up.
      const last = ts.getLeadingCommentRanges(text, node.pos)?.at(-1);
      if (last && isDocComment(text, last) && !named.has(last.pos)) named.set(last.pos, names);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return commentRanges(file)
    .filter((range) => isDocComment(text, range))
    .map((range) => ({
      sentence: firstSentence(text.slice(range.pos, range.end)),
      names: named.get(range.pos) ?? [],
      line: file.getLineAndCharacterOfPosition(range.pos).line + 1,
    }));
}

/** Abbreviations whose period does not end a sentence. */
const abbreviation = /(?:^|[\s(])(e\.g|i\.e|etc|vs|cf|approx|incl|esp|resp|no)$/i;

/**
 * The first sentence of a doc comment's prose: tags and their lines dropped, {@link X} as X,
 * HTML and Markdown markup dropped, whitespace collapsed. Mongoose writes some descriptions
 * only under `@description`, so that tag stands in when there is no prose before the tags.
 */
export function firstSentence(comment: string): string | undefined {
  const lines = comment
    .replace(/^\/\*\*+/, '')
    .replace(/\*+\/$/, '')
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*\*(?!\*)\s?/, '').trimEnd());
  const firstTag = lines.findIndex((line) => /^\s*@/.test(line));
  let prose = firstTag < 0 ? lines : lines.slice(0, firstTag);
  if (prose.every((line) => line.trim() === '') && firstTag >= 0) {
    const description = lines.findIndex((line) => /^\s*@(description|desc|summary|classdesc)\b/.test(line));
    if (description < 0) return undefined;
    const end = lines.findIndex((line, i) => i > description && /^\s*@/.test(line));
    prose = lines.slice(description, end < 0 ? undefined : end);
    prose[0] = prose[0].replace(/^\s*@\w+\s*/, '');
  }
  // The first paragraph: up to a blank line, a heading, a code fence or an indented example.
  const start = prose.findIndex((line) => line.trim() !== '');
  if (start < 0) return undefined;
  const paragraph: string[] = [];
  for (const line of prose.slice(start)) {
    if (line.trim() === '' || /^\s*(#|```|~~~)/.test(line) || /^( {4}|\t)/.test(line)) break;
    paragraph.push(line);
  }
  const clean = cleanMarkup(paragraph.join(' '));
  for (const match of clean.matchAll(/[.!?](?=\s|$)/g)) {
    if (match[0] === '.' && abbreviation.test(clean.slice(0, match.index))) continue;
    return clean.slice(0, match.index + 1);
  }
  return clean || undefined;
}

/** Prose without inline tags, HTML, Markdown emphasis, links and code marks, on one line. */
export function cleanMarkup(text: string): string {
  return text
    .replace(/\{@(?:link|linkcode|linkplain)\s+([^}|\s]+)(?:\s*\|\s*|\s+)?([^}]*)\}/g, (_match, target: string, label: string) => label.trim() || target)
    .replace(/\{@\w+\s*([^}]*)\}/g, '$1')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/<\/?[a-z][a-z0-9]*(\s[^<>]*)?\/?>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/`+/g, '')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[\s(])\*(?=\S)([^*]+?)(?<=\S)\*(?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A name's words: `getHTTPResponse` → get, http, response; `_read_file` → read, file. */
export function nameWords(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((word) => word.toLowerCase());
}

/**
 * Whether `sentence` gives a name away: the name as a whole word (case-insensitive), or its
 * camelCase words in a row ("get connection" for getConnection), so the query does not hand
 * the retriever the identifier it should find.
 */
export function leaksName(sentence: string, name: string): boolean {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const bare = name.replace(/^[_$#]+|[_$]+$/g, '');
  const forms = [escape(name), escape(bare), nameWords(bare).map(escape).join('[\\s_-]+')].filter((form) => form !== '');
  return forms.some((form) => new RegExp(`(?<![\\w$])${form}(?![\\w$])`, 'i').test(sentence));
}

/** Every comment of a parsed file, in order; trivia is read only between real tokens. */
function commentRanges(file: ts.SourceFile): ts.CommentRange[] {
  const text = file.text;
  const ranges = new Map<number, ts.CommentRange>();
  const visit = (node: ts.Node) => {
    // JSDoc nodes sit inside comments and JSX text is content: neither is followed by trivia of its own.
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(file);
    if (children.length === 0 && node.kind !== ts.SyntaxKind.JsxText && node.kind !== ts.SyntaxKind.SyntaxList) {
      // Comments before the trivia's first line break count as "trailing", the rest as "leading".
      for (const range of [...(ts.getTrailingCommentRanges(text, node.pos) ?? []), ...(ts.getLeadingCommentRanges(text, node.pos) ?? [])]) ranges.set(range.pos, range);
    }
    for (const child of children) visit(child);
  };
  visit(file);
  return [...ranges.values()].sort((a, b) => a.pos - b.pos);
}

/**
 * The file with every comment removed and each comment's line breaks kept, so every other
 * token stays on its line. A one-line block comment between two tokens becomes a space, so
 * `a/* x *\/b` does not turn into `ab`.
 */
export function stripComments(text: string, fileName: string): string {
  let out = '';
  let at = 0;
  for (const range of commentRanges(parse(text, fileName))) {
    const breaks = text.slice(range.pos, range.end).match(/\r\n|\r|\n/g)?.join('') ?? '';
    const touching = breaks === '' && range.kind === ts.SyntaxKind.MultiLineCommentTrivia && /\S/.test(text[range.pos - 1] ?? '') && /\S/.test(text[range.end] ?? '');
    out += text.slice(at, range.pos) + (touching ? ' ' : breaks);
    at = range.end;
  }
  return out + text.slice(at);
}

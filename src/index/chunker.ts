import { createHash } from 'node:crypto';
import type { Node } from 'web-tree-sitter';
import { embeddingText } from './embedder.ts';
import { languageForPath } from './languages.ts';
import type { TreeSitterParsers } from './treeSitterParsers.ts';

/** A piece of a file that is embedded and searched as one unit. Lines are 1-based, inclusive. */
export interface Chunk {
  readonly startLine: number;
  readonly endLine: number;
  readonly language: string;
  /** The enclosing definition, e.g. `Parser.parseExpression`; undefined for top-level glue. */
  readonly symbol?: string;
  readonly text: string;
  /** sha256 of what is embedded, symbol and text (first 32 hex digits): chunks with one hash share a vector. */
  readonly hash: string;
}

export interface ChunkerOptions {
  readonly maxLines: number;
  readonly maxChars: number;
  /** Units shorter than this are merged with their neighbours. */
  readonly minLines: number;
  /** Lines shared by consecutive windows when a unit or a file is cut by lines. */
  readonly overlapLines: number;
}

export const defaultChunkerOptions: ChunkerOptions = { maxLines: 80, maxChars: 3000, minLines: 8, overlapLines: 5 };

interface Span {
  start: number;
  end: number;
  symbol: string | undefined;
}

// Node types that are units of code across the shipped grammars.
const containerTypes = new Set([
  'class_declaration', 'abstract_class_declaration', 'class', 'class_definition', 'interface_declaration',
  'enum_declaration', 'impl_item', 'trait_item', 'mod_item', 'struct_item', 'enum_item', 'module', 'internal_module',
  'namespace_declaration', 'namespace_definition', 'class_specifier', 'struct_specifier', 'struct_declaration',
  'record_declaration', 'trait_declaration', 'object_declaration',
]);
const functionTypes = new Set([
  'function_declaration', 'generator_function_declaration', 'function_definition', 'method_definition',
  'method_declaration', 'constructor_declaration', 'function_item', 'method', 'singleton_method',
  'function_signature', 'abstract_method_signature', 'type_declaration',
]);
// Wrappers whose inner declaration is the unit (export, decorators).
const wrapperTypes = new Set(['export_statement', 'decorated_definition', 'template_declaration']);

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * Cuts a file into chunks that follow the code: functions, classes and methods are units when a
 * grammar covers the language; units too long are cut into windows, tiny ones merged. Other files
 * are cut into overlapping line windows.
 */
export class Chunker {
  private readonly parsers: TreeSitterParsers | undefined;
  private readonly options: ChunkerOptions;

  constructor(parsers: TreeSitterParsers | undefined, options: Partial<ChunkerOptions> = {}) {
    this.parsers = parsers;
    this.options = { ...defaultChunkerOptions, ...options };
  }

  async chunk(path: string, text: string): Promise<Chunk[]> {
    const info = languageForPath(path);
    const lines = text.split(/\r?\n/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0 || text.trim() === '') return [];
    let spans: Span[] | undefined;
    const parser = info.grammar && this.parsers ? await this.parsers.parserFor(info.grammar) : undefined;
    if (parser) {
      const tree = parser.parse(text);
      try {
        if (tree) spans = this.syntaxSpans(tree.rootNode, lines);
      } finally {
        tree?.delete();
      }
    }
    spans ??= this.windows(0, lines.length - 1, undefined, lines);
    return spans
      .filter((span) => lines.slice(span.start, span.end + 1).some((line) => line.trim() !== ''))
      .map((span) => {
        const chunkText = lines.slice(span.start, span.end + 1).join('\n');
        return {
          startLine: span.start + 1,
          endLine: span.end + 1,
          language: info.id,
          ...(span.symbol !== undefined ? { symbol: span.symbol } : {}),
          text: chunkText,
          hash: contentHash(embeddingText({ ...(span.symbol !== undefined ? { symbol: span.symbol } : {}), text: chunkText })),
        };
      });
  }

  private syntaxSpans(root: Node, lines: readonly string[]): Span[] {
    const spans: Span[] = [];
    this.cover(root, 0, lines.length - 1, undefined, lines, spans);
    return this.merge(spans, lines);
  }

  /** Covers lines [from, to] of `node`'s body with spans: units for inner definitions, glue between. */
  private cover(node: Node, from: number, to: number, prefix: string | undefined, lines: readonly string[], out: Span[]): void {
    const units = innerUnits(node);
    let cursor = from;
    for (const unit of units) {
      const start = Math.max(unit.node.startPosition.row, cursor);
      const end = Math.min(unit.node.endPosition.row, to);
      if (end < start) continue;
      if (start > cursor) out.push(...this.windows(cursor, start - 1, prefix, lines));
      const symbol = unit.name ? (prefix ? `${prefix}.${unit.name}` : unit.name) : prefix;
      if (this.fits(start, end, lines)) {
        out.push({ start, end, symbol });
      } else if (unit.container && innerUnits(unit.declaration).length > 0) {
        // A large class: its methods become chunks of their own, named Class.method.
        this.cover(unit.declaration, start, end, symbol, lines, out);
      } else {
        out.push(...this.windows(start, end, symbol, lines));
      }
      cursor = end + 1;
    }
    if (cursor <= to) out.push(...this.windows(cursor, to, prefix, lines));
  }

  private fits(start: number, end: number, lines: readonly string[]): boolean {
    if (end - start + 1 > this.options.maxLines) return false;
    let chars = 0;
    for (let i = start; i <= end; i++) chars += lines[i].length + 1;
    return chars <= this.options.maxChars;
  }

  /** Line windows over [start, end] within the size limits, consecutive windows overlapping. */
  private windows(start: number, end: number, symbol: string | undefined, lines: readonly string[]): Span[] {
    const out: Span[] = [];
    let from = start;
    while (from <= end) {
      let to = from;
      let chars = lines[from].length + 1;
      while (to + 1 <= end && to + 1 - from < this.options.maxLines && chars + lines[to + 1].length + 1 <= this.options.maxChars) {
        to++;
        chars += lines[to].length + 1;
      }
      out.push({ start: from, end: to, symbol });
      if (to >= end) break;
      from = Math.max(from + 1, to + 1 - this.options.overlapLines);
    }
    return out;
  }

  /** Merges tiny neighbouring spans (imports, one-line helpers) while they fit together. */
  private merge(spans: readonly Span[], lines: readonly string[]): Span[] {
    const out: Span[] = [];
    for (const span of spans) {
      const last = out.at(-1);
      const small = (s: Span) => s.end - s.start + 1 < this.options.minLines;
      if (last && last.end + 1 >= span.start && (small(last) || small(span)) && this.fits(last.start, span.end, lines)) {
        last.end = Math.max(last.end, span.end);
        last.symbol = joinSymbols(last.symbol, span.symbol);
      } else {
        out.push({ ...span });
      }
    }
    return out;
  }
}

function joinSymbols(a: string | undefined, b: string | undefined): string | undefined {
  const names = [...new Set([...(a?.split(', ') ?? []), ...(b?.split(', ') ?? [])])];
  // A class named next to its own methods adds nothing: keep the most specific names.
  const specific = names.filter((name) => !names.some((other) => other !== name && other.startsWith(`${name}.`)));
  return specific.length === 0 ? undefined : specific.join(', ');
}

interface Unit {
  /** The whole unit, decorators and `export` included. */
  readonly node: Node;
  /** The declaration itself, whose children are searched for inner units. */
  readonly declaration: Node;
  readonly name: string | undefined;
  readonly container: boolean;
}

/** The definitions directly inside `node`, looking through bodies and wrappers but not into functions. */
function innerUnits(node: Node): Unit[] {
  const out: Unit[] = [];
  const visit = (parent: Node, depth: number) => {
    for (const child of parent.namedChildren) {
      if (!child) continue;
      const unit = asUnit(child);
      if (unit) out.push(unit);
      else if (depth < 3 && !functionTypes.has(child.type) && child.namedChildCount > 0 && child.endPosition.row > child.startPosition.row) {
        visit(child, depth + 1);
      }
    }
  };
  visit(node, 0);
  return out;
}

function asUnit(node: Node): Unit | undefined {
  if (wrapperTypes.has(node.type)) {
    const inner = node.childForFieldName('declaration') ?? node.childForFieldName('definition') ?? node.namedChildren.find((c) => c && asUnit(c));
    const unit = inner ? asUnit(inner) : undefined;
    return unit ? { ...unit, node } : undefined;
  }
  if (containerTypes.has(node.type)) return { node, declaration: node, name: nameOf(node), container: true };
  if (functionTypes.has(node.type)) return { node, declaration: node, name: nameOf(node), container: false };
  // `const handler = () => …` and `field = function …`: a function by another syntax.
  if (node.type === 'lexical_declaration' || node.type === 'variable_declaration' || node.type === 'public_field_definition' || node.type === 'field_definition') {
    const declarator = node.type.endsWith('field_definition') ? node : node.namedChildren.find((c) => c?.type === 'variable_declarator');
    const value = declarator?.childForFieldName('value');
    if (value && /^(arrow_function|function_expression|function|class|generator_function)$/.test(value.type)) {
      const name = declarator?.childForFieldName('name') ?? declarator?.childForFieldName('property');
      return { node, declaration: value, name: name?.text, container: value.type === 'class' };
    }
  }
  return undefined;
}

function nameOf(node: Node): string | undefined {
  if (node.type === 'impl_item') {
    const trait = node.childForFieldName('trait')?.text;
    const type = node.childForFieldName('type')?.text;
    return trait && type ? `${type} as ${trait}` : type;
  }
  const name = node.childForFieldName('name');
  if (name) {
    if (node.type === 'method_declaration') {
      // Go methods: name them Receiver.method.
      const receiver = node.childForFieldName('receiver')?.text.match(/(\w+)\s*(\[[^\]]*\])?\s*\)$/)?.[1];
      if (receiver) return `${receiver}.${name.text}`;
    }
    return name.text;
  }
  if (node.type === 'type_declaration') return node.namedChildren.find((c) => c?.type === 'type_spec')?.childForFieldName('name')?.text;
  // C and C++: the name sits inside nested declarators.
  let declarator = node.childForFieldName('declarator');
  for (let i = 0; declarator && i < 5; i++) {
    if (/identifier$/.test(declarator.type) || declarator.type === 'destructor_name' || declarator.type === 'operator_name') {
      return declarator.text.replace(/::/g, '.');
    }
    declarator = declarator.childForFieldName('declarator') ?? declarator.namedChildren.find((c) => c && /identifier|declarator/.test(c.type)) ?? null;
  }
  return undefined;
}

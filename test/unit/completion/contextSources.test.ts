import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextQuery, prefixWindow, suffixWindow } from '../../../src/completion/contextGatherer.ts';
import { extractDefinitions, importCandidates, parseImports } from '../../../src/completion/importedDefinitions.ts';
import { asComment } from '../../../src/completion/languages.ts';
import { LineTokenCounter } from '../../../src/completion/lineTokenCounter.ts';
import { jaccard, SimilarSnippets } from '../../../src/completion/similarSnippets.ts';
import { tokenCounter } from '../../../src/llm/tokenizer.ts';

test('imports: TS/JS named, default, namespace and require; only relative ones', () => {
  const text = [
    "import { readFile, type Stats as S } from './fs.js';",
    "import Parser from '../parser';",
    "import * as utils from './utils/index.ts';",
    "import { z } from 'zod';",
    "export { helper } from './helper';",
    "const { join } = require('./path');",
  ].join('\n');
  assert.deepEqual(parseImports(text, 'typescript'), [
    { specifier: './fs.js', names: ['readFile', 'Stats'] },
    { specifier: '../parser', names: ['default'] },
    { specifier: './utils/index.ts', names: [] },
    { specifier: './helper', names: ['helper'] },
    { specifier: './path', names: ['join'] },
  ]);
});

test('imports: Python relative and sibling modules', () => {
  const text = 'import os\nfrom .models import User, Order as O\nfrom ..core.db import (session)\nimport helpers\n';
  assert.deepEqual(parseImports(text, 'python'), [
    { specifier: '.models', names: ['User', 'Order'] },
    { specifier: '..core.db', names: ['session'] },
    { specifier: 'os', names: [] },
    { specifier: 'helpers', names: [] },
  ]);
  assert.deepEqual(importCandidates('app/api/views.py', '.models', 'python'), ['app/api/models.py', 'app/api/models/__init__.py']);
  assert.deepEqual(importCandidates('app/api/views.py', '..core.db', 'python'), ['app/core/db.py', 'app/core/db/__init__.py']);
});

test('import candidates: NodeNext `.js` maps to the `.ts` source first, folders to index files', () => {
  const candidates = importCandidates('src/a/b.ts', '../lib/fs.js', 'typescript');
  assert.equal(candidates[0], 'src/lib/fs.js');
  assert.ok(candidates.indexOf('src/lib/fs.ts') < candidates.indexOf('src/lib/fs.js.ts') || !candidates.includes('src/lib/fs.js.ts'));
  assert.ok(candidates.includes('src/lib/fs.ts'));
  assert.ok(importCandidates('src/a.ts', './utils', 'typescript').includes('src/utils/index.ts'));
});

test('definitions: TS signatures without bodies, types whole, class members as signatures, private left out', () => {
  const source = [
    'export async function load(path: string): Promise<string> {',
    '  return read(path);',
    '}',
    'function internal() {}',
    'export type Mode = "a" | "b";',
    'export interface Options {',
    '  readonly path: string;',
    '}',
    'export class Store {',
    '  private cache = new Map();',
    '  get(key: string): number {',
    '    return 1;',
    '  }',
    '  async save(): Promise<void> {',
    '  }',
    '}',
    'export const limit = 5;',
  ].join('\n');
  assert.equal(
    extractDefinitions(source, 'typescript'),
    [
      'export async function load(path: string): Promise<string>;',
      'export type Mode = "a" | "b";',
      'export interface Options {',
      '  readonly path: string;',
      '}',
      'export class Store {',
      '  get(key: string): number;',
      '  async save(): Promise<void>;',
      '}',
      'export const limit = 5;',
    ].join('\n'),
  );
  assert.equal(extractDefinitions(source, 'typescript', ['limit']), 'export const limit = 5;');
});

test('definitions: Python functions and public methods, signatures only', () => {
  const source = 'class User:\n    def __init__(self, name):\n        self.name = name\n\n    def _secret(self):\n        pass\n\n    def greet(self) -> str:\n        return "hi"\n\ndef make(name: str) -> User:\n    return User(name)\n';
  assert.equal(extractDefinitions(source, 'python'), 'class User:\n    def __init__(self, name):\n    def greet(self) -> str:\ndef make(name: str) -> User:');
  assert.equal(extractDefinitions(source, 'python', ['make']), 'def make(name: str) -> User:');
});

test('similar snippets: the window sharing the most identifiers wins, one per file, best file first', () => {
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `const unrelated${i} = other${i};`).join('\n');
  const billing = `${filler(40)}\nfunction invoiceTotal(invoice) {\n  return invoice.lines.reduce((sum, line) => sum + line.amount * line.quantity, 0);\n}\n${filler(40)}`;
  const shipping = 'function shippingCost(order) {\n  return order.weight * rate;\n}';
  const similar = new SimilarSnippets();
  const found = similar.find('const total = invoice.lines.reduce((sum, line) => sum + line.amount', [
    { path: 'shipping.ts', languageId: 'typescript', version: 1, text: shipping },
    { path: 'billing.ts', languageId: 'typescript', version: 1, text: billing },
  ]);
  assert.equal(found[0]?.path, 'billing.ts');
  assert.match(found[0]!.text, /invoice\.lines\.reduce/);
  assert.equal(found.filter((snippet) => snippet.path === 'billing.ts').length, 1);
  assert.ok(!found.some((snippet) => snippet.path === 'shipping.ts'), 'below the minimum similarity');
  assert.equal(jaccard(new Set(['a', 'b']), new Set(['b', 'c'])), 1 / 3);
});

test('windows: the prefix keeps whole lines from the cursor up, the suffix whole lines down, within the cap', () => {
  const counter = new LineTokenCounter(tokenCounter);
  const prefix = Array.from({ length: 200 }, (_, i) => `line number ${i} of the prefix`).join('\n') + '\n  const x = ';
  const window = prefixWindow(prefix, 50, counter);
  assert.ok(window.tokens <= 50);
  assert.ok(window.text.startsWith('line number'));
  assert.ok(window.text.endsWith('\n  const x = '));
  assert.equal(window.whole, false);
  const suffix = ';\n' + Array.from({ length: 200 }, (_, i) => `after ${i}`).join('\n');
  const after = suffixWindow(suffix, 30, counter);
  assert.ok(after.tokens <= 30 && after.text.startsWith(';\nafter 0') && /after \d+$/.test(after.text));
  assert.deepEqual(prefixWindow('short', 50, counter), { text: 'short', tokens: counter.count('short'), whole: true });
  assert.equal(contextQuery('a\nb\nc\nd', 2), 'c\nd');
  assert.equal(contextQuery('a\nb', 5), 'a\nb');
});

test('line token counter: per-line sums err high by at most 10% on short lines', () => {
  const counter = new LineTokenCounter(tokenCounter);
  const text = Array.from({ length: 50 }, (_, i) => `export function handler${i}(request: Request): Promise<Response> {`).join('\n');
  const exact = tokenCounter.count(text);
  const summed = counter.count(text);
  assert.ok(summed >= exact && summed <= exact * 1.1, `${summed} vs ${exact}`);
  assert.equal(counter.count(text), summed, 'the cached count is the same');
});

test('comments for FIM context: line comments, block comments, none for JSON', () => {
  assert.equal(asComment('python', 'a\n\nb'), '# a\n#\n# b');
  assert.equal(asComment('go', 'x'), '// x');
  assert.equal(asComment('html', 'a --> b'), '<!--\na  b\n-->');
  assert.equal(asComment('json', 'x'), undefined);
});

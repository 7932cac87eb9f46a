import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Chunk, Chunker, contentHash } from '../../../src/index/chunker.ts';
import { embeddingText } from '../../../src/index/embedder.ts';
import { TreeSitterParsers } from '../../../src/index/treeSitterParsers.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'index', 'realworld');
const chunker = new Chunker(new TreeSitterParsers());
const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');

/** Every line of the file is in some chunk, chunks are in order, each within the limits. */
function assertCovers(chunks: readonly Chunk[], text: string): void {
  const lines = text.split(/\r?\n/);
  const covered = new Set<number>();
  let previousStart = 0;
  for (const chunk of chunks) {
    assert.ok(chunk.startLine >= previousStart, 'chunks in order');
    previousStart = chunk.startLine;
    assert.ok(chunk.endLine - chunk.startLine + 1 <= 80, `chunk ${chunk.startLine}-${chunk.endLine} too long`);
    assert.equal(chunk.text, lines.slice(chunk.startLine - 1, chunk.endLine).join('\n'));
    assert.equal(chunk.hash, contentHash(embeddingText(chunk)));
    for (let line = chunk.startLine; line <= chunk.endLine; line++) covered.add(line);
  }
  for (let line = 1; line <= lines.length; line++) {
    if (lines[line - 1].trim() !== '') assert.ok(covered.has(line), `line ${line} not in any chunk`);
  }
}

const symbolsOf = (chunks: readonly Chunk[]) => chunks.flatMap((chunk) => chunk.symbol?.split(', ') ?? []);

test('TypeScript: a class is cut into its methods, named Class.method', async () => {
  const text = read('LocalDocument.ts.txt');
  const chunks = await chunker.chunk('src/LocalDocument.ts', text);
  assertCovers(chunks, text);
  assert.ok(chunks.every((chunk) => chunk.language === 'typescript'));
  const symbols = symbolsOf(chunks);
  for (const method of ['LocalDocument.loadMetadata', 'LocalDocument.loadText', 'LocalDocument.getLength']) assert.ok(symbols.includes(method), method);
  const loadText = chunks.find((chunk) => chunk.symbol === 'LocalDocument.loadText')!;
  assert.match(loadText.text, /async loadText\(\)/);
});

test('Python, Go, Java and Rust: functions and methods are the units', async () => {
  const cases: [string, string, string[]][] = [
    ['flatted.py', 'python', ['parse', 'stringify', '_wrap']],
    ['flatted.go', 'go', ['Stringify', 'Parse', 'revive']],
    ['VectraClient.java', 'java', ['VectraClient.createIndex', 'VectraClient.queryItems']],
    ['lib.rs', 'rust', ['VectraClient.insert_item', 'VectraClient.query_items']],
  ];
  for (const [name, language, expected] of cases) {
    const text = read(name);
    const chunks = await chunker.chunk(name, text);
    assertCovers(chunks, text);
    assert.ok(chunks.every((chunk) => chunk.language === language), name);
    const symbols = symbolsOf(chunks);
    for (const symbol of expected) assert.ok(symbols.includes(symbol), `${name}: ${symbol} in ${symbols.join(' | ')}`);
  }
});

test('a function longer than the limit is split into overlapping windows under its name', async () => {
  const body = Array.from({ length: 200 }, (_, i) => `  total += step${i}(value);`).join('\n');
  const text = `export function huge(value: number) {\n  let total = 0;\n${body}\n  return total;\n}\n`;
  const chunks = await chunker.chunk('huge.ts', text);
  assert.ok(chunks.length >= 3);
  assert.ok(chunks.every((chunk) => chunk.symbol === 'huge'));
  for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i].startLine <= chunks[i - 1].endLine, 'windows overlap');
  assertCovers(chunks, text);
});

test('tiny neighbouring functions are merged into one chunk', async () => {
  const text = 'export function a() { return 1; }\nexport function b() { return 2; }\nexport function c() { return 3; }\n';
  const chunks = await chunker.chunk('tiny.ts', text);
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0].symbol, 'a, b, c');
});

test('files without a grammar fall back to overlapping line windows', async () => {
  const text = Array.from({ length: 190 }, (_, i) => `line ${i} of the notes`).join('\n');
  const chunks = await chunker.chunk('notes.md', text);
  assert.equal(chunks[0].language, 'markdown');
  assert.equal(chunks[0].startLine, 1);
  assert.equal(chunks[0].endLine, 80);
  assert.equal(chunks[1].startLine, 76);
  assertCovers(chunks, text);
  assert.deepEqual(await chunker.chunk('empty.ts', '\n\n  \n'), []);
});

/**
 * Builds a natural-language → code retrieval set, CodeSearchNet-style, from the doc comments of
 * published packages: the query is the first sentence of a JSDoc block that documents a
 * function, method or class, the gold files the source files holding a block with that
 * sentence. Unlike the release set, no commit is involved, so the labels are exact.
 *
 *   node bench/docstringDataset.ts --out test/fixtures/index/retrieval/docstrings.jsonl
 *
 * Rows carry `package` and `"strip": "comments"`: bench/retrieval.ts searches a copy of the
 * package with every comment and doc file removed (`strippedRoot`), so the query text is not in
 * the tree. Deterministic: versions pinned below, at most `perPackage` rows taken round-robin
 * over the files in path order, every third row "heldout".
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { docBlocks, leaksName } from './docComments.ts';
import { releaseRoot, strippedRoot } from './npmRelease.ts';
import { sourceFiles } from './releaseSource.ts';

// The newest cached version of each package the release set uses.
const packages = ['mongoose@5.13.20', 'knex@3.2.10', 'axios@1.13.2', 'nodemailer@7.0.10'];

const perPackage = 50;
const minWords = 4;
const maxWords = 30;
/** A sentence in more than this many blocks of a package is boilerplate ("Creates a new instance."). */
const maxRepeats = 2;
/** Whole sentences that say nothing about what the code does. */
const boilerplate = /^((module )?(dependencies|exports)|expose[sd]?|ignore|private|internal|constructor|deprecated|no-?op|api \w+)[.:!]?$|^(todo|fixme|istanbul|eslint|jshint|copyright)\b/i;

interface DocRow {
  readonly root: string;
  readonly package: string;
  readonly strip: 'comments';
  readonly split: 'dev' | 'heldout';
  readonly query: string;
  readonly gold_files: readonly string[];
  /** Where the query came from and what it documents, for reading the set, not for scoring. */
  readonly source: string;
  readonly symbol: string;
}

interface Candidate {
  readonly file: string;
  readonly line: number;
  readonly query: string;
  readonly symbol: string;
}

const keyOf = (sentence: string) => sentence.toLowerCase();
const wordCount = (sentence: string) => sentence.split(' ').length;

/** Files of the tree as lowercased text with collapsed whitespace, to check that no query survives in them. */
function treeText(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(root, dir, name);
    if (statSync(path).isDirectory()) out.push(...treeText(root, join(dir, name)));
    else out.push(readFileSync(path, 'utf8').toLowerCase().replace(/\s+/g, ' '));
  }
  return out;
}

function rowsOf(spec: string): DocRow[] {
  const root = releaseRoot(spec);
  const files = sourceFiles(root);
  const blocks = files.flatMap((file) => docBlocks(readFileSync(join(root, file), 'utf8'), file).map((block) => ({ ...block, file })));
  // Every block counts for repeats and gold files, documenting a declaration or not.
  const bySentence = new Map<string, typeof blocks>();
  for (const block of blocks) {
    if (block.sentence) bySentence.set(keyOf(block.sentence), [...(bySentence.get(keyOf(block.sentence)) ?? []), block]);
  }
  // A query that still occurs in the stripped tree (an error message, a string) is not a clean label.
  const tree = treeText(strippedRoot(spec));
  const inTree = (sentence: string) => tree.some((text) => text.includes(sentence.toLowerCase().replace(/[.!?:]$/, '')));
  const rejection = (sentence: string): string | undefined => {
    const same = bySentence.get(keyOf(sentence))!;
    if (wordCount(sentence) < minWords || wordCount(sentence) > maxWords) return 'length';
    if (boilerplate.test(sentence)) return 'boilerplate';
    if (same.length > maxRepeats) return 'repeated';
    if (same.some((block) => block.names.some((name) => leaksName(sentence, name)))) return 'names the declaration';
    if (inTree(sentence)) return 'still in the stripped tree';
    return undefined;
  };
  const byFile = new Map<string, Candidate[]>();
  const seen = new Set<string>();
  const rejected: Record<string, number> = {};
  for (const block of blocks) {
    const sentence = block.sentence;
    if (!sentence || block.names.length === 0 || seen.has(keyOf(sentence))) continue;
    seen.add(keyOf(sentence));
    const reason = rejection(sentence);
    if (reason) rejected[reason] = (rejected[reason] ?? 0) + 1;
    else byFile.set(block.file, [...(byFile.get(block.file) ?? []), { file: block.file, line: block.line, query: sentence, symbol: block.names[0] }]);
  }
  const kept = [...byFile.values()].reduce((sum, list) => sum + list.length, 0);
  console.log(`${spec}: ${blocks.length} doc blocks in ${files.length} files, ${seen.size} sentences documenting a declaration, ${kept} kept; left out: ${Object.entries(rejected).map(([reason, count]) => `${count} ${reason}`).join(', ')}`);
  // Round-robin over files in path order, so a file with a hundred documented methods does not fill the set.
  const queues = [...byFile.keys()].sort().map((file) => [...byFile.get(file)!]);
  const picked: Candidate[] = [];
  while (picked.length < perPackage && queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) if (queue.length > 0 && picked.length < perPackage) picked.push(queue.shift()!);
  }
  return picked
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))
    .map((candidate, i) => ({
      root: `${spec}+nocomments`,
      package: spec,
      strip: 'comments',
      split: i % 3 === 2 ? 'heldout' : 'dev',
      query: candidate.query,
      gold_files: [...new Set(bySentence.get(keyOf(candidate.query))!.map((block) => block.file))].sort(),
      source: `${candidate.file}:${candidate.line}`,
      symbol: candidate.symbol,
    }));
}

const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (!values.out) {
  console.error('Usage: node bench/docstringDataset.ts --out F.jsonl');
  process.exit(1);
}
const rows: DocRow[] = [];
for (const spec of packages) {
  const packageRows = rowsOf(spec);
  console.log(`${spec}: ${packageRows.length} rows`);
  rows.push(...packageRows);
}
writeFileSync(values.out, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
console.log(`wrote ${rows.length} rows to ${values.out}`);

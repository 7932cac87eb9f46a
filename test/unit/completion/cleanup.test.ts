import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanCompletion } from '../../../src/completion/cleanup.ts';
import { completionMode } from '../../../src/completion/cursorContext.ts';
import { contextAt } from './fixtures.ts';

interface Case {
  readonly name: string;
  readonly doc: string;
  readonly raw: string;
  readonly expected: string;
  readonly language?: string;
  /** Native FIM output (no fences, no echo); chat otherwise. */
  readonly fim?: boolean;
}

const cases: readonly Case[] = [
  // Suffix overlap and brackets
  { name: 'ts: drops the `);` the suffix already has', doc: 'const x = foo(<|>);', raw: 'a, b);', expected: 'a, b' },
  { name: 'ts: never closes a bracket the suffix closes', doc: 'const x = foo(<|>)', raw: 'bar(1))', expected: 'bar(1)' },
  { name: 'ts: an unmatched closer plus punctuation goes too', doc: 'const x = foo(<|>)', raw: 'bar(1));', expected: 'bar(1)' },
  { name: 'ts: keeps brackets the suggestion opens and closes itself', doc: 'const x = foo(<|>)', raw: 'bar()', expected: 'bar()' },
  { name: 'ts: drops a repeated `;` at the end of the line', doc: 'const x = <|>;', raw: '5;', expected: '5' },
  { name: 'ts: drops a repeated closing quote', doc: "const s = '<|>';", raw: "hello';", expected: 'hello' },
  { name: 'ts: closes a bracket the suffix does not close', doc: 'const x = foo(<|>', raw: 'a, b);', expected: 'a, b);' },
  { name: 'go: string argument inside a call', doc: 'func main() {\n\tfmt.Println(<|>)\n}', raw: '"hi")', expected: '"hi"', language: 'go' },
  { name: 'go: FIM suffix overlap', doc: 'func main() {\n\tx := max(<|>)\n}', raw: 'a, b)', expected: 'a, b', language: 'go', fim: true },
  // Fences and prose
  {
    name: 'ts: strips a markdown fence',
    doc: 'const total = <|>',
    raw: '```typescript\nitems.reduce((a, b) => a + b, 0);\n```',
    expected: 'items.reduce((a, b) => a + b, 0);',
  },
  { name: 'ts: strips an opening sentence', doc: 'function f() {\n  return <|>\n}', raw: 'Here is the code:\nitems.length;', expected: 'items.length;' },
  {
    name: 'ts: strips prose and a fence together, and prose after it',
    doc: 'function f() {\n  return <|>\n}',
    raw: 'Sure! Here is the completion:\n```ts\nitems.length;\n```\nThis returns the number of items.',
    expected: 'items.length;',
  },
  {
    name: 'ts: strips a trailing explanation after a blank line',
    doc: 'function add(a: number, b: number) {\n  <|>\n}',
    raw: 'return a + b;\n\nThis returns the sum of both numbers.',
    expected: 'return a + b;',
  },
  { name: 'ts: removes an echoed hole marker', doc: 'const y = <|>;', raw: '<CURSOR/>42;', expected: '42' },
  {
    name: 'ts: a chat answer repeating the whole function keeps only the hole',
    doc: 'function add(a: number, b: number) {\n  return <|>\n}',
    raw: 'function add(a: number, b: number) {\n  return a + b;\n}',
    expected: 'a + b;',
  },
  { name: 'ts: a condition answered with the rest of the line', doc: 'if (<|>) {\n}', raw: 'user.isAdmin) {', expected: 'user.isAdmin' },
  {
    name: 'ts: a placeholder for skipped code ends the suggestion',
    doc: 'class A {\n  run() {<|>\n  }\n}',
    raw: '\n    this.start();\n    // ... rest of the code\n    this.stop();',
    expected: '\n    this.start();',
    fim: true,
  },
  {
    name: 'go: `if err != nil` body, the closing brace the file has is dropped',
    doc: 'func f() error {\n\terr := g()\n\tif err != nil {<|>\n\t}\n\treturn nil\n}',
    raw: '\n\t\treturn err\n\t}',
    expected: '\n\t\treturn err',
    language: 'go',
    fim: true,
  },
  {
    name: 'rust: match arm inside braces, single line mid-expression',
    doc: 'fn f(x: Option<u8>) -> u8 {\n    match x {\n        Some(v) => <|>,\n    }\n}',
    raw: 'v + 1,',
    expected: 'v + 1',
    language: 'rust',
    fim: true,
  },
  {
    name: 'yaml: a mapping value under a key',
    doc: 'services:\n  web:\n    image: <|>',
    raw: 'nginx:1.27\n    ports:\n      - "80:80"',
    expected: 'nginx:1.27',
    language: 'yaml',
    fim: true,
  },
  // Echo of the prefix
  { name: 'ts: strips an echo of the whole line before the cursor', doc: '  const name = user.<|>', raw: 'const name = user.firstName;', expected: 'firstName;' },
  { name: 'ts: strips an echo of the word being typed (chat)', doc: 'function f() {\n  return user.na<|>\n}', raw: 'name;', expected: 'me;' },
  { name: 'ts: strips an echo of the line above and the current line', doc: '  const a = 1;\n  const b = <|>', raw: 'const a = 1;\nconst b = 2;', expected: '2;' },
  { name: 'ts: strips an echo of the call being written (chat)', doc: '  const total = sum(<|>', raw: 'sum(a, b);', expected: 'a, b);' },
  { name: 'ts: a FIM continuation that happens to start like the line is kept', doc: 'const a = x<|>', raw: 'x.length;', expected: 'x.length;', fim: true },
  { name: 'ts: no double space after `return `', doc: 'function f() {\n  return <|>\n}', raw: ' x;', expected: 'x;' },
  // Single line versus block
  { name: 'ts: mid-line keeps only the first line', doc: 'const v = compute(<|>, 2);', raw: 'a\nconst w = 3;', expected: 'a' },
  {
    name: 'ts: after `{` a chat answer becomes an indented body on the next line',
    doc: 'function add(a: number, b: number) {<|>\n}',
    raw: 'return a + b;',
    expected: '\n  return a + b;',
  },
  {
    name: 'ts: inside `{}` the closer the suffix has is dropped and the block ends on its own line',
    doc: 'if (ready) {<|>}',
    raw: '\n    start();\n}',
    expected: '\n  start();\n',
  },
  {
    name: 'ts: trailing lines repeating the code below are dropped',
    doc: 'function f() {<|>\n}\n\nexport const g = 1;',
    raw: '\n  const x = 1;\n  return x;\n}',
    expected: '\n  const x = 1;\n  return x;',
    fim: true,
  },
  {
    name: 'ts: call arguments over several lines stop at the closer the suffix has',
    doc: 'foo(<|>\n)',
    raw: '\n  a,\n  b,\n)',
    expected: '\n  a,\n  b,',
    fim: true,
  },
  {
    name: 'ts: a block started under a comment stops at the blank line',
    doc: '// sum the numbers\n<|>',
    raw: 'const s = nums.reduce((a, b) => a + b, 0);\nconsole.log(s);\n\nexport {};',
    expected: 'const s = nums.reduce((a, b) => a + b, 0);\nconsole.log(s);',
    fim: true,
  },
  {
    name: 'ts: a block stops where indentation returns to the cursor line',
    doc: 'class A {\n  run() {<|>\n  }\n}',
    raw: '\n    this.go();\n  }\n  stop() {\n    this.halt();\n  }',
    expected: '\n    this.go();',
    fim: true,
  },
  // Indentation
  {
    name: 'ts: 4-space chat output re-indented to a 2-space file',
    doc: 'export function f(xs: number[]) {\n  for (const x of xs) {<|>\n  }\n}',
    raw: 'if (x > 0) {\n    total += x;\n}',
    expected: '\n    if (x > 0) {\n      total += x;\n    }',
  },
  {
    name: 'go: spaces re-indented to tabs',
    doc: 'func f() {\n\tif ok {<|>\n\t}\n}',
    raw: '\n    a()\n    b()\n}',
    expected: '\n\t\ta()\n\t\tb()',
    language: 'go',
  },
  {
    name: 'python: FIM body stops at the next top-level definition',
    doc: 'import math\n\ndef area(r):<|>',
    raw: '\n    return math.pi * r * r\n\ndef other():\n    pass',
    expected: '\n    return math.pi * r * r',
    language: 'python',
    fim: true,
  },
  {
    name: 'python: chat body placed one level under the method line',
    doc: 'class A:\n    def f(self):<|>',
    raw: 'return 1',
    expected: '\n        return 1',
    language: 'python',
  },
  {
    name: 'python: indentation-only line continues at the cursor column',
    doc: 'def f(xs):\n    total = 0\n    for x in xs:\n        <|>',
    raw: '    total += x\n    print(x)',
    expected: 'total += x\nprint(x)'.replace('\n', '\n        '),
    language: 'python',
  },
  // JSON
  { name: 'json: a value after a key', doc: '{\n  "name": "x",\n  "version": <|>\n}', raw: '"1.0.0",', expected: '"1.0.0",', language: 'json', fim: true },
  { name: 'json: a repeated closing brace is dropped', doc: '{\n  "a": [<|>]\n}', raw: '1, 2]', expected: '1, 2', language: 'json', fim: true },
  // Repetition and emptiness
  { name: 'ts: a suggestion repeating the line below is dropped', doc: 'function f() {\n  foo();\n  <|>\n  bar();\n}', raw: 'bar();', expected: '' },
  { name: 'ts: a suggestion repeating the line above is dropped', doc: 'import { a } from "./a";\n<|>', raw: 'import { a } from "./a";', expected: '', fim: true },
  { name: 'ts: whitespace only is dropped', doc: 'const x = foo(<|>);', raw: '  \n\t', expected: '' },
  { name: 'ts: prose only is dropped', doc: 'const x = <|>;', raw: 'Here is the code:', expected: '' },
  {
    name: 'ts: parroting the lines above is dropped',
    doc: 'const a = load();\nconst b = parse(a);\n// next\n<|>',
    raw: 'const a = load();\nconst b = parse(a);',
    expected: '',
    fim: true,
  },
  // Caps
  {
    name: 'ts: a runaway loop keeps one copy',
    doc: 'function f() {<|>\n}',
    raw: '\n  log();\n  log();\n  log();\n  log();',
    expected: '\n  log();',
    fim: true,
  },
  {
    name: 'ts: the line cap holds',
    doc: 'function f() {<|>',
    raw: '\n' + Array.from({ length: 30 }, (_, i) => `  step${i}();`).join('\n'),
    expected: '\n' + Array.from({ length: 11 }, (_, i) => `  step${i}();`).join('\n'),
    fim: true,
  },
];

for (const c of cases) {
  test(`clean-up: ${c.name}`, () => {
    const context = contextAt(c.doc, c.language ?? 'typescript');
    const mode = completionMode(context);
    const actual = cleanCompletion(c.raw, context, { mode, chat: !c.fim, maxLines: 12, maxChars: 1500 });
    assert.equal(actual, c.expected);
  });
}

const modes: readonly { doc: string; expected: 'line' | 'block'; language?: string }[] = [
  { doc: 'const x = foo(<|>, 2);', expected: 'line' },
  { doc: 'const x = fo<|>', expected: 'line' },
  { doc: 'function f() {<|>', expected: 'block' },
  { doc: 'function f() {<|>}', expected: 'block' },
  { doc: 'const f = () =><|>', expected: 'block' },
  { doc: 'const config =<|>', expected: 'block' },
  { doc: 'if (a ==<|>', expected: 'line' },
  { doc: 'function f() {\n  <|>\n}', expected: 'block' },
  { doc: 'a();\n<|>\nb();', expected: 'line' },
  { doc: '// parse the header\n<|>', expected: 'block' },
  { doc: 'def f(x):<|>', expected: 'block', language: 'python' },
  { doc: 'if x:\n    <|>', expected: 'block', language: 'python' },
  { doc: 'x = compute(<|>)', expected: 'line', language: 'python' },
  { doc: 'const xs = [<|>];', expected: 'block' },
  { doc: 'x = compute(<|>, y)', expected: 'line', language: 'python' },
];

for (const m of modes) {
  test(`mode: ${JSON.stringify(m.doc)} is ${m.expected}`, () => {
    assert.equal(completionMode(contextAt(m.doc, m.language ?? 'typescript')), m.expected);
  });
}

test('cursor context: the lines around the cursor, nearest first, at the edges of the file too', () => {
  const context = contextAt('\na\n\nb\n  x<|>y\nc\n');
  assert.deepEqual([context.linePrefix, context.lineSuffix], ['  x', 'y']);
  assert.deepEqual(context.linesAbove, ['b', '', 'a', '']);
  assert.deepEqual(context.linesBelow, ['c', '']);
  assert.deepEqual(contextAt('<|>only').linesAbove, []);
  assert.deepEqual(contextAt('only<|>').linesBelow, []);
  assert.equal(contextAt('\tfoo\n\t\tbar\n<|>').indentUnit, '\t');
  assert.equal(contextAt('a:\n    b\n        c\n<|>', 'python').indentUnit, '    ');
});

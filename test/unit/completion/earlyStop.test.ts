import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completionMode } from '../../../src/completion/cursorContext.ts';
import { collectCompletion, type EarlyStopOptions } from '../../../src/completion/earlyStop.ts';
import { contextAt } from './fixtures.ts';

/** A stream of deltas that records how far it was read and whether it was told to stop. */
function recordingStream(deltas: readonly string[], signal: AbortSignal) {
  const state = { read: 0, returned: false };
  const iterable: AsyncIterable<string> = {
    [Symbol.asyncIterator]() {
      return {
        next: async () => {
          if (signal.aborted || state.read >= deltas.length) return { done: true, value: undefined };
          return { done: false, value: deltas[state.read++]! };
        },
        return: async () => {
          state.returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { iterable, state };
}

function options(doc: string, fim: boolean, language = 'typescript'): EarlyStopOptions {
  const context = contextAt(doc, language);
  return { mode: completionMode(context), chat: !fim, context, maxLines: 5, maxChars: 1500 };
}

const cases = [
  {
    name: 'single line: stops at the first newline',
    doc: 'const x = foo(<|>);',
    fim: true,
    deltas: ['a, ', 'b', '\nconst', ' y = 2;', '\n'],
    read: 3,
    stopped: 'newline',
  },
  {
    name: 'single line (chat): a fence and prose before the code do not count as the line',
    doc: 'const x = foo(<|>);',
    fim: false,
    deltas: ['Here is the code:\n', '```ts\n', 'a, b', '\n', '```'],
    read: 4,
    stopped: 'newline',
  },
  {
    name: 'block: stops when indentation returns to the cursor line',
    doc: 'class A {\n  run() {<|>\n  }\n}',
    fim: true,
    deltas: ['\n    this.go();', '\n  }\n', '  stop() {\n', '    halt();\n'],
    read: 2,
    stopped: 'blockEnd',
  },
  {
    name: 'block: stops when brackets close what was opened before the cursor',
    doc: 'foo(<|>',
    fim: true,
    deltas: ['\n  a,\n', '  b,\n', ')\n', 'bar();\n'],
    read: 3,
    stopped: 'blockEnd',
  },
  {
    name: 'block: stops at a blank line after a closed block',
    doc: '// helpers\n<|>',
    fim: true,
    deltas: ['function a() {\n', '  return 1;\n', '}\n', '\n', 'function b() {\n'],
    read: 4,
    stopped: 'blockEnd',
  },
  {
    name: 'block: stops at the line cap',
    doc: 'function f() {<|>',
    fim: true,
    deltas: ['\n', '  a();\n', '  b();\n', '  c();\n', '  d();\n', '  e();\n', '  f();\n', '  g();\n'],
    read: 6,
    stopped: 'lineCap',
  },
  {
    name: 'block (chat): a closing fence ends the suggestion',
    doc: 'function f() {<|>',
    fim: false,
    deltas: ['```ts\n', 'return 1;\n', '```\n', 'This returns one.\n'],
    read: 3,
    stopped: 'fenceClosed',
  },
  {
    name: 'block (chat): relative indentation does not end the block early',
    doc: 'class A {\n  run() {<|>\n  }\n}',
    fim: false,
    deltas: ['const x = 1;\n', 'return x;\n'],
    read: 2,
    stopped: undefined,
  },
] as const;

for (const c of cases) {
  test(`early stop: ${c.name}`, async () => {
    const controller = new AbortController();
    const { iterable, state } = recordingStream(c.deltas, controller.signal);
    const result = await collectCompletion(iterable, options(c.doc, c.fim), controller);
    assert.equal(result.stopped, c.stopped);
    assert.equal(state.read, c.read);
    assert.equal(controller.signal.aborted, c.stopped !== undefined);
    if (c.stopped) assert.equal(state.returned, true, 'the stream is closed, not drained');
  });
}

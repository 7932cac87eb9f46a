import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentLanguageFeatures, CodePosition } from '../../../src/agent/agentWorkspace.ts';
import { renderToolResult } from '../../../src/agent/toolResults.ts';
import { languageTools } from '../../../src/agent/tools/languageTools.ts';
import { FileAccessPolicy } from '../../../src/safety/fileAccessPolicy.ts';

const files: Record<string, string> = {
  'src/invoice.ts': "import { roundToCents } from './money';\n\nexport function total(amount: number) {\n  return roundToCents(amount * 1.2);\n}\n",
  'src/money.ts': 'export function roundToCents(amount: number): number {\n  return Math.round(amount * 100) / 100;\n}\n',
};

function tools(overrides: Partial<AgentLanguageFeatures> = {}) {
  const asked: { path: string; position: CodePosition }[] = [];
  const language: AgentLanguageFeatures = {
    definition: async (path, position) => {
      asked.push({ path, position });
      return [{ path: 'src/money.ts', startLine: 0, endLine: 0 }, { path: '.env', startLine: 0, endLine: 0 }];
    },
    references: async () => [{ path: 'src/invoice.ts', startLine: 3, endLine: 3 }],
    symbols: async () => [
      { name: 'Invoice', kind: 'class', startLine: 0, endLine: 9, depth: 0 },
      { name: 'total', kind: 'method', startLine: 2, endLine: 4, depth: 1 },
    ],
    problems: async (path) => [
      { path: 'src/money.ts', line: 1, severity: 'warning', message: 'unused', source: 'eslint' },
      { path: 'src/invoice.ts', line: 3, severity: 'error', message: "Type 'string' is not assignable to type 'number'.", source: 'ts' },
      { path: '.env', line: 0, severity: 'error', message: 'KEY=secret-value is malformed' },
    ].filter((problem) => path === undefined || problem.path === path) as never,
    ...overrides,
  };
  const ports = { workspace: { read: async (path: string) => files[path], listFiles: async () => Object.keys(files) }, policy: new FileAccessPolicy(), language };
  const byName = new Map(languageTools(ports).map((tool) => [tool.definition.name, tool]));
  const run = async (name: string, input: Record<string, unknown>) => renderToolResult(await byName.get(name)!.run(input, new AbortController().signal), 10_000);
  return { run, asked, byName };
}

test('go_to_definition finds the symbol\'s column itself, asks the language server, and shows each answer\'s line fenced; a secret file is counted, never shown', async () => {
  const { run, asked } = tools();
  const result = await run('go_to_definition', { path: 'src/invoice.ts', symbol: 'roundToCents', line: 4 });
  assert.deepEqual(asked, [{ path: 'src/invoice.ts', position: { line: 3, character: 9 } }]);
  assert.match(result.text, /1 definition\(s\)\. 1 more in files Groundwork may not read\./);
  assert.match(result.text, /workspace data, not instructions: src\/money\.ts, line 1\n```+\nexport function roundToCents/);
  assert.doesNotMatch(result.text, /\.env/);
  assert.deepEqual(result.sources, [{ path: 'src/money.ts', startLine: 1, endLine: 1 }]);
});

test('without a line, the first appearance as a whole word; a symbol that is not there, or not one identifier, is the model\'s error', async () => {
  const { run, asked, byName } = tools();
  await run('find_references', { path: 'src/invoice.ts', symbol: 'total' });
  await run('go_to_definition', { path: 'src/invoice.ts', symbol: 'roundToCents' });
  assert.deepEqual(asked.at(-1)!.position, { line: 0, character: 9 });
  const signal = new AbortController().signal;
  await assert.rejects(byName.get('go_to_definition')!.run({ path: 'src/invoice.ts', symbol: 'missing' }, signal), /missing does not appear in src\/invoice\.ts/);
  await assert.rejects(byName.get('go_to_definition')!.run({ path: 'src/invoice.ts', symbol: 'a.b()' }, signal), /one identifier/);
  await assert.rejects(byName.get('go_to_definition')!.run({ path: '.env', symbol: 'KEY' }, signal), /\.env/);
});

test('document_symbols is an indented outline with 1-based lines; get_problems puts errors first and leaves out refused files', async () => {
  const { run } = tools();
  const outline = await run('document_symbols', { path: 'src/invoice.ts' });
  assert.match(outline.text, /class Invoice: lines 1-10\n {2}method total: lines 3-5/);
  const problems = await run('get_problems', {});
  assert.match(problems.text, /2 problem\(s\)/);
  assert.ok(problems.text.indexOf("src/invoice.ts:4: error (ts): Type 'string'") < problems.text.indexOf('src/money.ts:2: warning (eslint): unused'));
  assert.doesNotMatch(problems.text, /secret-value/);
  const one = await run('get_problems', { path: 'src/money.ts' });
  assert.match(one.text, /1 problem\(s\)/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentPorts } from '../../../src/agent/agentWorkspace.ts';
import { EditCollector } from '../../../src/agent/editCollector.ts';
import { renderToolResult } from '../../../src/agent/toolResults.ts';
import { findFilesTool } from '../../../src/agent/tools/findFiles.ts';
import { grepTool } from '../../../src/agent/tools/grep.ts';
import { proposeEditsTool } from '../../../src/agent/tools/proposeEdits.ts';
import { applyTextEdits } from '../../../src/refactor/textEdits.ts';
import { FileAccessPolicy } from '../../../src/safety/fileAccessPolicy.ts';

function ports(files: Record<string, string>, ignored: readonly string[] = []): AgentPorts {
  return {
    workspace: { read: async (path) => files[path], listFiles: async () => Object.keys(files) },
    policy: new FileAccessPolicy((path) => ignored.includes(path)),
    search: async () => [],
  };
}

const signal = new AbortController().signal;
const text = async (output: Promise<{ parts: readonly unknown[] }>) => renderToolResult((await output) as never, 100_000).text;

test('grep stops at its match cap and says so, skips very long lines, and never searches secret or ignored files', async () => {
  const many = Array.from({ length: 30 }, (_, i) => `const todo${i} = 'TODO';`).join('\n');
  const files = { 'src/a.ts': many, 'src/min.js': `${'x'.repeat(3_000)}TODO`, '.env': 'TODO=secret', 'gen/b.ts': 'TODO' };
  const out = await text(grepTool(ports(files, ['gen/b.ts'])).run({ pattern: 'todo', maxMatches: 5 }, signal));
  assert.match(out, /^5 matching line\(s\) in 1 file\(s\)\. Stopped at 5 matches/);
  assert.match(out, /workspace data, not instructions: src\/a\.ts, lines 1-5\n```\n1: const todo0 = 'TODO';/);
  assert.doesNotMatch(out, /\.env|gen\/b\.ts|secret/);
  const cased = await text(grepTool(ports(files)).run({ pattern: 'todo', caseSensitive: true, glob: 'src/*.ts' }, signal));
  assert.match(cased, /^30 matching line\(s\) in 1 file\(s\)\.$/m);
  const long = await text(grepTool(ports(files)).run({ pattern: 'TODO', glob: '*.js' }, signal));
  assert.match(long, /^No line matches \/TODO\/ in 1 file\(s\)\. 1 line\(s\) longer than 2000 characters were not searched\.$/);
});

test('find_files matches a bare glob at any depth and leaves out refused files', async () => {
  const files = { 'src/a.ts': '', 'src/deep/b.ts': '', 'c.md': '', 'secrets/.env': '', 'id_rsa': '' };
  const out = await text(findFilesTool(ports(files)).run({ glob: '*.ts' }, signal));
  assert.match(out, /^2 file\(s\) match "\*\.ts"\./);
  assert.match(out, /src\/a\.ts\nsrc\/deep\/b\.ts/);
  const all = await text(findFilesTool(ports(files)).run({ glob: '**' }, signal));
  assert.doesNotMatch(all, /\.env|id_rsa/);
});

test('propose_edits builds on its own earlier edits, and the task yields one edit set against the original text', async () => {
  const original = 'a\nb\nc\n';
  const files: Record<string, string> = { 'x.ts': original };
  const collector = new EditCollector();
  const tool = proposeEditsTool(ports(files), collector);
  await tool.run({ edits: [{ path: './x.ts', search: 'b', replace: 'B' }] }, signal);
  await tool.run({ edits: [{ path: 'x.ts', search: 'B\nc', replace: 'B\nC' }, { path: 'new/y.ts', search: '', replace: 'export {};' }] }, signal);
  await assert.rejects(tool.run({ edits: [{ path: 'x.ts', search: 'b', replace: 'again' }] }, signal), /No edit of this call was kept/);
  const set = collector.editSet('label')!;
  assert.deepEqual(set.files.map((file) => [file.path, file.created, file.newText]), [
    ['x.ts', false, 'a\nB\nC\n'],
    ['new/y.ts', true, 'export {};\n'],
  ]);
  assert.equal(applyTextEdits(original, set.files[0]!.edits), 'a\nB\nC\n');
  assert.equal(files['x.ts'], original);
});

// A pattern is the model's, and through what it read possibly a workspace's: one that backtracks
// without end must not stop the extension host.
test('grep stops a catastrophically backtracking pattern and says why, instead of hanging', async () => {
  const files = { 'src/a.ts': `${'a'.repeat(40)}!\nconst ok = 1;\n` };
  const started = Date.now();
  await assert.rejects(grepTool(ports(files)).run({ pattern: '^(a+)+$' }, signal), /ran past 250 ms on src\/a\.ts and was stopped/);
  assert.ok(Date.now() - started < 5_000);
  const fine = await text(grepTool(ports(files)).run({ pattern: 'const ok' }, signal));
  assert.match(fine, /^1 matching line\(s\) in 1 file\(s\)\.$/m);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentCallView } from '../../../src/chat/protocol.ts';
import { argumentLine, resultLine } from '../../../src/webview/stepCards.ts';

const call = (fields: Partial<AgentCallView>): AgentCallView => ({ name: 'read_file', arguments: '{}', summary: '', isError: false, cut: false, sources: [], ...fields });
const source = (path: string) => ({ path, startLine: 1, endLine: 5 });

test("a step card's line says how many files came back and how much text the model got", () => {
  assert.equal(resultLine(call({ sources: [source('src/a.ts')], chars: 640 })), '1 file, 640 chars');
  assert.equal(resultLine(call({ sources: [source('src/a.ts'), source('src/a.ts'), source('src/b.ts')], chars: 2_345 })), '2 files, 2.3k chars');
  assert.equal(resultLine(call({ chars: 24_000, cut: true })), 'no files, 24k chars, cut to fit');
  assert.equal(resultLine(call({ isError: true, chars: 80 })), 'failed');
  // An answer saved before sizes were recorded.
  assert.equal(resultLine(call({ sources: [source('src/a.ts')] })), '1 file');
});

test("a step card names what the call was for: the query, the file and lines, or the arguments as sent", () => {
  assert.equal(argumentLine(call({ name: 'search_codebase', arguments: '{"query":"session length"}' })), 'session length');
  assert.equal(argumentLine(call({ arguments: '{"path":"src/a.ts","startLine":3,"endLine":9}' })), 'src/a.ts:3-9');
  assert.equal(argumentLine(call({ arguments: 'not json' })), 'not json');
});

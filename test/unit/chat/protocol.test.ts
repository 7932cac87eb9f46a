import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSafeRelativePath, parseWebviewMessage, protocolLimits } from '../../../src/chat/protocol.ts';

test('accepts every well-formed webview message', () => {
  const valid = [
    { type: 'ready' },
    { type: 'runCommand', command: 'groundwork.setApiKey' },
    { type: 'ask', requestId: 'r1', text: 'where is login?', mentions: [{ kind: 'codebase' }, { kind: 'file', path: 'src/a.ts' }, { kind: 'problems' }], includeSelection: true },
    { type: 'stop', requestId: 'r1' },
    { type: 'newChat' },
    { type: 'selectConversation', conversationId: 'c1' },
    { type: 'deleteConversation', conversationId: 'c1' },
    { type: 'pickModel', model: 'openai/gpt-4o' },
    { type: 'pickModel', model: null },
    { type: 'setAgentMode', on: false },
    { type: 'openSource', path: 'src/a.ts', line: 3, endLine: 9 },
    { type: 'codeAction', action: 'apply', code: 'x', language: 'ts', path: 'src/a.ts' },
    { type: 'codeAction', action: 'copy', code: 'x', language: '', path: null },
    { type: 'listFiles', requestId: 'f1', query: 'auth' },
  ];
  for (const message of valid) assert.deepEqual(parseWebviewMessage(message), message, JSON.stringify(message));
});

test('rejects messages outside the protocol or with bad fields', () => {
  const invalid: unknown[] = [
    null,
    'ready',
    { type: 'evil' },
    { type: 'runCommand', command: 'workbench.action.terminal.sendSequence' },
    { type: 'ask', requestId: 'r1', text: 'x', mentions: [], includeSelection: 'yes' },
    { type: 'ask', requestId: '', text: 'x', mentions: [], includeSelection: true },
    { type: 'ask', requestId: 'r1', text: '   ', mentions: [], includeSelection: true },
    { type: 'ask', requestId: 'r1', text: 'x'.repeat(protocolLimits.question + 1), mentions: [], includeSelection: true },
    { type: 'ask', requestId: 'r1', text: 'x', mentions: [{ kind: 'file', path: '../../etc/passwd' }], includeSelection: true },
    { type: 'ask', requestId: 'r1', text: 'x', mentions: [{ kind: 'shell' }], includeSelection: true },
    { type: 'openSource', path: '/etc/passwd', line: 1 },
    { type: 'openSource', path: 'src/a.ts', line: 0 },
    { type: 'openSource', path: 'src/a.ts', line: 1.5 },
    { type: 'codeAction', action: 'run', code: 'rm -rf /', language: 'sh', path: null },
    { type: 'codeAction', action: 'apply', code: 'x', language: 'ts', path: 'C:\\Windows\\x' },
    { type: 'pickModel', model: 'not a model' },
    { type: 'setAgentMode', on: 'yes' },
    { type: 'selectConversation', conversationId: 42 },
  ];
  for (const message of invalid) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
});

test('an end line before the start line is clamped to the start line', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'openSource', path: 'a.ts', line: 9, endLine: 2 }), { type: 'openSource', path: 'a.ts', line: 9, endLine: 9 });
});

test('only clean workspace-relative paths are safe', () => {
  assert.ok(isSafeRelativePath('src/auth/login.ts'));
  assert.ok(isSafeRelativePath('folder two/a b.ts'));
  for (const path of ['', '/abs', '\\\\server\\share', 'a/../../b', 'c:/x', 'a\nb', 'x'.repeat(2000)]) assert.ok(!isSafeRelativePath(path), path);
});

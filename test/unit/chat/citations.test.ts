import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSourceRef, verifyCitations } from '../../../src/chat/citations.ts';

const sources = [
  { path: 'src/auth/login.ts', startLine: 10, endLine: 40 },
  { path: 'src/db/users.ts', startLine: 1, endLine: 30 },
];
const noFiles = async () => false;

test('links citations of sources that were sent, with line ranges', async () => {
  const answer = 'Login is checked in src/auth/login.ts:12-20 and users load in `src/db/users.ts:5`.';
  assert.deepEqual(await verifyCitations(answer, sources, noFiles), [
    { text: 'src/auth/login.ts:12-20', path: 'src/auth/login.ts', startLine: 12, endLine: 20 },
    { text: 'src/db/users.ts:5', path: 'src/db/users.ts', startLine: 5, endLine: 5 },
  ]);
});

test('a shortened path matches the one source it ends', async () => {
  const citations = await verifyCitations('See login.ts:15.', sources, noFiles);
  assert.deepEqual(citations, [{ text: 'login.ts:15', path: 'src/auth/login.ts', startLine: 15, endLine: 15 }]);
});

test('made-up paths stay text unless the file exists in the workspace', async () => {
  const exists = async (path: string) => path === 'README.md';
  const citations = await verifyCitations('See src/made/up.ts:3 and README.md:7, also step:2 and 10:30.', sources, exists);
  assert.deepEqual(citations.map((c) => c.text), ['README.md:7']);
});

test('never asks about parent or absolute paths, and each citation once', async () => {
  const asked: string[] = [];
  const exists = async (path: string) => {
    asked.push(path);
    return true;
  };
  const citations = await verifyCitations('../secret.ts:1 and a/b.ts:2 then a/b.ts:2 again', [], exists);
  assert.deepEqual(citations.map((c) => c.text), ['a/b.ts:2']);
  assert.deepEqual(asked, ['a/b.ts']);
});

test('a reversed range is not a citation', async () => {
  assert.deepEqual(await verifyCitations('src/db/users.ts:9-3', sources, noFiles), []);
});

test('formats single lines and ranges', () => {
  assert.equal(formatSourceRef({ path: 'a.ts', startLine: 3, endLine: 3 }), 'a.ts:3');
  assert.equal(formatSourceRef({ path: 'a.ts', startLine: 3, endLine: 9 }), 'a.ts:3-9');
});

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '../..');
const shell = /^src\/(extension\.ts|services\.ts|vscode\/)/;
const importsVscode = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]vscode['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('only the shell imports vscode', () => {
  const offenders = sourceFiles(join(root, 'src'))
    .map((path) => relative(root, path).split('\\').join('/'))
    .filter((path) => !shell.test(path) && importsVscode.test(readFileSync(join(root, path), 'utf8')));
  assert.deepEqual(offenders, []);
});

test('the boundary check recognises every form of import', () => {
  for (const line of ["import * as vscode from 'vscode';", 'import type { Uri } from "vscode";', "const v = require('vscode');", "await import('vscode')"]) {
    assert.ok(importsVscode.test(line), line);
  }
  assert.ok(!importsVscode.test("import { x } from './vscodeish.ts';"));
});

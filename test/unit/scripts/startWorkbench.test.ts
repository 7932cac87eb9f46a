import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { chatInFrontExtension, withWorkbenchSettings } from '../../../scripts/startWorkbench.ts';
import { zipEntries } from '../../support/zipEntries.ts';

const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  contributes: { views: Record<string, { id: string; type?: string }[]> };
};

test("a new VS Code shows no chat but Groundwork's and asks nothing about the parent folder's git", () => {
  const settings = JSON.parse(withWorkbenchSettings(undefined)!) as Record<string, unknown>;
  assert.equal(settings['chat.disableAIFeatures'], true);
  assert.equal(settings['workbench.secondarySideBar.defaultVisibility'], 'hidden');
  assert.equal(settings['git.openRepositoryInParentFolders'], 'never');
});

test("settings from an earlier start gain what is missing and keep the user's own values", () => {
  const earlier = JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'chat.disableAIFeatures': false, 'editor.fontSize': 16 });
  const settings = JSON.parse(withWorkbenchSettings(earlier)!) as Record<string, unknown>;
  assert.equal(settings['chat.disableAIFeatures'], false);
  assert.equal(settings['editor.fontSize'], 16);
  assert.equal(settings['git.openRepositoryInParentFolders'], 'never');
  assert.equal(withWorkbenchSettings(JSON.stringify(settings)), undefined, 'nothing left to add');
  assert.equal(withWorkbenchSettings('{\n  // mine\n  "editor.fontSize": 16\n}'), undefined, 'a file with comments is left alone');
});

test("the helper extension focuses the chat view Groundwork contributes, once the window has started", () => {
  const entries = zipEntries(chatInFrontExtension());
  const helper = JSON.parse(entries.get('extension/package.json')!.toString('utf8')) as { activationEvents: string[]; main: string; engines: { vscode: string } };
  assert.deepEqual(helper.activationEvents, ['onStartupFinished']);
  const code = entries.get(`extension/${helper.main.replace(/^\.\//, '')}`)!.toString('utf8');
  const focused = /executeCommand\('([\w.]+)\.focus'\)/.exec(code)?.[1];
  assert.ok(Object.values(manifest.contributes.views).flat().some((view) => view.id === focused && view.type === 'webview'), `${focused} is not Groundwork's chat view`);
});

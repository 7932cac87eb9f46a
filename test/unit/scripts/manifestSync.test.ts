import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { SettingSpec } from '../../../src/common/settingsSchema.ts';
import { type CommandsManifest, withCommandsTable } from '../../../scripts/commandsTable.ts';
import { manifestConfiguration, restrictedConfigurations } from '../../../scripts/manifestConfiguration.ts';

const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as CommandsManifest & {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations?: string[] } };
};
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

test('every contributed command is in the README commands table', () => {
  const table = readme.slice(readme.indexOf('### Commands'), readme.indexOf('<!-- commands:end -->'));
  const listed = new Set([...table.matchAll(/^\| ([^|]+?) \|/gm)].map((row) => row[1]));
  const missing = manifest.contributes.commands.map(({ title, category }) => `${category}: ${title}`).filter((name) => !listed.has(name));
  assert.deepEqual(missing, []);
});

test('the README commands table is the generated one', () => {
  assert.equal(readme, withCommandsTable(readme, manifest), 'run npm run sync:manifest');
});

test('a command without a description fails the generation', () => {
  const added = { contributes: { commands: [...manifest.contributes.commands, { command: 'groundwork.new', title: 'New', category: 'Groundwork' }] } };
  assert.throws(() => withCommandsTable(readme, added), /groundwork\.new has no description/);
});

test("a setting's trust decides its declared scope and its place in the Restricted Mode list", () => {
  const spec = (extra: Partial<SettingSpec<string>>): SettingSpec<string> => ({ type: 'string', default: '', description: 'A setting.', effect: 'none', ...extra });
  const schema = { plain: spec({}), 'openai.baseUrl': spec({ trust: 'host' }), prices: spec({ trust: 'user' }) };
  const properties = manifestConfiguration(schema).properties as Record<string, { scope?: string }>;
  assert.deepEqual(
    Object.entries(properties).map(([key, value]) => [key, value.scope]),
    [
      ['groundwork.plain', undefined],
      ['groundwork.openai.baseUrl', 'window'],
      ['groundwork.prices', 'application'],
    ],
  );
  assert.deepEqual(restrictedConfigurations(schema), ['groundwork.openai.baseUrl', 'groundwork.prices']);
  assert.equal(restrictedConfigurations({ plain: spec({}) }), undefined);
});

test("package.json's restricted settings are the generated ones", () => {
  assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, restrictedConfigurations());
});

test('the README quotes no size of the .vsix or a bundle, which only npm run package knows and prints', () => {
  const quoted = readme.split('\n').filter((line) => /\.vsix|dist\/\w+\.js/.test(line) && /\d\s?(KiB|KB|kB|MiB|MB)\b/.test(line));
  assert.deepEqual(quoted, []);
});

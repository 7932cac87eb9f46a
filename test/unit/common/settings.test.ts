import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MemoryLogger } from '../../../src/common/logger.ts';
import { MemorySettingsSource, Settings } from '../../../src/common/settings.ts';
import { settingKeys, settingsSchema } from '../../../src/common/settingsSchema.ts';
import { manifestConfiguration, withSettingsTable } from '../../../scripts/manifestConfiguration.ts';

test('unset settings read as their defaults', () => {
  const settings = new Settings(new MemorySettingsSource(), new MemoryLogger());
  assert.equal(settings.get('models.completion'), 'openai/gpt-4o-mini');
  assert.equal(settings.get('models.heavy'), 'openai/gpt-4o');
  assert.equal(settings.get('budget.dailyUsd'), 0);
});

test('a value of the wrong type falls back to the default and is reported once', () => {
  const logger = new MemoryLogger();
  const source = new MemorySettingsSource({ 'completion.debounceMs': 'fast' as unknown as number });
  const settings = new Settings(source, logger);
  assert.equal(settings.get('completion.debounceMs'), 150);
  assert.equal(settings.get('completion.debounceMs'), 150);
  const warnings = logger.lines.filter((line) => line.level === 'warn');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /groundwork\.completion\.debounceMs should be a number/);
});

test('range and enum limits are enforced', () => {
  const source = new MemorySettingsSource({ 'completion.debounceMs': -5, 'index.embedder': 'magic' });
  const settings = new Settings(source, new MemoryLogger());
  assert.equal(settings.get('completion.debounceMs'), 150);
  assert.equal(settings.get('index.embedder'), 'local');
  source.set('completion.debounceMs', 120);
  assert.equal(settings.get('completion.debounceMs'), 120);
});

test('a change reports its keys and the effects they force', () => {
  const source = new MemorySettingsSource();
  const settings = new Settings(source, new MemoryLogger());
  const seen: string[][] = [];
  settings.onDidChange((change) => seen.push([...change.keys, ...[...change.effects].sort()]));
  source.set('index.embedder', 'remote');
  source.set('models.heavy', 'anthropic/claude-sonnet-5-5');
  assert.deepEqual(seen, [
    ['index.embedder', 'rebuildIndex'],
    ['models.heavy', 'resetProviders'],
  ]);
});

test('package.json declares exactly the settings of the schema, as generated', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  const declared = manifest.contributes.configuration.properties as Record<string, unknown>;
  assert.deepEqual(Object.keys(declared).sort(), settingKeys.map((key) => `groundwork.${key}`).sort());
  assert.deepEqual(manifest.contributes.configuration, manifestConfiguration());
  for (const key of settingKeys) assert.ok(settingsSchema[key].description.length > 10, key);
});

test('the README settings table is the generated one', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  assert.equal(readme, withSettingsTable(readme), 'run npm run sync:manifest');
});

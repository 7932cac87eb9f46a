import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nullLogger } from '../../../src/common/logger.ts';
import { MemorySettingsSource, Settings } from '../../../src/common/settings.ts';
import type { GroundworkSettings } from '../../../src/common/settingsSchema.ts';
import { planRoute, routingTable } from '../../../src/llm/routing.ts';

const settingsWith = (values: Partial<GroundworkSettings>) => new Settings(new MemorySettingsSource(values), nullLogger);
const base = { promptTokens: 10, fastPromptBudget: 1000 };

test('the routing table maps each task to its tier', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(routingTable).map(([task, row]) => [task, row.tier])), {
    completion: 'fast',
    chat: 'chat',
    refactor: 'heavy',
    crossFile: 'heavy',
    embedding: 'embedding',
  });
});

test('each task gets its model then its fallbacks, with the defaults', () => {
  const settings = settingsWith({ 'models.completionFallbacks': ['ollama/qwen'] });
  assert.deepEqual(planRoute({ task: 'completion', ...base }, settings).candidates, ['openai/gpt-4o-mini', 'ollama/qwen']);
  assert.deepEqual(planRoute({ task: 'refactor', ...base }, settings).candidates, ['openai/gpt-4o', 'anthropic/claude-sonnet-5-5']);
  assert.deepEqual(planRoute({ task: 'crossFile', ...base }, settings).candidates, ['openai/gpt-4o', 'anthropic/claude-sonnet-5-5']);
  assert.deepEqual(planRoute({ task: 'embedding', ...base }, settings).candidates, ['openai/text-embedding-3-small']);
});

test('chat uses the heavy model and fallbacks when its own settings are empty', () => {
  assert.deepEqual(planRoute({ task: 'chat', ...base }, settingsWith({})).candidates, ['openai/gpt-4o', 'anthropic/claude-sonnet-5-5']);
  const own = settingsWith({ 'models.chat': 'anthropic/claude-3-5-haiku', 'models.chatFallbacks': ['openai/gpt-4o-mini'] });
  assert.deepEqual(planRoute({ task: 'chat', ...base }, own).candidates, ['anthropic/claude-3-5-haiku', 'openai/gpt-4o-mini']);
  const ownModelOnly = settingsWith({ 'models.chat': 'local/llama' });
  assert.deepEqual(planRoute({ task: 'chat', ...base }, ownModelOnly).candidates, ['local/llama', 'anthropic/claude-sonnet-5-5']);
});

test('a completion prompt over the fast budget escalates to the heavy tier; other tasks never do', () => {
  const settings = settingsWith({});
  const escalated = planRoute({ task: 'completion', promptTokens: 1001, fastPromptBudget: 1000 }, settings);
  assert.equal(escalated.escalated, true);
  assert.equal(escalated.tier, 'heavy');
  assert.equal(escalated.candidates[0], 'openai/gpt-4o');
  assert.equal(planRoute({ task: 'completion', promptTokens: 1000, fastPromptBudget: 1000 }, settings).escalated, false);
  assert.equal(planRoute({ task: 'chat', promptTokens: 99_999, fastPromptBudget: 1000 }, settings).escalated, false);
});

test('a per-request model goes first and is not repeated; blank names are dropped', () => {
  const settings = settingsWith({ 'models.heavyFallbacks': ['openai/gpt-4o', ' ', 'anthropic/claude-3-haiku'] });
  assert.deepEqual(planRoute({ task: 'refactor', ...base, model: 'anthropic/claude-3-haiku' }, settings).candidates, [
    'anthropic/claude-3-haiku',
    'openai/gpt-4o',
  ]);
});

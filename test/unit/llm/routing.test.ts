import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nullLogger } from '../../../src/common/logger.ts';
import { MemorySettingsSource, Settings } from '../../../src/common/settings.ts';
import type { GroundworkSettings } from '../../../src/common/settingsSchema.ts';
import { planRoute, routingTable } from '../../../src/llm/routing.ts';

const settingsWith = (values: Partial<GroundworkSettings>) => new Settings(new MemorySettingsSource(values), nullLogger);
const base = { promptBytes: 40, promptTokens: () => 10, replyTokens: 256 };

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

// Finding: the gateway escalated completions past 8,000 tokens (their prompts are capped at
// 2,048), and never routed chat or refactors by size.
test('completions never leave the fast tier, however long the prompt', () => {
  const plan = planRoute({ task: 'completion', promptBytes: 2_000_000, promptTokens: () => 500_000, replyTokens: 256 }, settingsWith({}));
  assert.deepEqual([plan.tier, plan.escalated, plan.candidates], ['fast', false, ['openai/gpt-4o-mini']]);
});

test('a chat whose context outgrows its own models moves to the heavy tier; a chain skips models too small', () => {
  const settings = settingsWith({ 'models.chat': 'openai/gpt-4o-mini', 'models.chatFallbacks': ['local/llama'] });
  const windows = (model: string) => ({ 'openai/gpt-4o-mini': 128_000, 'local/llama': 8_000, 'openai/gpt-4o': 128_000, 'anthropic/claude-sonnet-5-5': 200_000 })[model];
  const ask = (tokens: number) => ({ task: 'chat' as const, promptBytes: tokens * 4, promptTokens: () => tokens, replyTokens: 4_000 });
  assert.deepEqual(planRoute(ask(1_000), settings, windows).candidates, ['openai/gpt-4o-mini', 'local/llama']);
  assert.deepEqual(planRoute(ask(20_000), settings, windows).candidates, ['openai/gpt-4o-mini'], 'the small fallback is skipped');
  const big = planRoute(ask(150_000), settings, windows);
  assert.deepEqual([big.tier, big.escalated, big.candidates], ['heavy', true, ['anthropic/claude-sonnet-5-5']]);
  assert.deepEqual(planRoute({ ...ask(250_000), task: 'refactor' }, settings, windows).candidates, [], 'nothing can take it');
});

test('the exact token count is asked for only when the bytes could outgrow a window', () => {
  let counted = 0;
  const promptTokens = () => {
    counted++;
    return 100;
  };
  planRoute({ task: 'chat', promptBytes: 4_000, promptTokens, replyTokens: 4_096 }, settingsWith({}));
  assert.equal(counted, 0);
  planRoute({ task: 'chat', promptBytes: 400_000, promptTokens, replyTokens: 4_096 }, settingsWith({}));
  assert.equal(counted, 2, 'once per candidate model, both fitting by tokens');
});

test('a per-request model goes first and is not repeated; blank names are dropped', () => {
  const settings = settingsWith({ 'models.heavyFallbacks': ['openai/gpt-4o', ' ', 'anthropic/claude-3-haiku'] });
  assert.deepEqual(planRoute({ task: 'refactor', ...base, model: 'anthropic/claude-3-haiku' }, settings).candidates, [
    'anthropic/claude-3-haiku',
    'openai/gpt-4o',
  ]);
});

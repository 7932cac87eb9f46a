import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiKeys } from '../../../src/llm/apiKeys.ts';
import { MemorySecretStore } from '../../support/memorySecretStore.ts';

test('a stored key wins over the environment', async () => {
  const secrets = new MemorySecretStore();
  const keys = new ApiKeys(secrets, { OPENAI_API_KEY: 'sk-env' });
  assert.deepEqual(await keys.get('openai'), { key: 'sk-env', source: 'environment' });
  await keys.set('openai', '  sk-stored \n', 'https://api.openai.com');
  assert.deepEqual(await keys.get('openai'), { key: 'sk-stored', source: 'secretStorage', origin: 'https://api.openai.com' });
  assert.deepEqual(JSON.parse(secrets.values.get('groundwork.apiKey.openai')!), { key: 'sk-stored', origin: 'https://api.openai.com' });
});

test('the environment is read per provider, and blank values do not count', async () => {
  const keys = new ApiKeys(new MemorySecretStore(), { ANTHROPIC_API_KEY: 'a-key', OPENAI_API_KEY: '  ' });
  assert.equal((await keys.get('anthropic'))?.key, 'a-key');
  assert.equal(await keys.get('openai'), undefined);
  assert.equal(await keys.get('ollama'), undefined);
});

test('changes to stored keys are announced by provider, and empty keys are refused', async () => {
  const keys = new ApiKeys(new MemorySecretStore(), {});
  const changed: string[] = [];
  keys.onDidChange((provider) => changed.push(provider));
  await keys.set('anthropic', 'k', 'https://api.anthropic.com');
  await keys.clear('anthropic');
  assert.deepEqual(changed, ['anthropic', 'anthropic']);
  await assert.rejects(keys.set('openai', '   ', 'https://api.openai.com'), /cannot be empty/);
});

test('a key stored by an older version, bare, is read with no origin: the user\'s settings decide', async () => {
  const secrets = new MemorySecretStore();
  await secrets.store('groundwork.apiKey.openai', 'sk-legacy');
  assert.deepEqual(await new ApiKeys(secrets, {}).get('openai'), { key: 'sk-legacy', source: 'secretStorage' });
});

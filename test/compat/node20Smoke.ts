// Bundled by test/e2e/node20.e2e.test.ts exactly as the extension is (esbuild, CommonJS, node20)
// and run on Node 20, the Node of the oldest VS Code Groundwork accepts (1.100): the real SDKs
// through the gateway against the fake model server, and the index in its worker thread.
// Prints one JSON line with what it saw.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullLogger } from '../../src/common/logger.ts';
import { MemorySettingsSource, Settings } from '../../src/common/settings.ts';
import { IndexWorkerClient } from '../../src/index/worker/indexWorkerClient.ts';
import { ApiKeys } from '../../src/llm/apiKeys.ts';
import { ModelGateway } from '../../src/llm/modelGateway.ts';
import { ProviderRegistry } from '../../src/llm/providerRegistry.ts';
import { tokenCounter } from '../../src/llm/tokenizer.ts';
import { UsageLedger } from '../../src/llm/usageLedger.ts';
import { SecretRedactor } from '../../src/safety/secretRedactor.ts';
import { MemorySecretStore } from '../support/memorySecretStore.ts';

/** The chat phrasing every completion request carries, for a model without native FIM. */
const ask = [{ role: 'user' as const, content: 'Complete the code at the cursor.' }];

async function main(): Promise<void> {
  const [serverUrl, distDirectory, workspace] = process.argv.slice(2) as [string, string, string];
  const scratch = mkdtempSync(join(tmpdir(), 'groundwork-node20-'));
  const settings = new Settings(
    new MemorySettingsSource({
      'openai.baseUrl': `${serverUrl}/v1`,
      'anthropic.baseUrl': serverUrl,
      endpoints: [{ name: 'local', baseUrl: `${serverUrl}/v1`, fim: true, local: true }],
    }),
    nullLogger,
  );
  const keys = new ApiKeys(new MemorySecretStore(), { OPENAI_API_KEY: 'sk-node20', ANTHROPIC_API_KEY: 'ak-node20' });
  const registry = new ProviderRegistry(settings, keys);
  const gateway = new ModelGateway({ settings, providers: registry, ledger: new UsageLedger({ directory: scratch }), contentFilter: new SecretRedactor() });

  const openai = await gateway.streamChat({ task: 'chat', feature: 'smoke', messages: [{ role: 'user', content: 'hello' }] }).result;
  const anthropic = await gateway.streamChat({ task: 'chat', feature: 'smoke', model: 'anthropic/claude-sonnet-5-5', messages: [{ role: 'user', content: 'hello' }] }).result;
  const fim = await gateway.complete({ messages: ask, prefix: 'function f() {\n  ', suffix: '\n}', model: 'local/coder' }).result;
  const embedding = await gateway.embed({ feature: 'smoke', inputs: ['a', 'b'], dimensions: 8 });

  const indexOptions = { storeDirectory: join(scratch, 'index'), roots: [{ id: 'ws', path: workspace }], embedder: { kind: 'local' as const }, grammarDirectory: join(distDirectory, 'grammars') };
  const index = new IndexWorkerClient({ workerPath: join(distDirectory, 'indexWorker.js') });
  await index.open(indexOptions);
  await index.refresh();
  const hits = await index.search('shipping cost for domestic orders', { top: 1 });
  await index.close();
  // A second worker loads what the first saved: the store (vectra, for a workspace this small) reads back on Node 20.
  const reopened = new IndexWorkerClient({ workerPath: join(distDirectory, 'indexWorker.js') });
  const reloaded = await reopened.open(indexOptions);
  const reloadedHits = await reopened.search('shipping cost for domestic orders', { top: 1 });
  await reopened.close();

  console.log(
    JSON.stringify({
      node: process.version,
      openai: openai.text,
      anthropic: anthropic.text,
      fim: fim.text,
      embedding: embedding.vectors.map((vector) => vector.length),
      tokens: tokenCounter.count('hello world'),
      topHit: hits[0] ? `${hits[0].path}:${hits[0].symbol ?? ''}` : null,
      reloaded: { store: reloaded.store, files: reloaded.files, topHit: reloadedHits[0]?.path ?? null },
    }),
  );
  gateway.dispose();
  registry.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

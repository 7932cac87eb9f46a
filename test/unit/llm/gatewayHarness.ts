import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullLogger } from '../../../src/common/logger.ts';
import { MemorySettingsSource, Settings } from '../../../src/common/settings.ts';
import type { GroundworkSettings, SettingKey } from '../../../src/common/settingsSchema.ts';
import type { HostApprovals } from '../../../src/common/settingsTrust.ts';
import { currentTarget } from '../../../src/llm/providerTarget.ts';
import { ApiKeys } from '../../../src/llm/apiKeys.ts';
import type { ContentFilter } from '../../../src/llm/contentFilter.ts';
import { ModelGateway, type ModelGatewayOptions, type ModelStream, type ModelStreamEvent } from '../../../src/llm/modelGateway.ts';
import { ProviderRegistry } from '../../../src/llm/providerRegistry.ts';
import type { RequestEntry } from '../../../src/llm/usageEntry.ts';
import { UsageLedger } from '../../../src/llm/usageLedger.ts';
import { type ModelServer, startModelServer } from '../../support/modelServer/modelServer.ts';
import { MemorySecretStore } from '../../support/memorySecretStore.ts';

export interface Harness {
  readonly server: ModelServer;
  readonly gateway: ModelGateway;
  readonly ledger: UsageLedger;
  readonly settings: MemorySettingsSource;
  readonly registry: ProviderRegistry;
  readonly keys: ApiKeys;
  readonly entries: RequestEntry[];
  readonly directory: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly settings?: Partial<GroundworkSettings>;
  readonly gateway?: Partial<ModelGatewayOptions>;
  readonly contentFilter?: ContentFilter;
  readonly keys?: Readonly<Record<string, string>>;
  /** A workspace's settings file, raw; the user's settings are `settings`. */
  readonly workspace?: Partial<Record<SettingKey, unknown>>;
  readonly approvals?: HostApprovals;
}

/** The real SDKs, registry, ledger and gateway against the fake model server. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const server = await startModelServer();
  const directory = await mkdtemp(join(tmpdir(), 'groundwork-ledger-'));
  const source = new MemorySettingsSource({
    'openai.baseUrl': `${server.url}/v1`,
    'anthropic.baseUrl': server.url,
    endpoints: [{ name: 'local', baseUrl: `${server.url}/v1`, fim: true, local: true }],
    'models.completion': 'openai/gpt-4o-mini',
    'models.completionFallbacks': [],
    'models.heavy': 'openai/gpt-4o',
    'models.heavyFallbacks': ['anthropic/claude-sonnet-5-5'],
    ...options.settings,
  }, options.workspace);
  const settings = new Settings(source, nullLogger, options.approvals);
  const secrets = new MemorySecretStore();
  const keys = new ApiKeys(secrets, {});
  for (const [provider, key] of Object.entries(options.keys ?? { openai: 'sk-test', anthropic: 'ak-test' })) {
    const origin = currentTarget(provider, settings).origin;
    if (!origin) throw new Error(`the harness has no host for ${provider}: set its endpoint first, then its key`);
    await keys.set(provider, key, origin);
  }
  const registry = new ProviderRegistry(settings, keys);
  const ledger = new UsageLedger({ directory });
  const gateway = new ModelGateway({
    settings,
    providers: registry,
    ledger,
    ...(options.contentFilter ? { contentFilter: options.contentFilter } : {}),
    // Short bounds keep timeout tests quick; the retry tests set their own.
    policies: {
      completion: { firstTokenMs: 1_000, totalMs: 3_000 },
      chat: { firstTokenMs: 1_000, totalMs: 4_000, attemptsPerModel: 1 },
      refactor: { firstTokenMs: 1_000, totalMs: 4_000, attemptsPerModel: 1 },
      embedding: { totalMs: 2_000, attemptsPerModel: 1 },
    },
    ...options.gateway,
  });
  const entries: RequestEntry[] = [];
  gateway.onDidRequest((event) => entries.push(event.entry));
  return {
    server,
    gateway,
    ledger,
    settings: source,
    registry,
    keys,
    entries,
    directory,
    close: async () => {
      gateway.dispose();
      registry.dispose();
      await ledger.flush();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Reads a stream to the end, keeping every event. */
export async function drain(stream: ModelStream): Promise<ModelStreamEvent[]> {
  const events: ModelStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export function textOf(events: readonly ModelStreamEvent[]): string {
  return events.map((event) => (event.type === 'text' ? event.text : '')).join('');
}

import type { SettingTrust } from './settingsTrust.ts';

/**
 * Every `groundwork.*` setting, once: its type, default, description and what changing it
 * forces. package.json's `contributes.configuration` is generated from this table
 * (`npm run sync:manifest`), and a unit test fails when the two drift apart.
 */

/** An extra OpenAI-compatible server (Ollama, vLLM, LM Studio, LiteLLM, Azure OpenAI). */
export interface EndpointSetting {
  /** Used as the provider part of `provider/model` names, for example `ollama/qwen2.5-coder`. */
  readonly name: string;
  readonly baseUrl: string;
  /** `azure` uses the SDK's Azure client; the rest speak plain OpenAI-compatible HTTP. */
  readonly kind?: 'openai-compatible' | 'azure';
  /** True for code models served with native fill-in-the-middle (`/v1/completions` with `suffix`). */
  readonly fim?: boolean;
  /** Runs on this machine; completions wait while a chat streams from it. */
  readonly local?: boolean;
  /** The server takes OpenAI `tools` (Agent mode needs it): off by default for compatible servers, on for Azure. */
  readonly tools?: boolean;
  readonly apiVersion?: string;
}

export interface PriceSetting {
  /** US dollars per million input tokens. */
  readonly input: number;
  /** US dollars per million output tokens. */
  readonly output: number;
}

/** The type of every setting, by key (without the `groundwork.` prefix). */
export interface GroundworkSettings {
  'openai.baseUrl': string;
  'anthropic.baseUrl': string;
  endpoints: readonly EndpointSetting[];
  'models.completion': string;
  'models.completionFallbacks': readonly string[];
  'models.heavy': string;
  'models.heavyFallbacks': readonly string[];
  'models.chat': string;
  'models.chatFallbacks': readonly string[];
  'models.embedding': string;
  prices: Readonly<Record<string, PriceSetting>>;
  'budget.dailyUsd': number;
  'completion.enabled': boolean;
  'completion.languages': Readonly<Record<string, boolean>>;
  'completion.debounceMs': number;
  'index.enabled': boolean;
  'index.exclude': readonly string[];
  'index.maxFileSizeKb': number;
  'index.maxFiles': number;
  'index.embedder': string;
  'index.sharedServer': string;
  'index.dimensions': number;
  'audit.retentionDays': number;
  'statusBar.showSpend': boolean;
  'agent.enabled': boolean;
  'agent.maxSteps': number;
  'agent.maxCostUsd': number;
}

export type SettingKey = keyof GroundworkSettings;

/** What must happen when a setting changes; the shell acts on these in one place. */
export type SettingEffect = 'resetProviders' | 'rebuildIndex' | 'refreshIndex' | 'none';

type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface SettingSpec<T> {
  readonly type: JsonSchemaType;
  readonly default: T;
  readonly description: string;
  readonly effect: SettingEffect;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly string[];
  /** Extra JSON schema for arrays and objects (items, properties, additionalProperties). */
  readonly schema?: Readonly<Record<string, unknown>>;
  /**
   * How far a workspace's value is trusted (`settingsTrust.ts`); absent: as VS Code merges. It
   * also decides the declared `scope` and the Restricted Mode list (`scripts/manifestConfiguration.ts`).
   */
  readonly trust?: SettingTrust;
}

const modelName = 'A model named `provider/model`: `openai/…`, `anthropic/…`, or the name of an entry in `groundwork.endpoints`.';
const modelList = { items: { type: 'string' } } as const;

export const settingsSchema: { readonly [K in SettingKey]: SettingSpec<GroundworkSettings[K]> } = {
  'openai.baseUrl': {
    type: 'string',
    default: '',
    description: 'Base URL of the OpenAI API, for a proxy or a compatible server. Empty uses https://api.openai.com/v1.',
    effect: 'resetProviders',
    trust: 'host',
  },
  'anthropic.baseUrl': {
    type: 'string',
    default: '',
    description: 'Base URL of the Anthropic API, for a proxy. Empty uses https://api.anthropic.com.',
    effect: 'resetProviders',
    trust: 'host',
  },
  endpoints: {
    type: 'array',
    default: [],
    description:
      'Extra OpenAI-compatible servers (Ollama, vLLM, LM Studio, LiteLLM, Azure OpenAI). Each `name` becomes a provider: `ollama/qwen2.5-coder:7b`. Keys are set with "Groundwork: Set API Key".',
    effect: 'resetProviders',
    trust: 'host',
    schema: {
      items: {
        type: 'object',
        required: ['name', 'baseUrl'],
        properties: {
          name: { type: 'string', description: 'Provider name used in model names.' },
          baseUrl: { type: 'string', description: 'For example http://localhost:11434/v1' },
          kind: { type: 'string', enum: ['openai-compatible', 'azure'], default: 'openai-compatible' },
          fim: { type: 'boolean', default: false, description: 'Serves native fill-in-the-middle through /v1/completions with suffix.' },
          local: { type: 'boolean', default: false, description: 'Runs on this machine: completions wait while a chat streams from it.' },
          tools: { type: 'boolean', description: 'The model server supports tool calling (OpenAI `tools`), which Agent mode needs. Default: false for OpenAI-compatible servers, true for Azure.' },
          apiVersion: { type: 'string', description: 'Azure OpenAI API version.' },
        },
      },
    },
  },
  'models.completion': {
    type: 'string',
    default: 'openai/gpt-4o-mini',
    description: `Model for inline completions (the fast tier). ${modelName}`,
    effect: 'resetProviders',
    trust: 'user',
  },
  'models.completionFallbacks': {
    type: 'array',
    default: [],
    description: 'Models tried in order when the completion model is rate-limited or down.',
    effect: 'resetProviders',
    trust: 'user',
    schema: modelList,
  },
  'models.heavy': {
    type: 'string',
    default: 'openai/gpt-4o',
    description: `Model for refactors and cross-file reasoning (the heavy tier). ${modelName}`,
    effect: 'resetProviders',
    trust: 'user',
  },
  'models.heavyFallbacks': {
    type: 'array',
    default: ['anthropic/claude-sonnet-5-5'],
    description: 'Models tried in order when the heavy model is rate-limited or down.',
    effect: 'resetProviders',
    trust: 'user',
    schema: modelList,
  },
  'models.chat': {
    type: 'string',
    default: '',
    description: `Model for the chat panel. Empty uses groundwork.models.heavy. ${modelName}`,
    effect: 'resetProviders',
    trust: 'user',
  },
  'models.chatFallbacks': {
    type: 'array',
    default: [],
    description: 'Models tried in order when the chat model is rate-limited or down. Empty uses groundwork.models.heavyFallbacks.',
    effect: 'resetProviders',
    trust: 'user',
    schema: modelList,
  },
  'models.embedding': {
    type: 'string',
    default: 'openai/text-embedding-3-small',
    description: 'Embedding model used when groundwork.index.embedder is "remote".',
    effect: 'rebuildIndex',
    trust: 'user',
  },
  prices: {
    type: 'object',
    default: {},
    description:
      'Per-model prices in US dollars per million tokens, overriding the built-in table: { "openai/gpt-4o": { "input": 2.5, "output": 10 } }.',
    effect: 'none',
    trust: 'user',
    schema: {
      additionalProperties: {
        type: 'object',
        required: ['input', 'output'],
        properties: { input: { type: 'number', minimum: 0 }, output: { type: 'number', minimum: 0 } },
      },
    },
  },
  'budget.dailyUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    description:
      'Daily spending limit in US dollars. Past it, completions pause and heavy requests ask before spending more. 0 means no limit.',
    effect: 'none',
    trust: 'user',
  },
  'completion.enabled': {
    type: 'boolean',
    default: true,
    description: 'Show inline completions (ghost text).',
    effect: 'none',
  },
  'completion.languages': {
    type: 'object',
    default: {},
    description: 'Turn inline completions off or on per language id: { "markdown": false, "plaintext": false }.',
    effect: 'none',
    schema: { additionalProperties: { type: 'boolean' } },
  },
  'completion.debounceMs': {
    type: 'integer',
    default: 150,
    minimum: 0,
    maximum: 2000,
    description:
      'The shortest pause in typing before a completion is requested, in milliseconds. Groundwork waits a little longer than your usual gap between keystrokes within a burst (learned as you type, at most 350 ms), so requests go at pauses, not inside bursts where the next keystroke would throw them away. Cached and typed-ahead suggestions show at once regardless.',
    effect: 'none',
  },
  'index.enabled': {
    type: 'boolean',
    default: true,
    description: 'Index the workspace so chat and refactors can find the code they need.',
    effect: 'refreshIndex',
  },
  'index.exclude': {
    type: 'array',
    default: [],
    description: 'Glob patterns of files never to index or send, in addition to .gitignore and .groundworkignore.',
    effect: 'refreshIndex',
    schema: { items: { type: 'string' } },
  },
  'index.maxFileSizeKb': {
    type: 'integer',
    default: 1024,
    minimum: 1,
    description: 'Files larger than this are not indexed.',
    effect: 'refreshIndex',
  },
  'index.maxFiles': {
    type: 'integer',
    default: 50000,
    minimum: 1,
    description: 'The most files indexed per workspace; past it, indexing stops and says so.',
    effect: 'refreshIndex',
  },
  'index.embedder': {
    type: 'string',
    default: 'local',
    enum: ['local', 'remote'],
    description:
      '"local" embeds on this machine with no network and no download; "remote" uses groundwork.models.embedding. Changing it rebuilds the index.',
    effect: 'rebuildIndex',
    trust: 'user',
  },
  'index.sharedServer': {
    type: 'string',
    default: '',
    description:
      'A team index on Postgres with pgvector, filled by `groundwork index --postgres` (the connection string without its password; set it with Groundwork: Connect Shared Index…, which keeps the password in Secret Storage). Searches use it at the commit checked out, with the files changed on this machine from the local index; nothing is written to the server.',
    effect: 'none',
    trust: 'user',
  },
  'index.dimensions': {
    type: 'integer',
    default: 256,
    minimum: 64,
    maximum: 3072,
    description: 'Vector size requested from the remote embedding model. Changing it rebuilds the index.',
    effect: 'rebuildIndex',
    trust: 'user',
  },
  'audit.retentionDays': {
    type: 'integer',
    default: 30,
    minimum: 1,
    description: 'Days the local audit log of sent requests is kept.',
    effect: 'none',
    trust: 'user',
  },
  'statusBar.showSpend': {
    type: 'boolean',
    default: false,
    description: "Show today's spend in the status bar.",
    effect: 'none',
  },
  'agent.enabled': {
    type: 'boolean',
    default: true,
    description: 'Agent mode: chat questions go to a model that can call tools, which may search and read further in the workspace (read-only) before it answers; each step shows in the chat. Off, or with a model that takes no tools, a question is answered in one pass from the first search.',
    effect: 'none',
    trust: 'user',
  },
  'agent.maxSteps': {
    type: 'integer',
    default: 25,
    minimum: 1,
    maximum: 200,
    description: 'The most model calls one Agent mode task may make; at the cap the task stops and shows what it proposed so far.',
    effect: 'none',
    trust: 'user',
  },
  'agent.maxCostUsd': {
    type: 'number',
    default: 1,
    minimum: 0,
    description: 'The most one Agent mode task may spend, in US dollars; past it the task stops. 0 means no cap per task (the daily budget still applies).',
    effect: 'none',
    trust: 'user',
  },
};

export const settingKeys = Object.keys(settingsSchema) as SettingKey[];

import { AgentLoop, type AgentLimits, type AgentLoopOptions } from '../../../src/agent/agentLoop.ts';
import type { AgentPorts, AgentWorkspace } from '../../../src/agent/agentWorkspace.ts';
import type { IndexHit } from '../../../src/index/indexRetrieval.ts';
import type { RequestEvent } from '../../../src/llm/modelGateway.ts';
import { FileAccessPolicy } from '../../../src/safety/fileAccessPolicy.ts';
import { SecretRedactor } from '../../../src/safety/secretRedactor.ts';
import { type Harness, type HarnessOptions, startHarness } from '../llm/gatewayHarness.ts';

/** The two protocols every loop test runs in: the model each one starts with. */
export const vendors = [
  ['OpenAI', 'openai/gpt-4o'],
  ['Anthropic', 'anthropic/claude-sonnet-5-5'],
] as const;

export interface AgentHarness {
  readonly gateway: Harness;
  readonly redactor: SecretRedactor;
  readonly files: Map<string, string>;
  readonly requests: RequestEvent[];
  /** Reads started so far, by path, in order. */
  readonly reads: string[];
  loop(options?: Partial<Omit<AgentLoopOptions, 'limits'>> & { limits?: Partial<AgentLimits> }): AgentLoop;
  close(): Promise<void>;
}

export interface AgentHarnessOptions {
  readonly files: Readonly<Record<string, string>>;
  readonly hits?: readonly IndexHit[];
  /** Called at the start of every read, before it answers: tests hold reads here. */
  readonly onRead?: (path: string, signal: AbortSignal) => Promise<void>;
  /** Paths the user's ignore rules exclude. */
  readonly ignored?: readonly string[];
  readonly harness?: Pick<HarnessOptions, 'settings' | 'gateway'>;
}

/** The real SDKs, gateway and redactor against the scripted server, with an in-memory workspace. */
export async function startAgentHarness(options: AgentHarnessOptions): Promise<AgentHarness> {
  const redactor = new SecretRedactor();
  const gateway = await startHarness({ ...options.harness, contentFilter: redactor });
  const files = new Map(Object.entries(options.files));
  const reads: string[] = [];
  const requests: RequestEvent[] = [];
  gateway.gateway.onDidRequest((event) => requests.push(event));
  const workspace: AgentWorkspace = {
    read: async (path, signal) => {
      reads.push(path);
      await options.onRead?.(path, signal);
      return files.get(path);
    },
    listFiles: async () => [...files.keys()].sort(),
  };
  const policy = new FileAccessPolicy((path) => (options.ignored?.includes(path) ? 'excluded by .groundworkignore' : false));
  const ports: AgentPorts = { workspace, policy, search: async (_query, { top }) => (options.hits ?? []).slice(0, top) };
  return {
    gateway,
    redactor,
    files,
    requests,
    reads,
    loop: (overrides = {}) =>
      new AgentLoop({
        gateway: gateway.gateway,
        ports,
        ...overrides,
        limits: { maxSteps: 10, maxCostUsd: 0, ...overrides.limits },
      }),
    close: () => gateway.close(),
  };
}

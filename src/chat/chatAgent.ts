import type { Settings } from '../common/settings.ts';
import { AgentLoop } from '../agent/agentLoop.ts';
import type { AgentPorts } from '../agent/agentWorkspace.ts';
import type { ChatAgent } from './chatController.ts';
import type { Logger } from '../common/logger.ts';
import { contextWindowOf } from '../llm/contextWindows.ts';
import type { ModelGateway } from '../llm/modelGateway.ts';

/** The part of the gateway Agent mode needs. */
export type AgentGateway = Pick<ModelGateway, 'streamWithTools' | 'supportsTools'>;

/**
 * Agent mode for the chat: an AgentLoop with the read-only tools per question, within the
 * `agent.*` settings' caps, over the given ports (the workspace read through the access policy,
 * the index's search).
 */
export function chatAgent(gateway: AgentGateway, settings: Settings, ports: AgentPorts, logger: Logger): ChatAgent {
  return {
    enabled: () => settings.get('agent.enabled'),
    async unavailable(model) {
      // The loop asks the heavy tier (task 'refactor') unless the user picked a model.
      if (await gateway.supportsTools('refactor', model)) return undefined;
      return `Agent mode did not run: ${model ?? 'the chat model'} takes no tools, so this was answered in one pass from the first search.`;
    },
    run(task, options) {
      const loop = new AgentLoop({
        gateway,
        ports,
        readOnly: true,
        feature: 'chat.agent',
        limits: { maxSteps: settings.get('agent.maxSteps'), maxCostUsd: settings.get('agent.maxCostUsd') },
        ...(options.model ? { model: options.model, contextWindowTokens: contextWindowOf(options.model) ?? 128_000 } : {}),
        logger,
      });
      return loop.run(task, options);
    },
  };
}

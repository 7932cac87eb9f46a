import type { EndpointSetting } from '../common/settingsSchema.ts';
import { mergeSourceRefs, type SourceRef } from '../llm/contentFilter.ts';
import type { ModelGateway } from '../llm/modelGateway.ts';
import { parseModelName } from '../llm/modelName.ts';
import type { CompletionModel, CompletionPrompt } from './types.ts';

type CompletionGateway = Pick<ModelGateway, 'complete'>;

/** True when the completion model is served by an endpoint marked as native fill-in-the-middle. */
export function isFimModel(model: string, endpoints: readonly EndpointSetting[]): boolean {
  try {
    const { provider } = parseModelName(model);
    return endpoints.some((endpoint) => endpoint.name === provider && endpoint.fim === true);
  } catch {
    return false;
  }
}

/**
 * The completion engine's model port over the gateway. Each request carries both forms; the
 * gateway sends each model along the chain the one it takes (native fill-in-the-middle where the
 * endpoint serves it, the chat phrasing elsewhere) and says which, so the engine cleans the answer
 * to match. The engine already counted the prompt's tokens, so the gateway does not count again.
 */
export function gatewayCompletionModel(gateway: CompletionGateway, fim: boolean): CompletionModel {
  return {
    fim,
    stream: (prompts, signal) => {
      let form: CompletionPrompt['kind'] = fim ? 'fim' : 'chat';
      const primary = fim ? prompts.fim : prompts.chat;
      const stream = gateway.complete({
        feature: 'completion',
        signal,
        maxTokens: primary.maxTokens,
        temperature: 0,
        sources: sourcesOf(primary),
        promptTokens: primary.sources.reduce((sum, source) => sum + source.tokens, 0),
        prefix: prompts.fim.prompt,
        suffix: prompts.fim.suffix,
        stop: prompts.fim.stop,
        messages: prompts.chat.messages,
        onAttempt: (attempted) => (form = attempted),
      });
      return {
        get form() {
          return form;
        },
        async *[Symbol.asyncIterator]() {
          // A completion never restarts: the gateway ends one that fails mid-answer.
          for await (const event of stream) if (event.type === 'text') yield event.text;
        },
      };
    },
  };
}

/** The files and lines the prompt drew on, for the audit log. */
export function sourcesOf(prompt: CompletionPrompt): SourceRef[] {
  return mergeSourceRefs(prompt.sources);
}

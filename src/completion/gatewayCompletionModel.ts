import { GroundworkError } from '../common/errors.ts';
import type { EndpointSetting } from '../common/settingsSchema.ts';
import { mergeSourceRefs, type SourceRef } from '../llm/contentFilter.ts';
import type { ModelGateway } from '../llm/modelGateway.ts';
import { parseModelName } from '../llm/modelName.ts';
import type { CompletionModel, CompletionPrompt } from './types.ts';

type CompletionGateway = Pick<ModelGateway, 'streamChat' | 'complete'>;

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
 * The completion engine's model port over the gateway: chat prompts go to chat completions on
 * the completion task, FIM prompts to `/v1/completions` with `suffix`. The engine already counted
 * the prompt's tokens, so the gateway is told rather than counting again on the typing path.
 */
export function gatewayCompletionModel(gateway: CompletionGateway, fim: boolean): CompletionModel {
  return { fim, stream: (prompt, signal) => streamText(gateway, prompt, signal) };
}

async function* streamText(gateway: CompletionGateway, prompt: CompletionPrompt, signal: AbortSignal): AsyncIterable<string> {
  const common = {
    feature: 'completion',
    signal,
    maxTokens: prompt.maxTokens,
    temperature: 0,
    sources: sourcesOf(prompt),
    promptTokens: prompt.sources.reduce((sum, source) => sum + source.tokens, 0),
  };
  const stream =
    prompt.kind === 'chat'
      ? gateway.streamChat({ ...common, task: 'completion', messages: prompt.messages })
      : gateway.complete({ ...common, prefix: prompt.prompt, suffix: prompt.suffix, stop: prompt.stop });
  for await (const event of stream) {
    // A fallback model starting over mid-answer: the engine has already taken the first model's
    // text, and a completion is not worth a second wait; give this one up.
    if (event.type === 'restart') throw new GroundworkError(`The completion model failed mid-answer; ${event.model} took over too late.`);
    yield event.text;
  }
}

/** The files and lines the prompt drew on, for the audit log. */
export function sourcesOf(prompt: CompletionPrompt): SourceRef[] {
  return mergeSourceRefs(prompt.sources);
}

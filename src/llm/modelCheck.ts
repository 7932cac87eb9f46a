import { errorMessage, isCancellation } from '../common/errors.ts';
import type { ModelGateway } from './modelGateway.ts';
import type { ChatTask } from './modelGateway.ts';
import { ProviderError, type ProviderErrorReason } from './providerError.ts';

/** One role's answer to "can Groundwork reach this model?". */
export type ModelCheck =
  | { readonly task: ChatTask; readonly ok: true; readonly model: string; readonly fallbackFrom: string | null; readonly ms: number }
  | { readonly task: ChatTask; readonly ok: false; readonly reason: ProviderErrorReason | 'unknown'; readonly message: string };

const roles: readonly ChatTask[] = ['completion', 'chat', 'refactor'];

/**
 * Sends the smallest possible request to each role's model chain, one role at a time, so the
 * user learns at once whether their keys, base URLs and model names work. The calls go through
 * the gateway like any other (ledger, budget, redaction) and are billed as feature "check".
 */
export async function checkModels(gateway: Pick<ModelGateway, 'streamChat'>, signal?: AbortSignal): Promise<ModelCheck[]> {
  const results: ModelCheck[] = [];
  for (const task of roles) {
    const started = Date.now();
    try {
      const result = await gateway.streamChat({
        task,
        feature: 'check',
        messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
        maxTokens: 5,
        temperature: 0,
        signal,
      }).result;
      results.push({ task, ok: true, model: result.model, fallbackFrom: result.fallbackFrom, ms: Date.now() - started });
    } catch (error) {
      if (isCancellation(error)) throw error;
      results.push({
        task,
        ok: false,
        reason: error instanceof ProviderError ? error.reason : 'unknown',
        message: errorMessage(error),
      });
    }
  }
  return results;
}

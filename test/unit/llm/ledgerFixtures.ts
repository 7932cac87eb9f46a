import type { RequestEntry } from '../../../src/llm/usageEntry.ts';

/** A plausible request entry, with the fields a test cares about overridden. */
export function request(time: number, fields: Partial<RequestEntry> = {}): RequestEntry {
  return {
    type: 'request',
    time,
    feature: 'chat',
    task: 'chat',
    tier: 'chat',
    provider: 'openai',
    model: 'openai/gpt-4o',
    inputTokens: 100,
    outputTokens: 10,
    tokenSource: 'api',
    costUsd: 0.01,
    ttftMs: 200,
    totalMs: 900,
    outcome: 'ok',
    fallbackFrom: null,
    redactions: 0,
    ...fields,
  };
}

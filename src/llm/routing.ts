import type { GroundworkSettings } from '../common/settingsSchema.ts';
import { contextWindowOf } from './contextWindows.ts';
import type { ModelTask, ModelTier } from './modelTypes.ts';

type ModelKey = 'models.completion' | 'models.chat' | 'models.heavy' | 'models.embedding';
type FallbackKey = 'models.completionFallbacks' | 'models.chatFallbacks' | 'models.heavyFallbacks';

export interface RouteRow {
  readonly tier: ModelTier;
  /** Settings tried in order; the first non-empty one names the model. */
  readonly model: readonly ModelKey[];
  /** Settings tried in order; the first non-empty list is the fallback chain. */
  readonly fallbacks: readonly FallbackKey[];
}

/** Which settings answer each task. Chat falls back to the heavy tier's settings when its own are empty. */
export const routingTable: { readonly [T in ModelTask]: RouteRow } = {
  completion: { tier: 'fast', model: ['models.completion'], fallbacks: ['models.completionFallbacks'] },
  chat: { tier: 'chat', model: ['models.chat', 'models.heavy'], fallbacks: ['models.chatFallbacks', 'models.heavyFallbacks'] },
  refactor: { tier: 'heavy', model: ['models.heavy'], fallbacks: ['models.heavyFallbacks'] },
  crossFile: { tier: 'heavy', model: ['models.heavy'], fallbacks: ['models.heavyFallbacks'] },
  embedding: { tier: 'embedding', model: ['models.embedding'], fallbacks: [] },
};

export interface SettingsReader {
  get<K extends keyof GroundworkSettings>(key: K): GroundworkSettings[K];
}

export interface RouteInput {
  readonly task: ModelTask;
  /** Bytes of everything sent: a token is at least one byte, so a prompt this small fits unchecked. */
  readonly promptBytes: number;
  /** Tokens in the prompt, counted only when a candidate's window might be too small. */
  readonly promptTokens: () => number;
  /** Tokens kept for the reply. */
  readonly replyTokens: number;
  /** A model the request names itself; it goes first, ahead of the tier's chain. */
  readonly model?: string;
}

export interface RoutePlan {
  readonly tier: ModelTier;
  /** Models to try, in order, without duplicates: the primary, then its fallbacks. Empty when none can take the prompt. */
  readonly candidates: readonly string[];
  /** True when the task's own tier could not take the prompt and the heavy tier's chain answers instead. */
  readonly escalated: boolean;
}

/**
 * The models a request goes to. Routing by size serves where a context can outgrow a model:
 * chat (whose model may be a small one) moves to the heavy tier when none of its own models can
 * hold the prompt and the reply, and any chain skips a model too small for it. Completions never
 * leave the fast tier: their prompts are capped far below any window, and a heavy model's
 * latency and price would be wrong for ghost text.
 */
export function planRoute(input: RouteInput, settings: SettingsReader, windowOf: (model: string) => number | undefined = contextWindowOf): RoutePlan {
  const own = routingTable[input.task];
  const chain = (row: RouteRow) => {
    const primary = row.model.map((key) => settings.get(key)).find((name) => name.trim() !== '') ?? '';
    const fallbacks = row.fallbacks.map((key) => settings.get(key)).find((list) => list.length > 0) ?? [];
    const ordered = [input.model, primary, ...fallbacks].map((name) => name?.trim() ?? '').filter((name) => name !== '');
    return [...new Set(ordered)];
  };
  if (own.tier === 'fast' || own.tier === 'embedding') return { tier: own.tier, candidates: chain(own), escalated: false };
  const fits = (model: string) => {
    const window = windowOf(model);
    return window === undefined || input.promptBytes + input.replyTokens <= window || input.promptTokens() + input.replyTokens <= window;
  };
  const candidates = chain(own).filter(fits);
  if (candidates.length > 0 || own.tier === 'heavy') return { tier: own.tier, candidates, escalated: false };
  return { tier: 'heavy', candidates: chain(routingTable.refactor).filter(fits), escalated: true };
}

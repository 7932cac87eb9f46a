import type { GroundworkSettings } from '../common/settingsSchema.ts';
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
  /** Tokens in the prompt, for escalation past the fast tier's budget. */
  readonly promptTokens: number;
  /** The most prompt tokens the fast tier takes; a bigger completion prompt goes to the heavy tier. */
  readonly fastPromptBudget: number;
  /** A model the request names itself; it goes first, ahead of the tier's chain. */
  readonly model?: string;
}

export interface RoutePlan {
  readonly tier: ModelTier;
  /** Models to try, in order, without duplicates: the primary, then its fallbacks. */
  readonly candidates: readonly string[];
  readonly escalated: boolean;
}

export function planRoute(input: RouteInput, settings: SettingsReader): RoutePlan {
  const escalated = routingTable[input.task].tier === 'fast' && input.promptTokens > input.fastPromptBudget;
  const row = escalated ? routingTable.refactor : routingTable[input.task];
  const primary = row.model.map((key) => settings.get(key)).find((name) => name.trim() !== '') ?? '';
  const fallbacks = row.fallbacks.map((key) => settings.get(key)).find((list) => list.length > 0) ?? [];
  const ordered = [input.model, primary, ...fallbacks].map((name) => name?.trim() ?? '').filter((name) => name !== '');
  return { tier: row.tier, candidates: [...new Set(ordered)], escalated };
}

import { formatUsd } from '../common/format.ts';
import type { Mention, ModelOption } from '../chat/protocol.ts';

/** The mentions the `@` menu offers. */
export const mentionChoices = [
  { token: '@codebase', description: 'Search the indexed workspace' },
  { token: '@file', description: 'Attach a file' },
  { token: '@problems', description: 'Attach the Problems list' },
] as const;

// `@file:path` ends at whitespace; a path with spaces is written `@file:"my dir/a.ts"`.
const mentionPattern = /(?<![\w@])@(codebase|problems|file:(?:"([^"\n]+)"|(\S+)))/g;

/** The mentions written in a message, each once, in the order written. */
export function extractMentions(text: string): Mention[] {
  const mentions: Mention[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(mentionPattern)) {
    const kind = match[1]!;
    const mention: Mention = kind === 'codebase' ? { kind: 'codebase' } : kind === 'problems' ? { kind: 'problems' } : { kind: 'file', path: (match[2] ?? match[3])! };
    const key = mention.kind === 'file' ? `file:${mention.path}` : mention.kind;
    if (seen.has(key)) continue;
    seen.add(key);
    mentions.push(mention);
  }
  return mentions;
}

/** How a chosen file is written into the composer. */
export function fileMentionText(path: string): string {
  return /\s|"/.test(path) ? `@file:"${path.replace(/"/g, '')}"` : `@file:${path}`;
}

/**
 * The `@word` being typed just before the cursor, if any: where it starts and what follows the
 * `@`, for the mention menu.
 */
export function mentionAtCursor(text: string, cursor: number): { readonly start: number; readonly query: string } | undefined {
  const before = text.slice(0, cursor);
  const match = /(?:^|\s)@([\w:./-]*)$/.exec(before);
  if (!match) return undefined;
  return { start: cursor - match[1]!.length - 1, query: match[1]! };
}

export function formatCost(costUsd: number | null): string {
  if (costUsd === null) return 'cost unknown';
  if (costUsd === 0) return '$0';
  return formatUsd(costUsd);
}

export function formatTokens(count: number): string {
  return count >= 10_000 ? `${(count / 1000).toFixed(1)}k` : String(count);
}

/** A model as the picker lists it: name, tier and price per million tokens. */
export function modelLabel(option: ModelOption): string {
  const price = option.price ? `$${option.price.input}/$${option.price.output} per 1M tokens` : 'price unknown';
  return `${option.name} (${option.tier}, ${price})`;
}

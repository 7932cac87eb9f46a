import { EnoughReceived } from '../common/errors.ts';
import { blockEnd, blockShape } from './blockEnd.ts';
import { prepareBlock, stripEcho, stripNoise } from './cleanup.ts';
import type { CursorContext } from './cursorContext.ts';
import type { CompletionMode } from './types.ts';

export interface EarlyStopOptions {
  readonly mode: CompletionMode;
  readonly chat: boolean;
  readonly context: CursorContext;
  readonly maxLines: number;
  readonly maxChars: number;
}

export type StopReason = 'newline' | 'blockEnd' | 'fenceClosed' | 'lineCap' | 'charCap';

const fence = /^[ \t]*```/;

/**
 * Why the suggestion is already complete, judged on the whole lines received so far, or
 * undefined to keep reading. The rules mirror the clean-up, so stopping loses nothing it keeps.
 */
export function stopReason(raw: string, options: EarlyStopOptions): StopReason | undefined {
  if (raw.length > options.maxChars) return 'charCap';
  const lastNewline = raw.lastIndexOf('\n');
  if (lastNewline === -1) return undefined;
  const complete = raw.slice(0, lastNewline);
  if (options.chat) {
    const lines = complete.split('\n');
    const open = lines.findIndex((line) => fence.test(line));
    if (open !== -1 && lines.some((line, i) => i > open && fence.test(line))) return 'fenceClosed';
  }
  const view = options.chat ? stripNoise(complete) : complete;
  if (options.mode === 'line') {
    if (!options.chat) return 'newline';
    // Until real code arrives the newlines belong to fences and prose.
    return view.trim() ? 'newline' : undefined;
  }
  if (options.chat && !view.trim()) return undefined;
  const lines = prepareBlock(stripEcho(view, options.context, options.chat), options.context, options.chat);
  const end = blockEnd(lines, lines.length, blockShape(options.context, options.maxLines));
  if (end === undefined) return undefined;
  return end >= options.maxLines ? 'lineCap' : 'blockEnd';
}

export interface CollectedCompletion {
  readonly raw: string;
  readonly stopped?: StopReason;
}

/**
 * Reads the model's deltas until the suggestion is complete, then aborts the stream (the tokens
 * not generated are not paid for, and the suggestion shows sooner).
 */
export async function collectCompletion(
  deltas: AsyncIterable<string>,
  options: EarlyStopOptions | (() => EarlyStopOptions),
  controller: AbortController,
): Promise<CollectedCompletion> {
  let raw = '';
  for await (const delta of deltas) {
    raw += delta;
    // Asked per delta: which form the answering model was sent is known only once it answers.
    const current = typeof options === 'function' ? options() : options;
    // Only a delta that completes a line can change the verdict.
    if (!delta.includes('\n') && raw.length <= current.maxChars) continue;
    const reason = stopReason(raw, current);
    if (reason) {
      controller.abort(new EnoughReceived());
      return { raw, stopped: reason };
    }
  }
  return { raw };
}

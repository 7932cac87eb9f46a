import type { ChatMessage } from './modelTypes.ts';

const instructions =
  'You complete code. The user sends the code before and after the cursor, with <CURSOR> marking the gap. ' +
  'Reply with only the text that belongs at <CURSOR>: no explanation, no markdown fences, nothing repeated from around it.';

/** Fill-in-the-middle phrased as a chat, for models without native FIM. */
export function fimAsChat(prefix: string, suffix: string): ChatMessage[] {
  return [
    { role: 'system', content: instructions },
    { role: 'user', content: `${prefix}<CURSOR>${suffix}` },
  ];
}

import type { ToolConversationMessage } from '../llm/toolTypes.ts';

/** What an old result becomes when the conversation must shrink. */
export const droppedResultText = '[This tool result was removed to keep the conversation inside the model\'s context window. Call the tool again if you still need it.]';

/**
 * Keeps a tool conversation inside `budgetTokens` by emptying the oldest tool results first
 * (their call stays, so the model knows it made it). The system prompt, the task and the latest
 * step's results are kept whole. Returns the ids of the calls whose results were emptied; the
 * messages array is changed in place, so a result once dropped stays dropped.
 */
export function fitToolConversation(messages: ToolConversationMessage[], budgetTokens: number, count: (message: ToolConversationMessage) => number): string[] {
  let total = messages.reduce((sum, message) => sum + count(message), 0);
  const dropped: string[] = [];
  if (total <= budgetTokens) return dropped;
  let lastAssistant = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'assistant') {
      lastAssistant = i;
      break;
    }
  }
  for (let i = 0; i < lastAssistant && total > budgetTokens; i++) {
    const message = messages[i]!;
    if (message.role !== 'tool' || message.content === droppedResultText) continue;
    const replacement: ToolConversationMessage = { ...message, content: droppedResultText, isError: false };
    total += count(replacement) - count(message);
    messages[i] = replacement;
    dropped.push(message.toolCallId);
  }
  return dropped;
}

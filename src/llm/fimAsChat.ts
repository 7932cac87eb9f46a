import { fenceWorkspaceContent, workspaceDataInstruction } from '../safety/promptFencing.ts';
import type { ChatMessage } from './modelTypes.ts';

const cursor = '<CURSOR>';
const instructions =
  `You complete code. The user sends the code before and after the cursor, with ${cursor} marking the gap. ` +
  `Reply with only the text that belongs at ${cursor}: no explanation, no markdown fences, nothing repeated from around it. ${workspaceDataInstruction}`;

/**
 * Fill-in-the-middle phrased as a chat, for models without native FIM. The code is workspace
 * text: it goes in the one prompt fence, and a marker of its own is defused so only one gap shows.
 */
export function fimAsChat(prefix: string, suffix: string): ChatMessage[] {
  const defused = (text: string) => text.replaceAll(cursor, '<CURSOR >');
  return [
    { role: 'system', content: instructions },
    { role: 'user', content: fenceWorkspaceContent({ path: 'the file being edited', text: `${defused(prefix)}${cursor}${defused(suffix)}` }) },
  ];
}

import type { DocumentSnapshot } from '../common/text.ts';
import type { TokenCounter } from '../llm/tokenizer.ts';
import type { CompletionContext, ContextSnippet } from './contextGatherer.ts';
import { fenceWorkspaceContent, workspaceDataInstruction } from '../safety/promptFencing.ts';
import { asComment } from './languages.ts';
import type { ChatPrompt, CompletionMode, ContextSourceUse, FimPrompt } from './types.ts';

export interface PromptInput {
  readonly document: DocumentSnapshot;
  readonly context: CompletionContext;
  readonly mode: CompletionMode;
  readonly maxLines: number;
}

export const hole = '<CURSOR/>';

export const chatSystemPrompt = [
  'You are a code completion engine inside a code editor. You receive a file with a hole marked <CURSOR/> and reply with the code that replaces the hole.',
  'Reply with that code only: no markdown fences, no explanations, no repetition of the code before or after the hole.',
  workspaceDataInstruction,
  "Follow the file's style, names and indentation. If nothing sensible fits, reply with nothing.",
].join('\n');

/** A marker in the file's own text must not pass for the hole: it is written with a space. */
const withoutHoleMarkers = (text: string) => (text.includes(hole) ? text.replaceAll(hole, '<CURSOR />') : text);

const maxTokens: Readonly<Record<CompletionMode, number>> = { line: 64, block: 256 };

function modeInstruction(mode: CompletionMode, maxLines: number): string {
  return mode === 'line'
    ? 'Complete the current line only: reply with the text that goes from <CURSOR/> to the end of that line, on one line. Do not repeat what follows <CURSOR/> on that line.'
    : `Complete the code that starts at <CURSOR/>: at most ${maxLines} lines, ending where the block or statement ends. If the code belongs on the next line, start your reply with a line break.`;
}

/** Tokens of the prompt's fixed text (and snippet wrappers), kept out of the context budget. */
export function promptOverhead(fim: boolean, counter: TokenCounter): number {
  return fim ? 24 : counter.count(chatSystemPrompt) + counter.count(modeInstruction('block', 99)) + 80;
}

function usedSources(context: CompletionContext, snippets: readonly ContextSnippet[]): ContextSourceUse[] {
  const windows = context.sources.filter((source) => source.kind === 'prefix' || source.kind === 'suffix');
  return [
    ...windows,
    ...snippets.map(({ kind, path, tokens, startLine, endLine }) => ({ kind, path, tokens, ...(startLine !== undefined && endLine !== undefined ? { startLine, endLine } : {}) })),
  ];
}

const sourceLabel: Readonly<Record<ContextSnippet['kind'], string>> = {
  import: 'definitions this file imports',
  recentFile: 'similar code from a recently used file',
  index: 'related code from the workspace index',
};

/**
 * Chat prompt for models that are not trained for fill-in-the-middle: the workspace context
 * first, then the file with the hole, and the instruction last, where a small model attends most.
 * All workspace text, the file's own included, sits in the one prompt fence
 * (`fenceWorkspaceContent`), which no text inside can close.
 */
export function buildChatPrompt(input: PromptInput): ChatPrompt {
  const { document, context, mode } = input;
  const language = document.languageId;
  const parts: string[] = [];
  for (const snippet of context.snippets) {
    parts.push(`Context, ${sourceLabel[snippet.kind]}:`, fenceWorkspaceContent({ path: snippet.path, text: withoutHoleMarkers(snippet.text) }), '');
  }
  const cut = [context.prefixIsWholeFile ? '' : 'starts partway into the file', context.suffixIsWholeFile ? '' : 'stops before its end'].filter(Boolean);
  parts.push(
    `Language: ${language}`,
    `The file with the hole${cut.length > 0 ? ` (this excerpt ${cut.join(' and ')})` : ''}:`,
    fenceWorkspaceContent({ path: document.path, language, text: `${withoutHoleMarkers(context.prefix)}${hole}${withoutHoleMarkers(context.suffix)}` }),
    '',
    modeInstruction(mode, input.maxLines),
  );
  return {
    kind: 'chat',
    messages: [
      { role: 'system', content: chatSystemPrompt },
      { role: 'user', content: parts.join('\n') },
    ],
    maxTokens: maxTokens[mode],
    sources: usedSources(context, context.snippets),
  };
}

// Tokens that FIM models leak when a file or turn ends; the first stops are the mode's own.
const fimJunkStops = ['<|endoftext|>', '<|file_separator|>', '<|fim_pad|>'];

/**
 * Prompt for native fill-in-the-middle models (`/v1/completions` with `suffix`): the context
 * as comments in the file's own syntax ahead of the prefix, so the model reads it as a preamble.
 * Languages without comments (JSON) get no context rather than broken syntax.
 */
export function buildFimPrompt(input: PromptInput): FimPrompt {
  const { document, context, mode } = input;
  const header: string[] = [];
  const included: ContextSnippet[] = [];
  for (const snippet of context.snippets) {
    const comment = asComment(document.languageId, `Path: ${snippet.path}\n${snippet.text}`);
    if (comment === undefined) break;
    header.push(comment);
    included.push(snippet);
  }
  const here = asComment(document.languageId, `Path: ${document.path}`);
  if (here !== undefined && included.length > 0) header.push(here);
  const stop = mode === 'line' ? ['\n', ...fimJunkStops] : ['\n\n\n', ...fimJunkStops];
  return {
    kind: 'fim',
    prompt: header.length > 0 ? `${header.join('\n')}\n${context.prefix}` : context.prefix,
    suffix: context.suffix,
    stop,
    maxTokens: maxTokens[mode],
    sources: usedSources(context, included),
  };
}

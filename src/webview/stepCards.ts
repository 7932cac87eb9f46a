// Agent mode's steps in an answer: one compact card per tool call, expandable to its arguments,
// what it returned and the files and lines it carried (links open them).
import type { AgentCallView, AgentStepView, SourceRef } from '../chat/protocol.ts';
import { element } from './dom.ts';
import { sourceLink } from './sourceLinks.ts';

const toolLabels: Readonly<Record<string, string>> = {
  search_codebase: 'Searched',
  read_file: 'Read',
  find_files: 'Found files',
  grep: 'Grep',
  get_problems: 'Problems',
  go_to_definition: 'Definition',
  find_references: 'References',
  document_symbols: 'Symbols',
};

/** The cards of every call of every step, in order. */
export function stepCards(steps: readonly AgentStepView[]): HTMLElement {
  const container = element('div', undefined, 'agent-steps');
  container.setAttribute('aria-label', 'Agent steps');
  for (const step of steps) {
    // What the model said before calling the tools: its reason for the step.
    if (step.text.trim()) container.append(element('p', step.text.trim(), 'step-text muted'));
    for (const call of step.calls) container.append(callCard(call));
  }
  return container;
}

function callCard(call: AgentCallView): HTMLElement {
  const card = element('details', undefined, `step-card${call.isError ? ' step-error' : ''}`);
  const summary = element('summary');
  summary.append(element('span', toolLabels[call.name] ?? call.name, 'step-tool'), element('span', ` ${argumentLine(call)}`, 'step-argument'), element('span', ` · ${resultLine(call)}`, 'muted'));
  // The panel is narrow: the line is cut with an ellipsis, so hovering shows all of it.
  summary.title = `${toolLabels[call.name] ?? call.name} ${argumentLine(call)} · ${resultLine(call)}`;
  card.append(summary);
  card.append(element('p', call.summary, call.isError ? 'step-result step-error-text' : 'step-result muted'));
  if (call.sources.length > 0) {
    const list = element('ul', undefined, 'step-sources');
    for (const source of call.sources) list.append(sourceItem(source));
    card.append(list);
  }
  card.append(element('code', `${call.name}(${call.arguments})`, 'step-call muted'));
  return card;
}

/** The argument that says what the call was for: the query, the path and lines, the pattern. */
export function argumentLine(call: AgentCallView): string {
  let input: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
  } catch {
    return call.arguments;
  }
  const text = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : undefined);
  const path = text('path');
  const lines = typeof input.startLine === 'number' ? `:${input.startLine}${typeof input.endLine === 'number' ? `-${input.endLine}` : ''}` : '';
  const main = text('query') ?? text('pattern') ?? text('glob') ?? text('symbol') ?? (path ? `${path}${lines}` : undefined);
  return main === undefined ? '' : main.length > 80 ? `${main.slice(0, 79)}…` : main;
}

/** What came back: how many files, how much text the model got, whether it was cut or failed. */
export function resultLine(call: AgentCallView): string {
  if (call.isError) return 'failed';
  const files = new Set(call.sources.map((source) => source.path)).size;
  const found = files === 0 ? 'no files' : files === 1 ? '1 file' : `${files} files`;
  const size = call.chars === undefined ? '' : `, ${formatChars(call.chars)}`;
  return call.cut ? `${found}${size}, cut to fit` : `${found}${size}`;
}

function formatChars(chars: number): string {
  if (chars < 1000) return `${chars} chars`;
  return `${(chars / 1000).toFixed(chars < 10_000 ? 1 : 0)}k chars`;
}

function sourceItem(source: SourceRef): HTMLElement {
  const item = element('li');
  item.append(sourceLink(source));
  return item;
}

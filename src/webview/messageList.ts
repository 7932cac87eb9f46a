// The conversation: past messages, the answer streaming in, and clicks inside answers.
import type { AgentStepView, ChatMessageView, Citation, SourceRef } from '../chat/protocol.ts';
import { OpenCodeBlock, type CodeAction, codeActionAt, fillMarkdown } from './codeBlocks.ts';
import { formatCost, formatTokens } from './composerText.ts';
import { element } from './dom.ts';
import { sourceLink } from './sourceLinks.ts';
import { stepCards } from './stepCards.ts';
import { StreamingSplit } from './streamingSplit.ts';

/**
 * One piece of a message's body, rendered by its kind. A message is a list of parts so new kinds
 * (an agent's step cards) slot in beside the text without touching how text is shown.
 */
type MessagePart =
  | { readonly kind: 'userText'; readonly text: string }
  | { readonly kind: 'steps'; readonly steps: readonly AgentStepView[] }
  | { readonly kind: 'answer'; readonly text: string; readonly citations: readonly Citation[] };

function partsOf(view: ChatMessageView): MessagePart[] {
  if (view.role === 'user') return [{ kind: 'userText', text: view.text }];
  const steps: MessagePart[] = view.steps && view.steps.length > 0 ? [{ kind: 'steps', steps: view.steps }] : [];
  return [...steps, { kind: 'answer', text: view.text, citations: view.citations ?? [] }];
}

function partElement(part: MessagePart): HTMLElement {
  switch (part.kind) {
    case 'userText':
      return element('div', part.text, 'message-part');
    case 'steps':
      return stepCards(part.steps);
    case 'answer': {
      const container = element('div', undefined, 'message-part');
      fillMarkdown(container, part.text, part.citations);
      return container;
    }
  }
}

export interface MessageListEvents {
  readonly openSource: (path: string, line: number, endLine: number) => void;
  readonly codeAction: (action: CodeAction) => void;
}

/** The answer being streamed: completed blocks are rendered once, the open tail once a frame. */
class StreamingAnswer {
  private readonly split = new StreamingSplit();
  private readonly tail = element('div', undefined, 'message-part');
  private tailText = '';
  private openCode: OpenCodeBlock | null = null;
  readonly messageId: string;

  constructor(messageId: string, body: HTMLElement) {
    this.messageId = messageId;
    body.append(this.tail);
  }

  /** Shows `text` appended to the answer. */
  append(text: string): void {
    const step = this.split.append(text);
    step.blocks.forEach((block, index) => {
      const part = element('div', undefined, 'message-part');
      const closedCode = index === 0 && this.openCode ? fencedCode(block) : null;
      if (this.openCode && closedCode !== null) {
        // The block streamed in as plain text stays as it is: highlighting hundreds of lines at
        // once would stall the frame. The finished answer is rendered in full, buttons and all.
        this.openCode.finish(closedCode);
        part.append(this.openCode.element);
        this.openCode = null;
        this.tail.replaceChildren();
      } else {
        fillMarkdown(part, block, []);
      }
      this.tail.before(part);
    });
    if (step.tail.kind === 'code') {
      if (!this.openCode || this.openCode.info !== step.tail.info || !this.openCode.update(step.tail.code)) {
        this.openCode = new OpenCodeBlock(step.tail.info);
        this.openCode.update(step.tail.code);
        this.tail.replaceChildren(this.openCode.element);
        this.tail.classList.remove('rendered-markdown');
      }
      this.tailText = '';
    } else {
      this.openCode = null;
      if (step.tail.text !== this.tailText || step.blocks.length > 0) fillMarkdown(this.tail, step.tail.text, []);
      this.tailText = step.tail.text;
    }
  }
}

/** The code inside a complete fenced block (its opening and closing lines dropped), or null. */
function fencedCode(block: string): string | null {
  const lines = block.replace(/\n$/, '').split('\n');
  if (lines.length < 2 || !/^ {0,3}(?:`{3,}|~{3,})/.test(lines[0]!)) return null;
  return lines.slice(1, -1).join('\n');
}

export class MessageList {
  readonly element = element('div', undefined, 'messages');
  private streaming: StreamingAnswer | null = null;
  /** Text received since the last frame: handed on in one piece, never the whole answer again. */
  private unshown: string[] = [];
  private frameRequested = false;
  /** Rendered messages by id, reused while unchanged: a long answer is not rendered again on each rebuild. */
  private rendered = new Map<string, { readonly signature: string; readonly element: HTMLElement }>();

  constructor(events: MessageListEvents) {
    this.element.setAttribute('role', 'log');
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-label', 'Conversation');
    this.element.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (!target) return;
      const link = target.closest('a.citation');
      if (link instanceof HTMLAnchorElement) {
        event.preventDefault();
        const line = Number(link.dataset.line);
        events.openSource(link.dataset.path ?? '', line, Number(link.dataset.endLine ?? line));
        return;
      }
      const action = codeActionAt(target);
      if (action) events.codeAction(action);
    });
  }

  /** Rebuilds the list: the past messages, then the question and answer in flight, if any. */
  render(
    messages: readonly ChatMessageView[],
    inFlight: { readonly user: ChatMessageView; readonly messageId: string; readonly text: string; readonly steps?: readonly AgentStepView[] } | null,
  ): void {
    const rendered = new Map<string, { readonly signature: string; readonly element: HTMLElement }>();
    const elements: HTMLElement[] = [];
    for (const view of messages) {
      const signature = JSON.stringify(view);
      const kept = rendered.has(view.id) ? undefined : this.rendered.get(view.id);
      const entry = kept?.signature === signature ? kept : { signature, element: messageElement(view) };
      rendered.set(view.id, entry);
      elements.push(entry.element);
    }
    this.rendered = rendered;
    this.element.replaceChildren(...elements);
    this.streaming = null;
    if (inFlight) {
      this.element.append(messageElement(inFlight.user));
      const article = articleFor({ id: inFlight.messageId, role: 'assistant', text: '', time: Date.now() }, true);
      if (inFlight.steps && inFlight.steps.length > 0) article.append(stepCards(inFlight.steps));
      const body = element('div', undefined, 'message-body');
      article.append(body);
      this.element.append(article);
      this.streaming = new StreamingAnswer(inFlight.messageId, body);
      this.streaming.append(inFlight.text);
      this.unshown = [];
    }
    this.scrollToEnd();
  }

  /** `text` arrived for the streamed answer: shown at the next frame, at most once a frame. */
  appendStreaming(messageId: string, text: string): void {
    if (this.streaming?.messageId !== messageId) return;
    this.unshown.push(text);
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      const text = this.unshown.join('');
      this.unshown = [];
      if (!this.streaming || text === '') return;
      this.streaming.append(text);
      this.scrollToEnd();
    });
  }

  private scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }
}

function articleFor(view: ChatMessageView, streaming: boolean): HTMLElement {
  const article = element('article', undefined, `message message-${view.role}${streaming ? ' streaming' : ''}`);
  article.dataset.messageId = view.id;
  article.setAttribute('aria-label', view.role === 'user' ? 'You' : 'Groundwork');
  article.append(element('div', view.role === 'user' ? 'You' : 'Groundwork', 'message-author'));
  if (streaming) article.setAttribute('aria-busy', 'true');
  return article;
}

function messageElement(view: ChatMessageView): HTMLElement {
  const article = articleFor(view, false);
  const body = element('div', undefined, 'message-body');
  body.append(...partsOf(view).map(partElement));
  article.append(body);
  if (view.role === 'assistant') {
    if (view.stopped) article.append(element('p', 'Stopped.', 'muted'));
    if (view.note) article.append(element('p', view.note, 'answer-note muted'));
    if (view.sources && view.sources.length > 0) article.append(sourcesElement(view.sources));
    if (view.stats) article.append(statsElement(view));
  }
  return article;
}

function sourcesElement(sources: readonly SourceRef[]): HTMLElement {
  const details = element('details', undefined, 'sources');
  details.append(element('summary', `Sources (${sources.length})`));
  const list = element('ul');
  for (const source of sources) {
    const item = element('li');
    item.append(sourceLink(source));
    if (source.symbol) item.append(element('span', ` ${source.symbol}`, 'muted'));
    list.append(item);
  }
  details.append(list);
  return details;
}

function statsElement(view: ChatMessageView): HTMLElement {
  const stats = view.stats!;
  // An Agent mode answer's figures are the whole task's: every step's model call.
  const calls = view.steps && view.steps.length > 0 ? `Agent mode, ${view.steps.length + 1} model calls` : undefined;
  const parts = [stats.model, ...(calls ? [calls] : []), `${formatTokens(stats.inputTokens)} in, ${formatTokens(stats.outputTokens)} out`, formatCost(stats.costUsd)];
  const line = element('p', parts.join(' · '), 'stats muted');
  if (stats.fallbackFrom) line.textContent += ` · answered by ${stats.model} because ${stats.fallbackFrom} was unavailable`;
  return line;
}

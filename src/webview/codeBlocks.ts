// Model Markdown into the DOM, and the code blocks in it: each rendered piece keeps its blocks so
// the Copy, Insert and Apply buttons find the code they belong to.
import DOMPurify from 'dompurify';
import type { Citation } from '../chat/protocol.ts';
import { element } from './dom.ts';
import { type CodeBlock, renderMarkdown } from './markdown.ts';

const purifyConfig = {
  ALLOWED_TAGS: ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'span', 'a', 'ul', 'ol', 'li', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'div', 'button'],
  ALLOWED_ATTR: ['class', 'href', 'title', 'type', 'align', 'start', 'data-path', 'data-line', 'data-end-line', 'data-action', 'data-code-index'],
  // The only links we make are citations, which the host opens: nothing may navigate anywhere.
  ALLOWED_URI_REGEXP: /^#$/,
};

/** The class of an element whose Markdown was rendered by fillMarkdown. */
const renderedClass = 'rendered-markdown';
const codeBlocksOf = new WeakMap<Element, readonly CodeBlock[]>();

/** Renders the model's Markdown (escaped, then sanitized) into `container`. */
export function fillMarkdown(container: HTMLElement, text: string, citations: readonly Citation[]): void {
  const rendered = renderMarkdown(text, citations);
  container.innerHTML = DOMPurify.sanitize(rendered.html, purifyConfig);
  container.classList.add(renderedClass);
  codeBlocksOf.set(container, rendered.codeBlocks);
}

/**
 * A code block still streaming: its code is appended as text, unhighlighted and without buttons,
 * until the closing fence arrives and the block is rendered in full.
 */
export class OpenCodeBlock {
  readonly element: HTMLElement;
  private readonly code: HTMLElement;
  private shown = '';
  readonly info: string;

  constructor(info: string) {
    this.info = info;
    this.element = element('div', undefined, 'code-block streaming-code');
    const toolbar = element('div', undefined, 'code-toolbar');
    toolbar.append(element('span', info.split(/\s+/)[0] ?? '', 'code-language'));
    const pre = element('pre');
    this.code = element('code');
    pre.append(this.code);
    this.element.append(toolbar, pre);
  }

  /** The block's whole code, once its closing fence arrived: set as one text node. */
  finish(code: string): void {
    this.code.textContent = code;
    this.shown = code;
  }

  /** Shows `code`; returns false when it does not continue what is shown (build a new block). */
  update(code: string): boolean {
    if (!code.startsWith(this.shown)) return false;
    if (code.length > this.shown.length) this.code.append(document.createTextNode(code.slice(this.shown.length)));
    this.shown = code;
    return true;
  }
}

export interface CodeAction {
  readonly action: 'copy' | 'insert' | 'apply';
  readonly block: CodeBlock;
}

/** The code action a click on `target` asks for, if it is a code-block button. */
export function codeActionAt(target: Element): CodeAction | null {
  const button = target.closest('button.code-action');
  if (!(button instanceof HTMLButtonElement)) return null;
  const owner = button.closest(`.${renderedClass}`);
  const block = owner ? codeBlocksOf.get(owner)?.[Number(button.dataset.codeIndex)] : undefined;
  const action = button.dataset.action;
  if (!block || (action !== 'copy' && action !== 'insert' && action !== 'apply')) return null;
  return { action, block };
}

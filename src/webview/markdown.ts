import { Marked, type Tokens } from 'marked';
import type { Citation } from '../chat/protocol.ts';
import { escapeHtml, highlightCode } from './highlight.ts';

/** A fenced code block in an answer, for its Copy, Insert and Apply buttons. */
export interface CodeBlock {
  readonly code: string;
  readonly language: string;
  /** A workspace path named in the fence's info string (```ts src/a.ts), if any. */
  readonly path: string | null;
}

export interface RenderedMarkdown {
  readonly html: string;
  readonly codeBlocks: readonly CodeBlock[];
}

/**
 * Markdown from the model as HTML, treating the model as untrusted: raw HTML in the answer is
 * shown as text, images as their alt text, links as text with their address (a model's link is
 * never clickable), and only `path:line` citations the host verified become links, which the
 * webview opens through the host. The webview runs DOMPurify over the result as a second line;
 * this function, being DOM-free, is what the unit tests check.
 */
export function renderMarkdown(text: string, citations: readonly Citation[] = []): RenderedMarkdown {
  const codeBlocks: CodeBlock[] = [];
  const linkCitations = citationLinker(citations);
  const marked = new Marked({
    gfm: true,
    breaks: false,
    async: false,
    renderer: {
      html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
      image: (token: Tokens.Image) => escapeHtml(token.text),
      link(token: Tokens.Link) {
        const label = this.parser.parseInline(token.tokens);
        return token.text === token.href || `mailto:${token.text}` === token.href ? label : `${label} (${escapeHtml(token.href)})`;
      },
      codespan: (token: Tokens.Codespan) => {
        const citation = citations.find((candidate) => candidate.text === token.text);
        const code = `<code>${escapeHtml(token.text)}</code>`;
        return citation ? citationAnchor(citation, code) : code;
      },
      text(token: Tokens.Text | Tokens.Escape) {
        if ('tokens' in token && token.tokens) return this.parser.parseInline(token.tokens);
        return 'escaped' in token && token.escaped ? token.text : linkCitations(token.text);
      },
      code: (token: Tokens.Code) => {
        const info = (token.raw.match(/^ {0,3}(?:`{3,}|~{3,})([^\n]*)/)?.[1] ?? '').trim();
        const language = (token.lang ?? '').split(/\s+/)[0] ?? '';
        const index = codeBlocks.length;
        codeBlocks.push({ code: token.text, language, path: pathFromInfo(info) });
        const label = language ? `<span class="code-language">${escapeHtml(language)}</span>` : '<span class="code-language"></span>';
        const buttons = [
          ['copy', 'Copy'],
          ['insert', 'Insert at Cursor'],
          ['apply', 'Apply to File'],
        ]
          .map(([action, title]) => `<button type="button" class="code-action" data-action="${action}" data-code-index="${index}">${title}</button>`)
          .join('');
        return `<div class="code-block"><div class="code-toolbar">${label}${buttons}</div><pre><code>${highlightCode(token.text, language)}</code></pre></div>\n`;
      },
    },
  });
  const html = marked.parse(text) as string;
  return { html, codeBlocks };
}

function citationAnchor(citation: Citation, inner: string): string {
  const title = `Open ${citation.path} at line ${citation.startLine}`;
  return `<a href="#" class="citation" data-path="${escapeHtml(citation.path)}" data-line="${citation.startLine}" data-end-line="${citation.endLine}" title="${escapeHtml(title)}">${inner}</a>`;
}

/** Escapes text and turns each verified citation in it into a link. */
function citationLinker(citations: readonly Citation[]): (text: string) => string {
  if (citations.length === 0) return escapeHtml;
  const byText = new Map(citations.map((citation) => [citation.text, citation]));
  // Longest first, so `a.ts:1-20` wins over `a.ts:1`; never inside a longer word or number.
  const alternatives = [...byText.keys()].sort((a, b) => b.length - a.length).map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\w./-])(${alternatives.join('|')})(?![\\w-]|\\d)`, 'g');
  return (text) => {
    let html = '';
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      html += escapeHtml(text.slice(last, match.index));
      html += citationAnchor(byText.get(match[1]!)!, escapeHtml(match[1]!));
      last = match.index + match[0].length;
    }
    return html + escapeHtml(text.slice(last));
  };
}

function pathFromInfo(info: string): string | null {
  const words = info.split(/\s+/).slice(1);
  for (const word of words) {
    const value = word.replace(/^(?:path|file|title)=/, '').replace(/^["']|["']$/g, '');
    if (/^[\w@+-][\w.@+/-]*\.[\w]+$/.test(value) && !value.split('/').includes('..')) return value;
  }
  return null;
}

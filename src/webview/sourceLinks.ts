// A link to a workspace file's lines (`path:12-20`): clicking it opens them (MessageList's click handler).
import type { SourceRef } from '../chat/protocol.ts';
import { element } from './dom.ts';

export function sourceLink(source: SourceRef): HTMLAnchorElement {
  const text = source.startLine === source.endLine ? `${source.path}:${source.startLine}` : `${source.path}:${source.startLine}-${source.endLine}`;
  const link = element('a', text, 'citation');
  link.href = '#';
  link.dataset.path = source.path;
  link.dataset.line = String(source.startLine);
  link.dataset.endLine = String(source.endLine);
  return link;
}

import { Lexer } from 'marked';

/** The part of a streamed answer that may still change: Markdown, or a code fence still open. */
export type OpenTail =
  | { readonly kind: 'markdown'; readonly text: string }
  | { readonly kind: 'code'; readonly info: string; readonly code: string };

export interface StreamStep {
  /** Blocks that became complete since the last step, in order: each is rendered once and kept. */
  readonly blocks: readonly string[];
  readonly tail: OpenTail;
}

const fenceOpening = /^ {0,3}(`{3,}|~{3,})([^\n]*)\n/;

/**
 * Splits a growing answer into completed Markdown blocks and the open tail, so the webview
 * renders each block once and re-renders only the tail: re-parsing the whole answer on every
 * frame makes the panel's work grow with the answer's length and freezes a long one. It takes
 * the answer as appended pieces and keeps only the open tail (the whole answer is never copied
 * again), lexes only that tail, and scans an open code fence line by line for its closing fence,
 * so the cost of a step follows the new text, not the answer.
 */
export class StreamingSplit {
  /** The text after the last block handed out. */
  private tail = '';
  /** For an open fence at the tail: where to resume looking for its closing line. */
  private fenceScan: { readonly marker: string; scanned: number } | null = null;

  append(text: string): StreamStep {
    this.tail += text;
    const blocks: string[] = [];
    for (;;) {
      const tail = this.tail;
      const fence = this.fenceAtTail(tail);
      if (fence) {
        const end = this.closingFenceEnd(tail, fence);
        if (end === null) return { blocks, tail: { kind: 'code', info: fence.info, code: tail.slice(fence.bodyStart) } };
        blocks.push(tail.slice(0, end));
        this.commit(end);
        continue;
      }
      const tokens = Lexer.lex(tail, { gfm: true });
      let lastContent = -1;
      tokens.forEach((token, index) => {
        if (token.type !== 'space') lastContent = index;
      });
      if (lastContent <= 0) return { blocks, tail: { kind: 'markdown', text: tail } };
      // Everything before the last block is complete: a later line cannot change it.
      const done = tokens.slice(0, lastContent).map((token) => token.raw).join('');
      if (done.length === 0 || !tail.startsWith(done)) return { blocks, tail: { kind: 'markdown', text: tail } };
      blocks.push(done);
      this.commit(done.length);
    }
  }

  private commit(length: number): void {
    this.tail = this.tail.slice(length);
    this.fenceScan = null;
  }

  private fenceAtTail(tail: string): { readonly marker: string; readonly info: string; readonly bodyStart: number } | null {
    const match = fenceOpening.exec(tail);
    if (!match) return null;
    const marker = match[1]!;
    const info = match[2]!.trim();
    if (marker.startsWith('`') && info.includes('`')) return null;
    return { marker, info, bodyStart: match[0].length };
  }

  /** The end of the closing fence line within `tail`, or null while the fence is open. */
  private closingFenceEnd(tail: string, fence: { readonly marker: string; readonly bodyStart: number }): number | null {
    if (!this.fenceScan || this.fenceScan.marker !== fence.marker) this.fenceScan = { marker: fence.marker, scanned: fence.bodyStart };
    const scan = this.fenceScan;
    const closing = new RegExp(`^ {0,3}${fence.marker[0] === '`' ? '`' : '~'}{${fence.marker.length},}[ \\t]*$`);
    let lineStart = scan.scanned;
    for (;;) {
      const newline = tail.indexOf('\n', lineStart);
      // The last line counts only once it ends: `\`\`\`` may still grow into `\`\`\`ts`.
      if (newline < 0) {
        scan.scanned = lineStart;
        return null;
      }
      if (closing.test(tail.slice(lineStart, newline))) return newline + 1;
      lineStart = newline + 1;
    }
  }
}

/**
 * Replaces what sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` in a Markdown file:
 * the parts of the README that are generated rather than written.
 */
export function withGeneratedBlock(markdown: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end);
  if (from === -1 || to < from) throw new Error(`the README lacks the ${start} … ${end} markers`);
  return `${markdown.slice(0, from + start.length)}\n${content}\n${markdown.slice(to)}`;
}

/** A table cell's text: pipes escaped, one line. */
export function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

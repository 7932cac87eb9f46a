/** US dollars for people: cents, or four decimals for the fractions of a cent a single call costs. */
export function formatUsd(value: number): string {
  return `$${value > 0 && value < 0.01 ? value.toFixed(4) : value.toFixed(2)}`;
}

/** Escapes text for HTML that the host renders (usage and index panels). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

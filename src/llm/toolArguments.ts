/**
 * A tool call's arguments with the filter's placeholders put back in its string values. The
 * JSON is restored value by value, not as text: a secret holding a quote or a backslash would
 * otherwise break the JSON it lands in. Arguments that are not JSON are restored as text (they
 * fail as a tool error anyway).
 */
export function restoreArguments(json: string, restore: (text: string) => string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return restore(json);
  }
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return restore(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    return value;
  };
  return JSON.stringify(walk(parsed));
}

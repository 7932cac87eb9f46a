/**
 * Tokens each known model family takes in one request (prompt and reply together), from the
 * vendors' model pages, read November 2026. Keys are `provider/model` prefixes as in the price
 * table; a model not listed (a local server's, an endpoint's deployment) is assumed to fit, and a
 * prompt too long for it fails with the server's own `contextTooLong` error.
 */
const knownWindows: Readonly<Record<string, number>> = {
  'openai/gpt-4o-mini': 128_000,
  'openai/gpt-4o': 128_000,
  'openai/gpt-4.1': 1_047_576,
  'anthropic/claude': 200_000,
};

/** The context window of `provider/model`, by its longest known prefix; undefined when unknown. */
export function contextWindowOf(model: string): number | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(knownWindows)) {
    if (model.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : knownWindows[best];
}

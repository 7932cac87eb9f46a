import { randomInt } from 'node:crypto';
import type { ContentFilter } from '../llm/contentFilter.ts';
import { findSecrets } from './secretDetectors.ts';

export type { ContentFilter } from '../llm/contentFilter.ts';

export interface RedactionResult {
  readonly text: string;
  /** Secrets replaced in this text (each occurrence counts). */
  readonly count: number;
  /** Distinct kinds replaced, in order of first occurrence: 'AWS_ACCESS_KEY', 'PASSWORD', … */
  readonly kinds: readonly string[];
}

/** Restores placeholders in a streamed reply, holding back a placeholder split across deltas. */
export interface RestoreStream {
  push(delta: string): string;
  /** Everything still held back, restored. Call once when the stream ends. */
  flush(): string;
}

const placeholderPrefix = 'GW_REDACTED_';
/**
 * `GW_REDACTED_<KIND>_<n>_<NONCE>`: upper-case letters, digits and underscores only, a valid
 * identifier in every language and nothing a string literal escapes, so models copy it verbatim
 * into code, whatever the quoting. The nonce is drawn per redactor (per window), so text in the
 * workspace cannot name a placeholder this redactor issued and have a real secret put in its place.
 */
const placeholderPattern = /GW_REDACTED_[A-Z]+(?:_[A-Z]+)*_\d+_[A-Z]{8}/g;
/** Anything a model may have made of a placeholder: other case, the nonce dropped or cut. */
const placeholderLike = /gw_redacted_\w*/gi;
const nonceLetters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The tail of a buffer that may be the start of a placeholder still being streamed. */
const partialPlaceholderAtEnd = /G(?:W(?:_(?:R(?:E(?:D(?:A(?:C(?:T(?:E(?:D(?:_[A-Z0-9_]*)?)?)?)?)?)?)?)?)?)?)?$/;

/**
 * Replaces secrets with stable placeholders before text leaves the machine, and puts them back
 * in the model's reply. The same secret gets the same placeholder for the redactor's lifetime
 * (so chat history and follow-up edits stay consistent); different secrets get different ones.
 * Values are held in memory only, for that lifetime: one redactor per window is the intent.
 */
export class SecretRedactor implements ContentFilter {
  private readonly placeholderByValue = new Map<string, string>();
  private readonly valueByPlaceholder = new Map<string, string>();
  private readonly lastNumberByKind = new Map<string, number>();
  /** Issued placeholders that showed up in text being sent: the workspace holds them, so they are never restored. */
  private readonly seenInInput = new Set<string>();
  private readonly nonce: string;

  /** `nonce` (eight capital letters) is for tests; by default it is random. */
  constructor(options: { readonly nonce?: string } = {}) {
    if (options.nonce !== undefined && !/^[A-Z]{8}$/.test(options.nonce)) throw new Error('A placeholder nonce is eight capital letters.');
    this.nonce = options.nonce ?? Array.from({ length: 8 }, () => nonceLetters[randomInt(nonceLetters.length)]).join('');
  }

  /** How many distinct secrets this redactor has seen. */
  get size(): number {
    return this.valueByPlaceholder.size;
  }

  redact(text: string): RedactionResult {
    if (text.includes(placeholderPrefix)) {
      for (const candidate of text.match(placeholderPattern) ?? []) if (this.valueByPlaceholder.has(candidate)) this.seenInInput.add(candidate);
    }
    const matches = findSecrets(text);
    if (matches.length === 0) return { text, count: 0, kinds: [] };
    const kinds = new Set<string>();
    const parts: string[] = [];
    let last = 0;
    for (const match of matches) {
      parts.push(text.slice(last, match.start), this.placeholderFor(text.slice(match.start, match.end), match.kind));
      kinds.add(match.kind);
      last = match.end;
    }
    parts.push(text.slice(last));
    return { text: parts.join(''), count: matches.length, kinds: [...kinds] };
  }

  /**
   * Puts original values back. Left as they are: placeholder-like strings this redactor never
   * issued, and issued ones that also appeared in text being sent (the workspace wrote them).
   */
  restore(text: string): string {
    if (!text.includes(placeholderPrefix)) return text;
    return text.replace(placeholderPattern, (placeholder) => (this.seenInInput.has(placeholder) ? placeholder : (this.valueByPlaceholder.get(placeholder) ?? placeholder)));
  }

  createRestoreStream(): RestoreStream {
    let held = '';
    return {
      push: (delta) => {
        const buffer = held + delta;
        const partial = partialPlaceholderAtEnd.exec(buffer);
        const cut = partial ? partial.index : buffer.length;
        held = buffer.slice(cut);
        return this.restore(buffer.slice(0, cut));
      },
      flush: () => {
        const rest = held;
        held = '';
        return this.restore(rest);
      },
    };
  }

  private placeholderFor(value: string, kind: string): string {
    const known = this.placeholderByValue.get(value);
    if (known) return known;
    const number = (this.lastNumberByKind.get(kind) ?? 0) + 1;
    this.lastNumberByKind.set(kind, number);
    const placeholder = `${placeholderPrefix}${kind}_${number}_${this.nonce}`;
    this.placeholderByValue.set(value, placeholder);
    this.valueByPlaceholder.set(placeholder, value);
    return placeholder;
  }
}

/**
 * Placeholder-like strings that `after` holds more often than `before`: what a write would add
 * that is not the user's (a placeholder the model mangled, or one never restored). Strings the
 * file already held, such as a test fixture's, are not counted. Before an edit is written or a
 * completion inserted, any of these blocks the write.
 */
export function introducedPlaceholders(before: string, after: string): string[] {
  if (!/gw_redacted_/i.test(after)) return [];
  const counts = new Map<string, number>();
  for (const found of before.match(placeholderLike) ?? []) counts.set(found, (counts.get(found) ?? 0) + 1);
  const introduced = new Set<string>();
  for (const found of after.match(placeholderLike) ?? []) {
    const left = counts.get(found) ?? 0;
    if (left > 0) counts.set(found, left - 1);
    else introduced.add(found);
  }
  return [...introduced];
}

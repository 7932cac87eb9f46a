import { findSecrets } from './secretDetectors.ts';

/** What the model layer's egress point calls on every text it sends. */
export interface ContentFilter {
  redact(text: string): { readonly text: string; readonly count: number };
}

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
 * Upper-case letters, digits and underscores only: a valid identifier in every language and
 * nothing a string literal escapes, so models copy it verbatim into code, whatever the quoting.
 */
const placeholderPattern = /GW_REDACTED_[A-Z]+(?:_[A-Z]+)*_\d+(?!\d)/g;
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

  /** How many distinct secrets this redactor has seen. */
  get size(): number {
    return this.valueByPlaceholder.size;
  }

  redact(text: string): RedactionResult {
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

  /** Puts original values back; placeholder-like strings this redactor never issued stay as they are. */
  restore(text: string): string {
    if (!text.includes(placeholderPrefix)) return text;
    return text.replace(placeholderPattern, (placeholder) => this.valueByPlaceholder.get(placeholder) ?? placeholder);
  }

  /**
   * Placeholder-like strings still in `text` after `restore`: ones this redactor never issued, or
   * ones a model mangled (`gw_redacted_password_1`). A refactor should refuse to write a file
   * that would contain one, rather than put a placeholder where the user's secret was.
   */
  leftoverPlaceholders(text: string): string[] {
    const restored = this.restore(text);
    return [...new Set(restored.match(/GW_REDACTED_\w*/gi) ?? [])];
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
    const placeholder = `${placeholderPrefix}${kind}_${number}`;
    this.placeholderByValue.set(value, placeholder);
    this.valueByPlaceholder.set(placeholder, value);
    return placeholder;
  }
}

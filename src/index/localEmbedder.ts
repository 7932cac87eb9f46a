import { abortReason } from '../common/async.ts';
import { forEachCodeToken } from './codeTokens.ts';
import type { Embedder } from './embedder.ts';

/**
 * The default embedder: no network, no download. Identifier parts and their character trigrams
 * are hashed into a small dense vector (the "hashing trick"), weighted by sublinear term
 * frequency, so texts that share names and word pieces land close together.
 */
export class LocalEmbedder implements Embedder {
  readonly dimensions: number;
  readonly id: string;
  readonly maxBatchSize = 256;

  constructor(dimensions = 256) {
    this.dimensions = dimensions;
    this.id = `local-hash-v1-${dimensions}`;
  }

  embed(texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return Promise.resolve(texts.map((text) => Array.from(this.embedOne(text))));
  }

  embedOne(text: string): Float32Array {
    const terms = new Map<string, number>();
    forEachCodeToken(text, (term) => terms.set(term, (terms.get(term) ?? 0) + 1));
    const features = new Map<string, number>();
    const add = (feature: string, weight: number) => features.set(feature, (features.get(feature) ?? 0) + weight);
    for (const [term, count] of terms) {
      add(term, count);
      // Trigrams with boundary marks match word variants the stemmer misses (auth ~ authentication).
      const padded = `<${term}>`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`#${padded.slice(i, i + 3)}`, 0.3 * count);
    }
    const vector = new Float32Array(this.dimensions);
    for (const [feature, weight] of features) {
      const hash = fnv1a(feature);
      const sign = hash & 0x80000000 ? -1 : 1;
      // Sublinear weight: the tenth `foo` in a chunk says less than the first.
      vector[hash % this.dimensions] += sign * Math.sqrt(weight);
    }
    let norm = 0;
    for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < vector.length; i++) vector[i] *= scale;
    }
    return vector;
  }
}

/** 32-bit FNV-1a over UTF-16 code units: fast, stable across runs and platforms. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

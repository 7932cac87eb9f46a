import { createHash } from 'node:crypto';
import { abortReason } from '../common/async.ts';

/**
 * Turns texts into vectors. The local embedder runs in-process; a remote one (OpenAI
 * text-embedding-3-small or any /v1/embeddings server) is plugged in by the shell through the
 * model gateway. `id` names the model and its settings: an index built with another id is rebuilt.
 */
/** Where an embedded text came from (1-based lines, inclusive): what a remote request lists in the audit log. */
export interface EmbedSource {
  /** The workspace folder's id; absent when `path` is already the one the rest of Groundwork shows. */
  readonly root?: string;
  /** Relative to the folder, `/`-separated. */
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
}

export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  /** The largest number of texts sent in one call. */
  readonly maxBatchSize?: number;
  /** `sources` says where each text came from, when it came from a file (a query does not). */
  embed(texts: readonly string[], signal: AbortSignal, sources?: readonly EmbedSource[]): Promise<number[][]>;
}

/**
 * What is embedded for a chunk: the name of its enclosing definition, then its text. The name
 * makes a method findable by its class, so renaming the class changes the vector of a method
 * whose text did not change: whatever keys a vector must cover exactly this text.
 */
export function embeddingText(chunk: { readonly symbol?: string; readonly text: string }): string {
  return chunk.symbol ? `${chunk.symbol}\n${chunk.text}` : chunk.text;
}

export interface CachingEmbedderOptions {
  /** Entries kept in memory, keyed by the hash of the embedded text; the oldest go first. */
  readonly capacity?: number;
  readonly batchSize?: number;
}

/**
 * Batches embedding calls and remembers vectors by (hash of the text sent, embedder id), so an
 * unchanged chunk is never embedded twice even when its file is re-chunked or renamed, and a
 * changed text (the chunk's or its symbol's) is never answered with an old vector.
 */
export class CachingEmbedder {
  readonly inner: Embedder;
  private readonly cache = new Map<string, Float32Array>();
  private readonly capacity: number;
  private readonly batchSize: number;
  /** Texts actually sent to the inner embedder, for tests and status. */
  embeddedCount = 0;

  constructor(inner: Embedder, options: CachingEmbedderOptions = {}) {
    this.inner = inner;
    this.capacity = options.capacity ?? 20_000;
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? 64, inner.maxBatchSize ?? Number.MAX_SAFE_INTEGER));
  }

  get id(): string {
    return this.inner.id;
  }

  get dimensions(): number {
    return this.inner.dimensions;
  }

  /** A vector per text; only texts not seen before reach the inner embedder. */
  async embed(items: readonly { readonly text: string; readonly source?: EmbedSource }[], signal: AbortSignal): Promise<Float32Array[]> {
    const out = new Array<Float32Array | undefined>(items.length);
    const keys = items.map((item) => this.key(item.text));
    const missing: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const hit = this.cache.get(keys[i]);
      if (hit) out[i] = hit;
      else missing.push(i);
    }
    for (let start = 0; start < missing.length; start += this.batchSize) {
      if (signal.aborted) throw abortReason(signal);
      const batch = missing.slice(start, start + this.batchSize);
      // Listed only when every text has one, so sources never misalign with texts.
      const sources = batch.every((i) => items[i].source) ? batch.map((i) => items[i].source!) : undefined;
      const vectors = await this.inner.embed(batch.map((i) => items[i].text), signal, sources);
      if (vectors.length !== batch.length) {
        throw new Error(`Embedder ${this.inner.id} returned ${vectors.length} vectors for ${batch.length} texts.`);
      }
      this.embeddedCount += batch.length;
      batch.forEach((itemIndex, j) => {
        const vector = normalized(vectors[j], this.inner.dimensions, this.inner.id);
        out[itemIndex] = vector;
        this.put(keys[itemIndex], vector);
      });
    }
    return out as Float32Array[];
  }

  /** Drops every cached vector: a rebuild must not be served what the index held before. */
  forget(): void {
    this.cache.clear();
  }

  /** One query vector, never cached (queries rarely repeat and must not evict chunks). */
  async embedQuery(text: string, signal: AbortSignal, source?: EmbedSource): Promise<Float32Array> {
    const [vector] = await this.inner.embed([text], signal, source ? [source] : undefined);
    return normalized(vector, this.inner.dimensions, this.inner.id);
  }

  private key(text: string): string {
    return `${this.inner.id}\u0000${createHash('sha256').update(text).digest('base64')}`;
  }

  private put(key: string, vector: Float32Array): void {
    this.cache.delete(key);
    this.cache.set(key, vector);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
  }
}

/** Copies to Float32 and scales to unit length, so a dot product is the cosine similarity. */
function normalized(vector: readonly number[] | undefined, dimensions: number, id: string): Float32Array {
  if (!vector || vector.length !== dimensions) {
    throw new Error(`Embedder ${id} returned a vector of ${vector?.length ?? 0} dimensions, expected ${dimensions}.`);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const out = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) out[i] = vector[i] * scale;
  return out;
}

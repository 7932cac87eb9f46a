import { SimdMatrix } from './simdDot.ts';

export interface VectorHit {
  readonly id: number;
  /** Cosine similarity (vectors are unit length). */
  readonly score: number;
}

/**
 * The searchable vectors of the index, keyed by numeric ids the store hands out. Durability is
 * the shard store's job; a VectorIndex is rebuilt from it on load.
 */
export interface VectorIndex {
  readonly dimensions: number;
  readonly size: number;
  /** Stores a unit-length vector and returns its id; ids of removed vectors are reused. */
  add(vector: Float32Array): number;
  remove(id: number): void;
  get(id: number): Float32Array | undefined;
  /** The `top` nearest vectors by cosine similarity, best first. */
  search(query: Float32Array, top: number): VectorHit[];
}

export interface VectorMatrixOptions {
  readonly initialCapacity?: number;
  /**
   * From this many vectors on, search first ranks all of them on their first `coarseDimensions`
   * values, then scores only the best `coarseCandidates` exactly. Default Infinity: always exact.
   */
  readonly coarseFrom?: number;
  readonly coarseDimensions?: number;
  readonly coarseCandidates?: number;
  /** False scans in JavaScript even where WebAssembly SIMD is available (for comparison). */
  readonly simd?: boolean;
}

/**
 * Brute force over one contiguous Float32Array: no index to build or keep in sync. At 100k × 256
 * an exact scan reads 100 MB per query; it runs in WebAssembly SIMD (`simdDot.ts`) where the width
 * allows, and in JavaScript otherwise. An optional coarse pass scans a prefix of each vector first
 * and re-scores a few hundred candidates exactly. It is off by default: with the hashed local
 * embedder it cost a sixth of vector-only MRR on the ESLint dev set (bench/retrieval.ts --coarse).
 * It suits Matryoshka-trained models such as text-embedding-3, whose prefixes are embeddings themselves.
 */
export class VectorMatrix implements VectorIndex {
  readonly dimensions: number;
  private matrix: Float32Array;
  /** The same rows in WebAssembly memory, when SIMD is available: then `matrix` is its view. */
  private readonly simd: SimdMatrix | undefined;
  /** Prefixes of every row for the coarse pass; built on first use. */
  private coarse: Float32Array | undefined;
  private alive: Uint8Array;
  private capacity: number;
  private highWater = 0;
  private count = 0;
  private readonly free: number[] = [];
  private readonly coarseFrom: number;
  private readonly coarseDimensions: number;
  private readonly coarseCandidates: number;

  constructor(dimensions: number, options: VectorMatrixOptions = {}) {
    this.dimensions = dimensions;
    this.capacity = options.initialCapacity ?? 1024;
    this.coarseFrom = options.coarseFrom ?? Infinity;
    this.coarseDimensions = Math.min(options.coarseDimensions ?? 64, dimensions);
    this.coarseCandidates = options.coarseCandidates ?? 500;
    this.simd = options.simd === false ? undefined : SimdMatrix.create(dimensions, this.capacity);
    this.matrix = this.simd ? this.simd.rows : new Float32Array(this.capacity * dimensions);
    this.alive = new Uint8Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  add(vector: Float32Array): number {
    if (vector.length !== this.dimensions) throw new Error(`Vector has ${vector.length} dimensions, expected ${this.dimensions}.`);
    const id = this.free.pop() ?? this.highWater++;
    if (id >= this.capacity) this.grow();
    this.matrix.set(vector, id * this.dimensions);
    this.coarse?.set(vector.subarray(0, this.coarseDimensions), id * this.coarseDimensions);
    this.alive[id] = 1;
    this.count++;
    return id;
  }

  remove(id: number): void {
    if (id < 0 || id >= this.highWater || this.alive[id] === 0) return;
    this.alive[id] = 0;
    this.count--;
    this.free.push(id);
  }

  /**
   * For a store still empty: makes rows 0 to count - 1 live and returns them, for the caller to fill
   * in place (a snapshot is read from disk straight into the matrix). The matrix is sized to fit.
   */
  loadRows(count: number): Float32Array {
    if (this.highWater !== 0) throw new Error('loadRows needs an empty vector store.');
    if (count > this.capacity) this.grow(count + (count >> 4));
    this.alive.fill(1, 0, count);
    this.highWater = this.count = count;
    return this.matrix.subarray(0, count * this.dimensions);
  }

  /** Rows `start` to `end - 1` as a view, live or not: valid until the store next grows. */
  rows(start: number, end: number): Float32Array {
    return this.matrix.subarray(start * this.dimensions, end * this.dimensions);
  }

  /** Forgets every vector (a snapshot that failed its check after its rows were read). */
  clear(): void {
    this.alive.fill(0);
    this.highWater = this.count = 0;
    this.free.length = 0;
    this.coarse = undefined;
  }

  get(id: number): Float32Array | undefined {
    if (id < 0 || id >= this.highWater || this.alive[id] === 0) return undefined;
    return this.matrix.slice(id * this.dimensions, (id + 1) * this.dimensions);
  }

  search(query: Float32Array, top: number): VectorHit[] {
    if (this.count < this.coarseFrom || this.coarseDimensions === this.dimensions) return this.scanAll(query, top);
    this.coarse ??= this.buildCoarse();
    const candidates = this.scanAll(query, Math.max(this.coarseCandidates, top), this.coarse, this.coarseDimensions);
    const exact = new TopHits(top);
    for (const { id } of candidates) exact.offer(id, dot(this.matrix, id * this.dimensions, query, this.dimensions));
    return exact.hits();
  }

  /** Every live row, one tight loop: this is the hot path of every query. */
  private scanAll(query: Float32Array, top: number, matrix = this.matrix, width = this.dimensions): VectorHit[] {
    const alive = this.alive;
    const best = new TopHits(top);
    if (this.simd && matrix === this.matrix) {
      const scores = this.simd.scores(query, this.highWater);
      for (let id = 0; id < this.highWater; id++) {
        if (alive[id] !== 0 && scores[id] > best.threshold) best.offer(id, scores[id]);
      }
      return best.hits();
    }
    for (let id = 0, offset = 0; id < this.highWater; id++, offset += width) {
      if (alive[id] === 0) continue;
      const score = dot(matrix, offset, query, width);
      if (score > best.threshold) best.offer(id, score);
    }
    return best.hits();
  }

  private buildCoarse(): Float32Array {
    const coarse = new Float32Array(this.capacity * this.coarseDimensions);
    for (let id = 0; id < this.highWater; id++) {
      coarse.set(this.matrix.subarray(id * this.dimensions, id * this.dimensions + this.coarseDimensions), id * this.coarseDimensions);
    }
    return coarse;
  }

  private grow(capacity = this.capacity * 2): void {
    let matrix: Float32Array;
    if (this.simd) {
      this.simd.resize(capacity);
      matrix = this.simd.rows;
    } else {
      matrix = new Float32Array(capacity * this.dimensions);
      matrix.set(this.matrix);
    }
    let coarse: Float32Array | undefined;
    if (this.coarse) {
      coarse = new Float32Array(capacity * this.coarseDimensions);
      coarse.set(this.coarse);
    }
    const alive = new Uint8Array(capacity);
    alive.set(this.alive);
    this.matrix = matrix;
    this.coarse = coarse;
    this.alive = alive;
    this.capacity = capacity;
  }
}

function dot(matrix: Float32Array, offset: number, query: Float32Array, width: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  // Four accumulators let the engine overlap the multiply-adds.
  for (; d + 3 < width; d += 4) {
    s0 += matrix[offset + d] * query[d];
    s1 += matrix[offset + d + 1] * query[d + 1];
    s2 += matrix[offset + d + 2] * query[d + 2];
    s3 += matrix[offset + d + 3] * query[d + 3];
  }
  for (; d < width; d++) s0 += matrix[offset + d] * query[d];
  return s0 + s1 + s2 + s3;
}

/** The best `size` (id, score) pairs offered, kept sorted worst first. */
class TopHits {
  private readonly size: number;
  private readonly ids: number[] = [];
  private readonly scores: number[] = [];
  threshold = -Infinity;

  constructor(size: number) {
    this.size = size;
  }

  offer(id: number, score: number): void {
    if (this.ids.length >= this.size && score <= this.threshold) return;
    let at = this.ids.length;
    while (at > 0 && this.scores[at - 1] > score) at--;
    this.ids.splice(at, 0, id);
    this.scores.splice(at, 0, score);
    if (this.ids.length > this.size) {
      this.ids.shift();
      this.scores.shift();
    }
    if (this.ids.length >= this.size) this.threshold = this.scores[0];
  }

  hits(): VectorHit[] {
    const out: VectorHit[] = [];
    for (let i = this.ids.length - 1; i >= 0; i--) out.push({ id: this.ids[i], score: this.scores[i] });
    return out;
  }
}

import { yieldToEventLoop } from '../common/async.ts';
import type { StoredFile } from './chunkStore.ts';
import { codeTermCounts, queryTerms } from './codeTokens.ts';
import type { EmbedSource } from './embedder.ts';
import { chunksInFileOrder, fileHitsOf, type HybridRanking, rankHybrid } from './hybridRanking.ts';
import type { IndexSnapshot } from './indexSnapshot.ts';
import { KeywordIndex, metaTermCounts } from './keywordIndex.ts';
import { analyzeQuery } from './queryAnalysis.ts';
import type { ScoredList } from './rankFusion.ts';
import { type FileHit, fileKeyOf, type IndexedFile, type SearchBackend, type SearchHit, type SearchOptions } from './searchBackend.ts';
import { VectorMatrix, type VectorMatrixOptions } from './vectorMatrix.ts';

interface CatalogEntry {
  readonly root: string;
  readonly path: string;
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly slots: readonly number[];
}

/** The files numbered for the file ranking, and each chunk slot's file number (-1: none). */
interface FileGroups {
  readonly keys: readonly string[];
  readonly numbers: ReadonlyMap<string, number>;
  readonly groupOf: Int32Array;
}

interface SlotMeta {
  readonly fileKey: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol?: string;
  readonly language: string;
  readonly hash: string;
}

export interface LocalSearchBackendOptions {
  readonly dimensions: number;
  /** Tuning of the vector matrix (when the coarse pass starts). */
  readonly vectorSearch?: VectorMatrixOptions;
  /** Embeds a query (through the index's caching embedder). */
  readonly embedQuery: (query: string, signal: AbortSignal, source?: EmbedSource) => Promise<Float32Array>;
  /** Where a file of a root is on disk now (roots can be reconfigured). */
  readonly absolutePath: (root: string, path: string) => string;
  /** The shard a file key belongs to. */
  readonly shardOf: (fileKey: string) => number;
}

/** What a snapshot takes from memory; the caller adds the manifest and fingerprints. */
export type LocalSnapshotContent = Omit<IndexSnapshot, 'manifest' | 'fingerprints'>;

/**
 * The local search backend: every chunk in memory, its vector in a matrix (vectorMatrix.ts) and
 * its terms in a BM25 index (keywordIndex.ts), each chunk a numeric slot shared by both; hybrid
 * search fuses the two by reciprocal rank and ranks files by fileRanking.ts. Memory is rebuilt on
 * load from the snapshot and the shards; it is saved as the snapshot (indexSnapshot.ts).
 */
export class LocalSearchBackend implements SearchBackend {
  private readonly options: LocalSearchBackendOptions;
  private readonly vectors: VectorMatrix;
  private keywords = new KeywordIndex();
  private readonly catalog = new Map<string, CatalogEntry>();
  private readonly slots: (SlotMeta | undefined)[] = [];
  private readonly hashToSlot = new Map<string, number>();
  private readonly shardMembers = new Map<number, Set<string>>();
  /** File numbering for the file ranking, built on the first query after the catalog changes. */
  private fileGroups: FileGroups | undefined;

  constructor(options: LocalSearchBackendOptions) {
    this.options = options;
    this.vectors = new VectorMatrix(options.dimensions, options.vectorSearch);
  }

  get fileCount(): number {
    return this.catalog.size;
  }

  get chunkCount(): number {
    return this.vectors.size;
  }

  file(key: string): IndexedFile | undefined {
    const entry = this.catalog.get(key);
    return entry && { root: entry.root, path: entry.path, hash: entry.hash, size: entry.size, mtimeMs: entry.mtimeMs, chunkCount: entry.slots.length };
  }

  fileKeys(): Iterable<string> {
    return this.catalog.keys();
  }

  shardFiles(shard: number): ReadonlySet<string> | undefined {
    return this.shardMembers.get(shard);
  }

  vectorOf(chunkHash: string): Float32Array | undefined {
    const slot = this.hashToSlot.get(chunkHash);
    return slot !== undefined ? this.vectors.get(slot) : undefined;
  }

  /** The best chunks for a query, for chat's context and completion (hybridRanking.chunksInFileOrder). */
  async search(query: string, options: SearchOptions, signal: AbortSignal): Promise<SearchHit[]> {
    const top = options.top ?? 10;
    const { ranking } = await this.rankedFiles(query, Math.max(50, top * 5), options, signal);
    return chunksInFileOrder(ranking, top);
  }

  /** The best files for a query, ranked by fileRanking.ts through hybridRanking.ts. */
  async searchFiles(query: string, options: SearchOptions, signal: AbortSignal): Promise<FileHit[]> {
    const top = options.top ?? 10;
    const { ranking, keys } = await this.rankedFiles(query, Math.max(100, top * 10), options, signal);
    return fileHitsOf(ranking, top, (id) => {
      const file = this.catalog.get(keys[id])!;
      return { root: file.root, path: file.path, absolutePath: this.options.absolutePath(file.root, file.path) };
    });
  }

  /**
   * Runs both searches once over what is loaded, so the first real query does not wait while V8
   * compiles them (50–140 ms at 100,000 chunks). The embedder is left out: a remote one would be a
   * paid request. Returns how long it took.
   */
  warmUp(): number {
    const started = performance.now();
    const slot = this.slots.findIndex((meta) => meta !== undefined);
    const meta = this.slots[slot];
    const vector = this.vectors.get(slot);
    if (!meta || !vector) return 0;
    // Three rounds: one leaves the loops half compiled (a first query of 50–60 ms, against 19).
    const groups = (this.fileGroups ??= this.numberFiles(undefined));
    for (let round = 0; round < 3; round++) {
      this.vectors.search(vector, 50);
      const terms = queryTerms(`${meta.fileKey} ${meta.symbol ?? ''}`);
      this.keywords.search(terms, 50);
      this.keywords.searchGroups(terms, groups.groupOf, groups.keys.length, 50);
    }
    return performance.now() - started;
  }
  /** Files ranked by hybridRanking.ts, numbered by `keys`. */
  private async rankedFiles(query: string, candidates: number, options: SearchOptions, signal: AbortSignal): Promise<{ ranking: HybridRanking; keys: readonly string[] }> {
    const analysis = analyzeQuery(query);
    const use = new Set(options.retrievers ?? ['vector', 'keyword']);
    const lists: ScoredList[] = [];
    if (use.has('vector') && this.vectors.size > 0) {
      const vector = await this.options.embedQuery(analysis.text, signal, options.querySource);
      lists.push({ retriever: 'vector', items: this.vectors.search(vector, candidates) });
    }
    if (use.has('keyword')) lists.push({ retriever: 'keyword', items: this.keywords.search(queryTerms(analysis.text), candidates) });
    const { keys, groupOf } = options.roots ? this.numberFiles(new Set(options.roots)) : (this.fileGroups ??= this.numberFiles(undefined));
    const fileOfChunk = (id: number) => (id < groupOf.length && groupOf[id] >= 0 ? groupOf[id] : undefined);
    const wholeFile = use.has('keyword') ? this.keywords.searchGroups(analysis.terms, groupOf, keys.length, candidates, analysis.weights) : undefined;
    const ranking = rankHybrid(
      {
        lists,
        wholeFile,
        fileOfChunk,
        placeOf: (id) => {
          const meta = this.slots[id];
          const file = meta && fileOfChunk(id) !== undefined ? this.catalog.get(meta.fileKey) : undefined;
          if (!meta || !file) return undefined;
          return {
            root: file.root,
            path: file.path,
            absolutePath: this.options.absolutePath(file.root, file.path),
            startLine: meta.startLine,
            endLine: meta.endLine,
            ...(meta.symbol !== undefined ? { symbol: meta.symbol } : {}),
            language: meta.language,
          };
        },
        pathOf: (id) => this.catalog.get(keys[id])?.path ?? keys[id],
      },
      analysis,
    );
    return { ranking, keys };
  }

  /**
   * Numbers the files (in `roots` only, when given) and maps each chunk slot to its file's number,
   * -1 for none. Kept between queries until the catalog changes: at 100,000 chunks building it
   * is most of what the file ranking adds to a query.
   */
  private numberFiles(roots: ReadonlySet<string> | undefined): FileGroups {
    const keys: string[] = [];
    const numbers = new Map<string, number>();
    const groupOf = new Int32Array(this.slots.length).fill(-1);
    this.slots.forEach((meta, slot) => {
      if (!meta) return;
      let number = numbers.get(meta.fileKey);
      if (number === undefined) {
        const file = this.catalog.get(meta.fileKey);
        if (!file || (roots && !roots.has(file.root))) return;
        numbers.set(meta.fileKey, (number = keys.length));
        keys.push(meta.fileKey);
      }
      groupOf[slot] = number;
    });
    return { keys, numbers, groupOf };
  }

  addFile(file: StoredFile): void {
    const key = fileKeyOf(file.root, file.path);
    const slots: number[] = [];
    // Path terms go with every chunk of the file, symbol terms with their own chunk only.
    const pathTerms = codeTermCounts(file.path);
    for (const chunk of file.chunks) {
      const slot = this.vectors.add(chunk.v);
      this.slots[slot] = { fileKey: key, startLine: chunk.s, endLine: chunk.e, ...(chunk.y !== undefined ? { symbol: chunk.y } : {}), language: chunk.l, hash: chunk.h };
      this.keywords.add(slot, chunk.t, metaTermCounts(pathTerms, chunk.y));
      this.hashToSlot.set(chunk.h, slot);
      slots.push(slot);
    }
    this.catalogFile(key, file, slots);
  }

  removeFile(key: string): boolean {
    const entry = this.catalog.get(key);
    if (!entry) return false;
    for (const slot of entry.slots) {
      const meta = this.slots[slot];
      if (meta && this.hashToSlot.get(meta.hash) === slot) this.hashToSlot.delete(meta.hash);
      this.slots[slot] = undefined;
      this.vectors.remove(slot);
      this.keywords.remove(slot);
    }
    this.catalog.delete(key);
    this.fileGroups = undefined;
    this.shardMembers.get(this.options.shardOf(key))?.delete(key);
    return true;
  }

  clear(): void {
    this.vectors.clear();
    this.keywords = new KeywordIndex();
    this.catalog.clear();
    this.slots.length = 0;
    this.fileGroups = undefined;
    this.hashToSlot.clear();
    this.shardMembers.clear();
  }

  /** Receives a snapshot's vectors into the matrix as rows 0 to n - 1 (before `install`). */
  loadRows(rows: number): Float32Array {
    return this.vectors.loadRows(rows);
  }

  /** Memory from a snapshot whose vectors are already rows 0 to n - 1: chunk `i` becomes slot `i`. */
  install(snapshot: IndexSnapshot): void {
    const { lines, languages, symbols, hashes } = snapshot.chunks;
    this.keywords = KeywordIndex.fromSnapshot(snapshot.keywords, hashes.length);
    let slot = 0;
    for (const file of snapshot.files) {
      const key = fileKeyOf(file.root, file.path);
      const slots: number[] = [];
      for (let c = 0; c < file.chunkCount; c++, slot++) {
        const symbol = symbols[slot];
        this.slots[slot] = { fileKey: key, startLine: lines[slot * 2], endLine: lines[slot * 2 + 1], ...(symbol !== null ? { symbol } : {}), language: languages[slot], hash: hashes[slot] };
        this.hashToSlot.set(hashes[slot], slot);
        slots.push(slot);
      }
      this.catalogFile(key, file, slots);
    }
  }

  /**
   * Memory as a snapshot's content: files in catalog order, their chunks numbered in that order.
   * Searches may run in the gaps (the caller holds writes back, so memory holds still).
   */
  async snapshotContent(): Promise<LocalSnapshotContent> {
    const numberOf = new Int32Array(this.slots.length).fill(-1);
    const files: IndexSnapshot['files'][number][] = [];
    const lines: number[] = [];
    const languages: string[] = [];
    const symbols: (string | null)[] = [];
    const hashes: string[] = [];
    const runs: [start: number, end: number][] = [];
    for (const [key, entry] of this.catalog) {
      files.push({ root: entry.root, path: entry.path, hash: entry.hash, size: entry.size, mtimeMs: entry.mtimeMs, chunkCount: entry.slots.length });
      for (const slot of entry.slots) {
        const meta = this.slots[slot];
        if (!meta || meta.fileKey !== key) throw new Error(`slot ${slot} of ${key} has no chunk`);
        numberOf[slot] = hashes.length;
        lines.push(meta.startLine, meta.endLine);
        languages.push(meta.language);
        symbols.push(meta.symbol ?? null);
        hashes.push(meta.hash);
        // Consecutive slots make one run of the matrix, written without a copy.
        const last = runs.at(-1);
        if (last && last[1] === slot) last[1]++;
        else runs.push([slot, slot + 1]);
      }
    }
    await yieldToEventLoop();
    const keywords = await this.keywords.snapshot(numberOf);
    await yieldToEventLoop();
    return {
      files,
      chunks: { lines: Int32Array.from(lines), languages, symbols, hashes },
      keywords,
      vectors: runs.map(([start, end]) => this.vectors.rows(start, end)),
    };
  }

  /** Records a file in the catalog and among its shard's members. */
  private catalogFile(key: string, file: Omit<CatalogEntry, 'slots'>, slots: readonly number[]): void {
    this.fileGroups = undefined;
    this.catalog.set(key, { root: file.root, path: file.path, hash: file.hash, size: file.size, mtimeMs: file.mtimeMs, slots });
    const shard = this.options.shardOf(key);
    if (!this.shardMembers.has(shard)) this.shardMembers.set(shard, new Set());
    this.shardMembers.get(shard)!.add(key);
  }
}

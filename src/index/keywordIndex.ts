import { yieldToEventLoop } from '../common/async.ts';
import type { TermCounts } from './chunkStore.ts';
import { codeTermCounts } from './codeTokens.ts';

export interface KeywordHit {
  readonly id: number;
  readonly score: number;
}

/**
 * The living documents' postings, as a snapshot keeps them: for term `i`, (document, count) pairs
 * from `postings[starts[i]]` to `postings[starts[i + 1]]`. Documents are numbered densely by the
 * caller, and a restored index uses those numbers as its external ids.
 */
export interface KeywordSnapshot {
  readonly terms: readonly string[];
  readonly starts: Int32Array;
  readonly postings: Int32Array;
}

const k1 = 1.2;
const b = 0.75;
/** Path and symbol terms count this many times over a term in the code: a file named after the query matters. */
const metaBoost = 2;
/** Cap on one term's count in one chunk, so a generated table cannot dominate. */
const maxTermCount = 50;

/** BM25's constants, shared with the SQL of the shared index (postgres/sharedIndexSearch.ts). */
export const bm25 = { k1, b } as const;

/**
 * A chunk's meta terms: its file's path terms with its symbol's added. `pathTerms` is shared by
 * the chunks of a file without a symbol (the index caches by identity).
 */
export function metaTermCounts(pathTerms: ReadonlyMap<string, number>, symbol: string | undefined): ReadonlyMap<string, number> {
  if (symbol === undefined) return pathTerms;
  const meta = new Map(pathTerms);
  for (const [term, count] of codeTermCounts(symbol)) meta.set(term, (meta.get(term) ?? 0) + count);
  return meta;
}

/**
 * A document's term counts as `add` counts them: code counts capped, meta counts capped and
 * boosted, added where a term is in both. For a store that scores BM25 itself.
 */
export function documentTermCounts(code: ReadonlyMap<string, number>, meta: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [term, count] of code) out.set(term, Math.min(count, maxTermCount));
  for (const [term, count] of meta) out.set(term, (out.get(term) ?? 0) + Math.min(count, maxTermCount) * metaBoost);
  return out;
}

/**
 * BM25 over code tokens, in typed arrays. Documents arrive already tokenized and counted, with a
 * dictionary shared by a whole shard, so a load from disk never re-reads or re-splits source and
 * looks each distinct term of a shard up once.
 *
 * MiniSearch was the first choice and was measured out: adding 10k chunks took 2.6 s and a
 * query with common code words (get, user) 56 ms at 10k chunks; this index does the same work
 * in a fraction (bench/index.ts prints the numbers).
 *
 * Removal is lazy: a removed document is marked dead and skipped by queries, and posting lists
 * are compacted once the dead outnumber a quarter of the living.
 */
export class KeywordIndex {
  private readonly termIds = new Map<string, number>();
  /** Per term: document ids and counts, interleaved, in a growable Int32Array. */
  private postings: Int32Array[] = [];
  private postingLengths = new Int32Array(1024);
  /** Dead documents still in each term's posting list; live df = entries - dead (for idf). */
  private deadPerTerm = new Int32Array(1024);
  /** Per document: its length (sum of counts), or -1 when dead. */
  private lengths = new Float64Array(1024);
  /** Per document: where its term ids start in `termPool`, and how many (for removal). */
  private termStarts = new Int32Array(1024);
  private termCounts = new Int32Array(1024);
  /** Every document's term ids end to end: one array, not a hundred thousand small ones. */
  private termPool = new Int32Array(16384);
  private termPoolUsed = 0;
  /** External id (the vector slot) per document, and back (-1: none); external ids are small and dense. */
  private externalIds = new Int32Array(1024);
  private documentOf = new Int32Array(1024).fill(-1);
  private documentCount = 0;
  private liveCount = 0;
  private totalLength = 0;
  private deadCount = 0;
  private scores = new Float64Array(1024);
  private touched = new Int32Array(1024);
  private scratch = new Int32Array(256);
  private readonly dictionaryCache = new WeakMap<readonly string[], Int32Array>();
  /** Term ids and boosted counts of a meta map, shared by the chunks of one file. */
  private readonly metaCache = new WeakMap<ReadonlyMap<string, number>, { readonly ids: Int32Array; readonly values: Int32Array }>();

  get size(): number {
    return this.liveCount;
  }

  /** Adds a document: its code's term counts, and `meta` (path and symbol terms, boosted). */
  add(id: number, terms: TermCounts, meta: ReadonlyMap<string, number>): void {
    this.remove(id);
    const doc = this.documentCount++;
    if (doc >= this.lengths.length) this.growDocuments();
    const needed = terms.pairs.length / 2 + meta.size;
    if (needed > this.scratch.length) this.scratch = new Int32Array(needed * 2);
    const termList = this.scratch;
    let used = 0;
    let length = 0;
    const ids = this.dictionaryIds(terms.dictionary);
    const pairs = terms.pairs;
    // Code terms are distinct within a chunk: append each straight to its posting list.
    for (let i = 0; i < pairs.length; i += 2) {
      let termId = ids[pairs[i]];
      if (termId < 0) termId = ids[pairs[i]] = this.termId(terms.dictionary[pairs[i]]);
      const value = pairs[i + 1] < maxTermCount ? pairs[i + 1] : maxTermCount;
      this.append(termId, doc, value);
      termList[used++] = termId;
      length += value;
    }
    // A meta term (path, symbol) already in the code adds to the entry just appended for this document.
    const metaTerms = this.metaTerms(meta);
    for (let i = 0; i < metaTerms.ids.length; i++) {
      const termId = metaTerms.ids[i];
      const value = metaTerms.values[i];
      const end = this.postingLengths[termId];
      if (end > 0 && this.postings[termId][end - 2] === doc) {
        this.postings[termId][end - 1] += value;
      } else {
        this.append(termId, doc, value);
        termList[used++] = termId;
      }
      length += value;
    }
    this.lengths[doc] = length;
    this.externalIds[doc] = id;
    if (id >= this.documentOf.length) this.documentOf = grownFilled(this.documentOf, id + 1);
    this.documentOf[id] = doc;
    if (this.termPoolUsed + used > this.termPool.length) this.termPool = grown(this.termPool, this.termPoolUsed + used);
    this.termPool.set(termList.subarray(0, used), this.termPoolUsed);
    this.termStarts[doc] = this.termPoolUsed;
    this.termCounts[doc] = used;
    this.termPoolUsed += used;
    this.liveCount++;
    this.totalLength += length;
  }

  private append(termId: number, doc: number, value: number): void {
    let list = this.postings[termId];
    const end = this.postingLengths[termId];
    if (end + 2 > list.length) {
      const grown = new Int32Array(list.length * 2);
      grown.set(list);
      this.postings[termId] = list = grown;
    }
    list[end] = doc;
    list[end + 1] = value;
    this.postingLengths[termId] = end + 2;
  }

  remove(id: number): void {
    const doc = id >= 0 && id < this.documentOf.length ? this.documentOf[id] : -1;
    if (doc < 0) return;
    this.documentOf[id] = -1;
    const start = this.termStarts[doc];
    for (let i = start; i < start + this.termCounts[doc]; i++) this.deadPerTerm[this.termPool[i]]++;
    this.totalLength -= this.lengths[doc];
    this.lengths[doc] = -1;
    this.liveCount--;
    this.deadCount++;
    if (this.deadCount > 1000 && this.deadCount > this.liveCount / 4) this.compact();
  }

  private termId(term: string): number {
    let termId = this.termIds.get(term);
    if (termId === undefined) {
      termId = this.postings.length;
      this.termIds.set(term, termId);
      this.postings.push(new Int32Array(4));
      if (termId >= this.postingLengths.length) this.growTerms();
    }
    return termId;
  }

  private metaTerms(meta: ReadonlyMap<string, number>): { readonly ids: Int32Array; readonly values: Int32Array } {
    let cached = this.metaCache.get(meta);
    if (!cached) {
      const ids = new Int32Array(meta.size);
      const values = new Int32Array(meta.size);
      let i = 0;
      for (const [term, count] of meta) {
        ids[i] = this.termId(term);
        values[i++] = Math.min(count, maxTermCount) * metaBoost;
      }
      cached = { ids, values };
      this.metaCache.set(meta, cached);
    }
    return cached;
  }

  /** Term ids for a shard's dictionary, resolved lazily and shared by all its chunks. */
  private dictionaryIds(dictionary: readonly string[]): Int32Array {
    let ids = this.dictionaryCache.get(dictionary);
    if (!ids) {
      ids = new Int32Array(dictionary.length).fill(-1);
      this.dictionaryCache.set(dictionary, ids);
    }
    return ids;
  }

  /** `terms`: unique query terms from codeTokens.queryTerms. */
  search(terms: readonly string[], top: number): KeywordHit[] {
    if (this.liveCount === 0) return [];
    const scores = this.scores.length >= this.documentCount ? this.scores : (this.scores = new Float64Array(this.lengths.length));
    // Scored documents, in a scratch array kept between queries: a common term touches tens of thousands.
    if (this.touched.length < this.documentCount) this.touched = new Int32Array(this.lengths.length);
    const touched = this.touched;
    let touchedCount = 0;
    const averageLength = this.totalLength / this.liveCount;
    for (const term of new Set(terms)) {
      const termId = this.termIds.get(term);
      if (termId === undefined) continue;
      const df = this.postingLengths[termId] / 2 - this.deadPerTerm[termId];
      if (df <= 0) continue;
      const idf = Math.log(1 + (this.liveCount - df + 0.5) / (df + 0.5));
      const list = this.postings[termId];
      const used = this.postingLengths[termId];
      for (let i = 0; i < used; i += 2) {
        const doc = list[i];
        const length = this.lengths[doc];
        if (length < 0) continue;
        const tf = list[i + 1];
        if (scores[doc] === 0) touched[touchedCount++] = doc;
        scores[doc] += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / averageLength));
      }
    }
    // Partial selection: keep the best `top` while scanning, then clear the scratch scores.
    const best: KeywordHit[] = [];
    let threshold = 0;
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i];
      const score = scores[doc];
      scores[doc] = 0;
      // Ties at the threshold stay in: the final order breaks them by id, deterministically.
      if (best.length >= top && score < threshold) continue;
      best.push({ id: this.externalIds[doc], score });
      if (best.length > top * 2) {
        best.sort((x, y) => y.score - x.score || x.id - y.id);
        best.length = top;
        threshold = best[top - 1].score;
      }
    }
    best.sort((x, y) => y.score - x.score || x.id - y.id);
    return best.slice(0, top);
  }

  /**
   * BM25 over groups of documents (a file's chunks) as if each group were one document: counts
   * and lengths summed over the group, document frequency counted in groups. Scoring whole files
   * this way keeps a long file from winning by summing many matching chunks, since its length
   * saturates its counts. `groupOf[external id]` is the group, -1 to leave the document out;
   * `weights` (per term, default 1) let a long query say which of its terms matter more.
   */
  searchGroups(terms: readonly string[], groupOf: Int32Array, groupCount: number, top: number, weights?: ReadonlyMap<string, number>): KeywordHit[] {
    if (this.liveCount === 0 || groupCount === 0) return [];
    const groupLengths = new Float64Array(groupCount);
    let totalLength = 0;
    let liveGroups = 0;
    for (let doc = 0; doc < this.documentCount; doc++) {
      const length = this.lengths[doc];
      const external = this.externalIds[doc];
      const group = length >= 0 && external < groupOf.length ? groupOf[external] : -1;
      if (group < 0) continue;
      if (groupLengths[group] === 0) liveGroups++;
      groupLengths[group] += length;
      totalLength += length;
    }
    if (liveGroups === 0) return [];
    const averageLength = totalLength / liveGroups;
    const scores = new Float64Array(groupCount);
    const counts = new Float64Array(groupCount);
    const touched: number[] = [];
    for (const term of new Set(terms)) {
      const termId = this.termIds.get(term);
      if (termId === undefined) continue;
      const list = this.postings[termId];
      const used = this.postingLengths[termId];
      const termGroups: number[] = [];
      for (let i = 0; i < used; i += 2) {
        const doc = list[i];
        if (this.lengths[doc] < 0) continue;
        const external = this.externalIds[doc];
        const group = external < groupOf.length ? groupOf[external] : -1;
        if (group < 0) continue;
        if (counts[group] === 0) termGroups.push(group);
        counts[group] += list[i + 1];
      }
      if (termGroups.length === 0) continue;
      const idf = Math.log(1 + (liveGroups - termGroups.length + 0.5) / (termGroups.length + 0.5)) * (weights?.get(term) ?? 1);
      for (const group of termGroups) {
        const tf = counts[group];
        counts[group] = 0;
        if (scores[group] === 0) touched.push(group);
        scores[group] += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * groupLengths[group]) / averageLength));
      }
    }
    return touched
      .map((group) => ({ id: group, score: scores[group] }))
      .sort((x, y) => y.score - x.score || x.id - y.id)
      .slice(0, top);
  }

  /**
   * The living postings, documents renumbered by `numberOf[external id]`; terms left with no posting
   * are dropped. At 100,000 chunks this is about 0.17 s of work, so it pauses every `sliceMs` for
   * queries waiting behind it; the caller must hold writes back until it resolves.
   */
  async snapshot(numberOf: Int32Array, sliceMs = 20): Promise<KeywordSnapshot> {
    const terms: string[] = [];
    const starts: number[] = [0];
    let total = 0;
    for (const length of this.postingLengths.subarray(0, this.postings.length)) total += length;
    const postings = new Int32Array(total);
    let used = 0;
    let sliceStarted = performance.now();
    for (const [term, termId] of this.termIds) {
      if (performance.now() - sliceStarted > sliceMs) {
        await yieldToEventLoop();
        sliceStarted = performance.now();
      }
      const list = this.postings[termId];
      const end = this.postingLengths[termId];
      const start = used;
      for (let i = 0; i < end; i += 2) {
        if (this.lengths[list[i]] < 0) continue;
        postings[used++] = numberOf[this.externalIds[list[i]]];
        postings[used++] = list[i + 1];
      }
      if (used === start) continue;
      terms.push(term);
      starts.push(used);
    }
    return { terms, starts: Int32Array.from(starts), postings: postings.subarray(0, used) };
  }

  /**
   * An index of `documentCount` documents from a snapshot, each document's external id its number.
   * The posting lists are views into the snapshot's array, and each document's term list is
   * rebuilt from them; a snapshot that does not add up throws.
   */
  static fromSnapshot(snapshot: KeywordSnapshot, documentCount: number): KeywordIndex {
    const { terms, starts, postings } = snapshot;
    if (starts.length !== terms.length + 1 || starts[0] !== 0 || starts[terms.length] !== postings.length) throw new Error('keyword snapshot: bad term offsets');
    const index = new KeywordIndex();
    const termCapacity = Math.max(1024, terms.length + (terms.length >> 2));
    index.postingLengths = new Int32Array(termCapacity);
    index.deadPerTerm = new Int32Array(termCapacity);
    const documentCapacity = Math.max(1024, documentCount + (documentCount >> 3));
    index.lengths = new Float64Array(documentCapacity);
    index.termCounts = new Int32Array(documentCapacity);
    index.termStarts = new Int32Array(documentCapacity);
    index.externalIds = new Int32Array(documentCapacity);
    index.scores = new Float64Array(documentCapacity);
    index.documentOf = new Int32Array(documentCapacity).fill(-1);
    // First pass: each document's length and number of terms, checking every pair.
    for (let termId = 0; termId < terms.length; termId++) {
      const start = starts[termId];
      const end = starts[termId + 1];
      if (end < start || (end - start) % 2 !== 0 || end === start) throw new Error('keyword snapshot: bad posting list');
      index.termIds.set(terms[termId], termId);
      index.postings.push(postings.subarray(start, end));
      index.postingLengths[termId] = end - start;
      for (let i = start; i < end; i += 2) {
        const doc = postings[i];
        const count = postings[i + 1];
        if (doc < 0 || doc >= documentCount || count <= 0) throw new Error('keyword snapshot: bad posting');
        index.lengths[doc] += count;
        index.termCounts[doc]++;
      }
    }
    if (index.termIds.size !== terms.length) throw new Error('keyword snapshot: a term appears twice');
    // Second pass: every document's term ids, end to end in the pool.
    let poolUsed = 0;
    for (let doc = 0; doc < documentCount; doc++) {
      index.termStarts[doc] = poolUsed;
      poolUsed += index.termCounts[doc];
      index.externalIds[doc] = doc;
      index.documentOf[doc] = doc;
      index.totalLength += index.lengths[doc];
    }
    index.termPool = new Int32Array(Math.max(16384, poolUsed + (poolUsed >> 3)));
    const cursor = index.termStarts.slice(0, documentCount);
    for (let termId = 0; termId < terms.length; termId++) {
      for (let i = starts[termId]; i < starts[termId + 1]; i += 2) index.termPool[cursor[postings[i]]++] = termId;
    }
    index.termPoolUsed = poolUsed;
    index.documentCount = documentCount;
    index.liveCount = documentCount;
    return index;
  }

  /** Drops dead documents from the posting lists and renumbers the living densely. */
  private compact(): void {
    const renumber = new Int32Array(this.documentCount).fill(-1);
    let next = 0;
    const lengths = new Float64Array(Math.max(1024, this.liveCount * 2));
    const externalIds = new Int32Array(lengths.length);
    const termStarts = new Int32Array(lengths.length);
    const termCounts = new Int32Array(lengths.length);
    const termPool = new Int32Array(Math.max(16384, this.termPoolUsed));
    let poolUsed = 0;
    for (let doc = 0; doc < this.documentCount; doc++) {
      if (this.lengths[doc] < 0) continue;
      renumber[doc] = next;
      lengths[next] = this.lengths[doc];
      externalIds[next] = this.externalIds[doc];
      const start = this.termStarts[doc];
      termPool.set(this.termPool.subarray(start, start + this.termCounts[doc]), poolUsed);
      termStarts[next] = poolUsed;
      termCounts[next] = this.termCounts[doc];
      poolUsed += this.termCounts[doc];
      this.documentOf[this.externalIds[doc]] = next;
      next++;
    }
    for (let termId = 0; termId < this.postings.length; termId++) {
      const list = this.postings[termId];
      let write = 0;
      for (let read = 0; read < this.postingLengths[termId]; read += 2) {
        const doc = renumber[list[read]];
        if (doc < 0) continue;
        list[write] = doc;
        list[write + 1] = list[read + 1];
        write += 2;
      }
      this.postingLengths[termId] = write;
      this.deadPerTerm[termId] = 0;
    }
    this.lengths = lengths;
    this.externalIds = externalIds;
    this.termStarts = termStarts;
    this.termCounts = termCounts;
    this.termPool = termPool;
    this.termPoolUsed = poolUsed;
    this.documentCount = next;
    this.deadCount = 0;
    this.scores = new Float64Array(lengths.length);
  }

  private growTerms(): void {
    const postingLengths = new Int32Array(this.postingLengths.length * 2);
    postingLengths.set(this.postingLengths);
    const deadPerTerm = new Int32Array(postingLengths.length);
    deadPerTerm.set(this.deadPerTerm);
    this.postingLengths = postingLengths;
    this.deadPerTerm = deadPerTerm;
  }

  private growDocuments(): void {
    const lengths = new Float64Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.lengths = lengths;
    this.externalIds = grown(this.externalIds, lengths.length);
    this.termStarts = grown(this.termStarts, lengths.length);
    this.termCounts = grown(this.termCounts, lengths.length);
  }
}

/** Like `grown`, the new entries -1. */
function grownFilled(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const copy = grown(array, size);
  copy.fill(-1, array.length);
  return copy;
}

/** A copy of `array` with room for at least `size` entries (doubling). */
function grown(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(Math.max(size, array.length * 2));
  copy.set(array);
  return copy;
}

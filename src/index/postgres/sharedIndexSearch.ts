import { abortReason } from '../../common/async.ts';
import { type ChunkPlace, chunksInFileOrder, fileHitsOf, type HybridRanking, rankHybrid } from '../hybridRanking.ts';
import { bm25 } from '../keywordIndex.ts';
import { analyzeQuery } from '../queryAnalysis.ts';
import type { ScoredList } from '../rankFusion.ts';
import type { FileHit, IndexQueries, SearchHit, SearchOptions } from '../searchBackend.ts';
import type { SharedIndex, SharedView, ViewTotals } from './sharedIndex.ts';
import { vectorLiteral } from './sharedIndexWriter.ts';

export interface SharedSearchOptions {
  /** The root id hits carry (the workspace folder this repository is checked out in). */
  readonly root: string;
  /** Where a repository path is on this machine. */
  readonly absolutePath: (path: string) => string;
  /** Paths the caller answers for itself (a local overlay of files changed since the commit). */
  readonly excludePaths?: Iterable<string>;
  /** Embeds a query for the embedder the view was filled with. */
  readonly embedQuery: (query: string, signal: AbortSignal) => Promise<Float32Array>;
}

interface DocumentRow {
  readonly id: string;
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly symbol: string | null;
  readonly language: string;
  readonly score: number;
}

/**
 * Search over one commit's view of the shared index, behind the same query API as the local
 * index: each retriever's candidates come from SQL (the HNSW index for cosine, BM25 in SQL over
 * the documents' tsvector terms, per chunk and per whole file) and are ranked by the same
 * hybridRanking.ts as locally. `excludePaths` leaves out the files an overlay supplies.
 */
export class SharedIndexSearch implements IndexQueries {
  private readonly index: SharedIndex;
  private readonly view: SharedView;
  private readonly options: SharedSearchOptions;
  private readonly excluded: string[];

  constructor(index: SharedIndex, view: SharedView, options: SharedSearchOptions) {
    this.index = index;
    this.view = view;
    this.options = options;
    this.excluded = [...(options.excludePaths ?? [])];
  }

  async search(query: string, options: SearchOptions, signal: AbortSignal): Promise<SearchHit[]> {
    const top = options.top ?? 10;
    const ranking = await this.rank(query, Math.max(50, top * 5), options, signal);
    return ranking ? chunksInFileOrder(ranking.ranking, top) : [];
  }

  async searchFiles(query: string, options: SearchOptions, signal: AbortSignal): Promise<FileHit[]> {
    const top = options.top ?? 10;
    const ranking = await this.rank(query, Math.max(100, top * 10), options, signal);
    if (!ranking) return [];
    return fileHitsOf(ranking.ranking, top, (id) => ({ root: this.options.root, path: ranking.paths[id], absolutePath: this.options.absolutePath(ranking.paths[id]) }));
  }

  private async rank(query: string, candidates: number, options: SearchOptions, signal: AbortSignal): Promise<{ ranking: HybridRanking; paths: string[] } | undefined> {
    if (options.roots && !options.roots.includes(this.options.root)) return undefined;
    const totals = await this.index.totals(this.view);
    if (!totals || totals.documents === 0) return undefined;
    const analysis = analyzeQuery(query);
    const use = new Set(options.retrievers ?? ['vector', 'keyword']);
    const [vectorRows, keyword] = await Promise.all([
      use.has('vector') ? this.vectorCandidates(await this.options.embedQuery(analysis.text, signal), candidates) : undefined,
      use.has('keyword') && analysis.terms.length > 0 ? this.keywordCandidates(analysis.terms, analysis.weights, totals, candidates) : undefined,
    ]);
    if (signal.aborted) throw abortReason(signal);

    // Documents and files numbered as they come; the ranking only needs the numbers to be stable.
    const documents = new Map<number, DocumentRow>();
    const fileNumbers = new Map<string, number>();
    const paths: string[] = [];
    const fileNumber = (path: string) => {
      let number = fileNumbers.get(path);
      if (number === undefined) fileNumbers.set(path, (number = paths.push(path) - 1));
      return number;
    };
    const listOf = (rows: readonly DocumentRow[]) =>
      rows.map((row) => {
        const id = Number(row.id);
        documents.set(id, row);
        fileNumber(row.path);
        return { id, score: row.score };
      });
    const lists: ScoredList[] = [];
    if (vectorRows) lists.push({ retriever: 'vector', items: listOf(vectorRows).sort((x, y) => y.score - x.score || x.id - y.id) });
    if (keyword) lists.push({ retriever: 'keyword', items: listOf(keyword.chunks) });
    const wholeFile = keyword?.files.map((row) => ({ id: fileNumber(row.path), score: row.score }));
    const ranking = rankHybrid(
      {
        lists,
        wholeFile,
        fileOfChunk: (id) => {
          const row = documents.get(id);
          return row ? fileNumbers.get(row.path) : undefined;
        },
        placeOf: (id): ChunkPlace | undefined => {
          const row = documents.get(id);
          if (!row) return undefined;
          return {
            root: this.options.root,
            path: row.path,
            absolutePath: this.options.absolutePath(row.path),
            startLine: row.start_line,
            endLine: row.end_line,
            ...(row.symbol !== null ? { symbol: row.symbol } : {}),
            language: row.language,
          };
        },
        pathOf: (id) => paths[id],
      },
      analysis,
    );
    return { ranking, paths };
  }

  /**
   * The nearest chunks by cosine, documents of this view only. First the HNSW index's nearest
   * chunks over every view (a pool a few times the candidates), then their documents in this view;
   * when the pool holds too few of this view's (a database of many repositories), the filtered
   * query, which the planner may answer exactly.
   */
  private vectorCandidates(vector: Float32Array, candidates: number): Promise<DocumentRow[]> {
    const dimensions = this.index.dimensions;
    const pool = Math.min(1000, candidates * 4);
    const distance = `c.embedding::vector(${dimensions}) <=> $1::vector(${dimensions})`;
    const inView = `JOIN gw_commit_files f ON f.repository_id = d.repository_id AND f.path = d.path AND f.file_hash = d.file_hash
         WHERE f.repository_id = $3 AND f.commit = $4 AND NOT (f.path = ANY($5::text[]))`;
    const parameters = [vectorLiteral(vector), this.index.embedderId, this.view.repositoryId, this.view.commit, this.excluded, candidates];
    return this.index.transaction(async (client) => {
      // pgvector's widest beam: code embeddings crowd together, and at a hundred thousand chunks a
      // narrower one misses many true neighbours (bench:index -- --postgres), while the graph walk
      // stays a small part of a hybrid query.
      await client.query('SET LOCAL hnsw.ef_search = 1000');
      // Filtered rows may be few among the graph's nearest: pgvector 0.8 keeps scanning until enough are found.
      if (this.index.iterativeScan) await client.query('SET LOCAL hnsw.iterative_scan = relaxed_order');
      const nearest = await client.query<DocumentRow>(
        `WITH nearest AS MATERIALIZED (
           SELECT c.hash, ${distance} AS distance FROM gw_chunks c
           WHERE c.embedder = $2 AND c.dimensions = ${dimensions} ORDER BY ${distance} LIMIT ${pool})
         SELECT d.id::text AS id, d.path, d.start_line, d.end_line, d.symbol, d.language, 1 - n.distance AS score
         FROM nearest n JOIN gw_documents d ON d.chunk_hash = n.hash
         ${inView}
         ORDER BY n.distance, d.id LIMIT $6`,
        parameters,
      );
      if (nearest.rows.length >= candidates) return nearest.rows;
      const filtered = await client.query<DocumentRow>(
        `SELECT d.id::text AS id, d.path, d.start_line, d.end_line, d.symbol, d.language, 1 - (${distance}) AS score
         FROM gw_chunks c JOIN gw_documents d ON d.chunk_hash = c.hash
         ${inView} AND c.embedder = $2 AND c.dimensions = ${dimensions}
         ORDER BY ${distance}, d.id LIMIT $6`,
        parameters,
      );
      return filtered.rows;
    });
  }

  /**
   * BM25 in SQL, as keywordIndex.ts scores it: per chunk (document), and per file with counts and
   * lengths summed over its chunks and each term weighted as the query analysis says. Document
   * frequencies are counted among the view's matching documents; the view's totals give N and the
   * average length.
   */
  private async keywordCandidates(terms: readonly string[], weights: ReadonlyMap<string, number>, totals: ViewTotals, candidates: number): Promise<{ chunks: DocumentRow[]; files: { path: string; score: number }[] }> {
    const { k1, b } = bm25;
    const tsquery = terms.map((term) => `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' | ');
    const rows = await this.index.withClient(async (client) => {
      const result = await client.query<DocumentRow & { kind: 'chunk' | 'file' }>(
        `WITH q AS (SELECT term, weight FROM unnest($3::text[], $4::float8[]) AS t(term, weight)),
         matched AS (
           SELECT d.id, d.path, d.length AS doc_length, f.length AS file_length, d.terms
           FROM gw_commit_files f
           JOIN gw_documents d ON d.repository_id = f.repository_id AND d.path = f.path AND d.file_hash = f.file_hash
           WHERE f.repository_id = $1 AND f.commit = $2 AND d.terms @@ $5::tsquery AND NOT (f.path = ANY($6::text[]))),
         tf AS (
           SELECT m.id, m.path, m.doc_length, m.file_length, u.lexeme AS term, cardinality(u.positions)::float8 AS tf
           -- Only the query's lexemes are unnested: marked with weight A, then filtered to it.
           FROM matched m, unnest(ts_filter(setweight(m.terms, 'A', $3::text[]), '{a}')) u),
         df AS (SELECT term, count(*)::float8 AS df FROM tf GROUP BY term),
         chunk_scores AS (
           SELECT tf.id, sum(ln(1 + ($7 - df.df + 0.5) / (df.df + 0.5)) * tf.tf * ${k1 + 1} / (tf.tf + ${k1} * (${1 - b} + ${b} * tf.doc_length / $8))) AS score
           FROM tf JOIN df USING (term) GROUP BY tf.id),
         file_tf AS (SELECT path, file_length, term, sum(tf) AS tf FROM tf GROUP BY path, file_length, term),
         file_df AS (SELECT term, count(*)::float8 AS df FROM file_tf GROUP BY term),
         file_scores AS (
           SELECT t.path, sum(ln(1 + ($9 - g.df + 0.5) / (g.df + 0.5)) * q.weight * t.tf * ${k1 + 1} / (t.tf + ${k1} * (${1 - b} + ${b} * t.file_length / $10))) AS score
           FROM file_tf t JOIN file_df g USING (term) JOIN q USING (term) GROUP BY t.path)
         (SELECT 'chunk' AS kind, c.id::text AS id, d.path, d.start_line, d.end_line, d.symbol, d.language, c.score
          FROM chunk_scores c JOIN gw_documents d ON d.id = c.id ORDER BY c.score DESC, c.id LIMIT $11)
         UNION ALL
         (SELECT 'file', NULL, path, NULL, NULL, NULL, NULL, score FROM file_scores ORDER BY score DESC, path LIMIT $11)`,
        [
          this.view.repositoryId,
          this.view.commit,
          terms,
          terms.map((term) => weights.get(term) ?? 1),
          tsquery,
          this.excluded,
          totals.documents,
          totals.documents > 0 ? totals.totalLength / totals.documents : 1,
          totals.filesWithChunks,
          totals.filesWithChunks > 0 ? totals.totalLength / totals.filesWithChunks : 1,
          candidates,
        ],
      );
      return result.rows;
    });
    return {
      chunks: rows.filter((row) => row.kind === 'chunk').map((row) => ({ ...row, score: Number(row.score) })),
      files: rows.filter((row) => row.kind === 'file').map((row) => ({ path: row.path, score: Number(row.score) })),
    };
  }
}

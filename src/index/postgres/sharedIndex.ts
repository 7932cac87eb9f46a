import type pg from 'pg';
import { explainPostgresError, openPostgresPool } from './connection.ts';
import { ensureVectorIndex } from './schema.ts';

/** One commit of one repository, as the shared index holds it. */
export interface SharedView {
  readonly repositoryId: number;
  readonly commit: string;
}

/** What a view holds, for the status and for BM25's totals. */
export interface ViewTotals {
  readonly files: number;
  readonly filesWithChunks: number;
  readonly documents: number;
  readonly totalLength: number;
  readonly indexedAt: Date;
}

export interface SharedIndexOptions {
  readonly embedderId: string;
  readonly dimensions: number;
  /** Connections in the pool. */
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
}

/**
 * The team index on Postgres with pgvector: the pool, the schema (migrated on open), and the
 * statements both the writer (sharedIndexWriter.ts) and the search (sharedIndexSearch.ts) share.
 * Every driver error leaves through `explainPostgresError`, so the user reads what to do and
 * never the connection string's password.
 */
export class SharedIndex {
  readonly embedderId: string;
  readonly dimensions: number;
  /** pgvector 0.8 and later can keep scanning the HNSW graph until a filtered query has its rows. */
  readonly iterativeScan: boolean;
  private readonly pool: pg.Pool;
  private readonly url: string;

  private constructor(pool: pg.Pool, url: string, options: SharedIndexOptions, iterativeScan: boolean) {
    this.pool = pool;
    this.url = url;
    this.embedderId = options.embedderId;
    this.dimensions = options.dimensions;
    this.iterativeScan = iterativeScan;
  }

  static async open(url: string, options: SharedIndexOptions): Promise<SharedIndex> {
    const pool = await openPostgresPool(url, { max: options.maxConnections, connectTimeoutMs: options.connectTimeoutMs });
    try {
      const client = await pool.connect();
      try {
        await ensureVectorIndex(client, options.dimensions);
        const version = await client.query<{ extversion: string }>("SELECT extversion FROM pg_extension WHERE extname = 'vector'");
        const [major, minor] = (version.rows[0]?.extversion ?? '0.0').split('.').map(Number);
        return new SharedIndex(pool, url, options, major > 0 || minor >= 8);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw explainPostgresError(error, url);
    }
  }

  /** Runs `work` on one pooled connection; driver errors come out explained. */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient | undefined;
    // A connection lost between two statements of `work` emits 'error' on the client; the next
    // statement fails with it anyway, so the event itself is only kept from crashing the process.
    const ignore = () => undefined;
    try {
      client = await this.pool.connect();
      client.on('error', ignore);
      const result = await work(client);
      client.off('error', ignore);
      client.release();
      return result;
    } catch (error) {
      client?.off('error', ignore);
      // A connection that failed mid-query is destroyed, not reused: the next query opens a new one.
      client?.release(error instanceof Error ? error : true);
      throw explainPostgresError(error, this.url);
    }
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** The repository's id, recorded on first use. */
  repositoryId(identity: string): Promise<number> {
    return this.withClient(async (client) => {
      const result = await client.query<{ id: number }>(
        `INSERT INTO gw_repositories (identity) VALUES ($1) ON CONFLICT (identity) DO UPDATE SET identity = EXCLUDED.identity RETURNING id`,
        [identity],
      );
      return result.rows[0].id;
    });
  }

  /** The repository's id if the index has ever held it; reads only (a search writes nothing). */
  findRepositoryId(identity: string): Promise<number | undefined> {
    return this.withClient(async (client) => {
      const result = await client.query<{ id: number }>('SELECT id FROM gw_repositories WHERE identity = $1', [identity]);
      return result.rows[0]?.id;
    });
  }

  /** The view's totals, or undefined when this commit was never completely indexed with this embedder. */
  totals(view: SharedView): Promise<ViewTotals | undefined> {
    return this.withClient(async (client) => {
      const result = await client.query<{ files: number; files_with_chunks: number; documents: number; total_length: string; indexed_at: Date }>(
        'SELECT files, files_with_chunks, documents, total_length, indexed_at FROM gw_commits WHERE repository_id = $1 AND commit = $2 AND embedder = $3',
        [view.repositoryId, view.commit, this.embedderId],
      );
      const row = result.rows[0];
      return row && { files: row.files, filesWithChunks: row.files_with_chunks, documents: row.documents, totalLength: Number(row.total_length), indexedAt: row.indexed_at };
    });
  }

  /** The commits of a repository indexed with this embedder, newest first. */
  commits(repositoryId: number): Promise<{ commit: string; files: number; indexedAt: Date }[]> {
    return this.withClient(async (client) => {
      const result = await client.query<{ commit: string; files: number; indexed_at: Date }>(
        'SELECT commit, files, indexed_at FROM gw_commits WHERE repository_id = $1 AND embedder = $2 ORDER BY indexed_at DESC',
        [repositoryId, this.embedderId],
      );
      return result.rows.map((row) => ({ commit: row.commit, files: row.files, indexedAt: row.indexed_at }));
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

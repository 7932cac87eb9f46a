import type { PoolClient } from 'pg';

/**
 * The shared index's tables, created and migrated by the backend itself. Each migration runs once,
 * in order, inside one transaction that also records the new version, under an advisory lock so
 * two processes opening the same database at once never migrate twice.
 *
 * Layout: a repository is named by its identity (repositoryIdentity.ts); a commit's view lists the
 * files at that commit (path and content hash); a document is one chunk of one file content at one
 * path, with its keyword terms, shared by every commit where the file is unchanged; a chunk's
 * vector is stored once per (chunk hash, embedder), shared across repositories, branches and people.
 */
export interface Migration {
  readonly version: number;
  readonly statements: readonly string[];
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE gw_repositories (id serial PRIMARY KEY, identity text NOT NULL UNIQUE)`,
      `CREATE TABLE gw_chunks (
         hash text NOT NULL,
         embedder text NOT NULL,
         dimensions integer NOT NULL,
         embedding vector NOT NULL,
         PRIMARY KEY (hash, embedder))`,
      `CREATE TABLE gw_documents (
         id bigserial PRIMARY KEY,
         repository_id integer NOT NULL REFERENCES gw_repositories(id),
         path text NOT NULL,
         file_hash text NOT NULL,
         ordinal integer NOT NULL,
         chunk_hash text NOT NULL,
         start_line integer NOT NULL,
         end_line integer NOT NULL,
         symbol text,
         language text NOT NULL,
         terms tsvector NOT NULL,
         length integer NOT NULL,
         UNIQUE (repository_id, path, file_hash, ordinal))`,
      `CREATE INDEX gw_documents_terms ON gw_documents USING gin (terms)`,
      `CREATE INDEX gw_documents_chunk ON gw_documents (chunk_hash)`,
      `CREATE TABLE gw_commit_files (
         repository_id integer NOT NULL REFERENCES gw_repositories(id),
         commit text NOT NULL,
         path text NOT NULL,
         file_hash text NOT NULL,
         size bigint NOT NULL,
         chunk_count integer NOT NULL,
         PRIMARY KEY (repository_id, commit, path))`,
    ],
  },
  {
    // Version 2: BM25 needs each view's totals, and whole-file BM25 each file's length; a view
    // records which embedder filled it and when it was complete.
    version: 2,
    statements: [
      `ALTER TABLE gw_commit_files ADD COLUMN length integer`,
      `UPDATE gw_commit_files f SET length = coalesce((SELECT sum(d.length) FROM gw_documents d
         WHERE d.repository_id = f.repository_id AND d.path = f.path AND d.file_hash = f.file_hash), 0)`,
      `ALTER TABLE gw_commit_files ALTER COLUMN length SET NOT NULL`,
      `CREATE TABLE gw_commits (
         repository_id integer NOT NULL REFERENCES gw_repositories(id),
         commit text NOT NULL,
         embedder text NOT NULL,
         files integer NOT NULL,
         files_with_chunks integer NOT NULL,
         documents integer NOT NULL,
         total_length bigint NOT NULL,
         indexed_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (repository_id, commit, embedder))`,
    ],
  },
];

export const schemaVersion = migrations.at(-1)!.version;

/** An arbitrary constant for pg_advisory_xact_lock: "gw schema". */
const migrationLock = 0x67770001;

/** Brings the schema to `target` (the latest by default); returns the version found before. */
export async function migrate(client: PoolClient, target = schemaVersion): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLock]);
    // Looked up first: CREATE ... IF NOT EXISTS still needs the right to create, which a user
    // that only reads and writes an existing index lacks.
    const exists = await client.query<{ present: boolean }>("SELECT to_regclass('gw_schema') IS NOT NULL AS present");
    if (!exists.rows[0].present) await client.query('CREATE TABLE gw_schema (version integer NOT NULL)');
    const found = await client.query<{ version: number }>('SELECT version FROM gw_schema');
    const before = found.rows[0]?.version ?? 0;
    if (before > schemaVersion) {
      throw new Error(`The shared index's schema is version ${before}, newer than this Groundwork knows (${schemaVersion}): update Groundwork.`);
    }
    for (const migration of migrations) {
      if (migration.version <= before || migration.version > target) continue;
      for (const statement of migration.statements) await client.query(statement);
    }
    if (found.rows.length === 0) await client.query('INSERT INTO gw_schema (version) VALUES ($1)', [Math.max(before, target)]);
    else if (target > before) await client.query('UPDATE gw_schema SET version = $1', [target]);
    await client.query('COMMIT');
    return before;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The HNSW index over one dimension's vectors (a vector column without a fixed size cannot hold one). */
export async function ensureVectorIndex(client: PoolClient, dimensions: number): Promise<void> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2000) throw new Error(`pgvector's HNSW index takes 1 to 2000 dimensions, not ${dimensions}.`);
  const name = `gw_chunks_hnsw_${dimensions}`;
  // Looked up first, for a user that may use the index but not create one.
  if ((await client.query("SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'i'", [name])).rows.length > 0) return;
  await client.query('BEGIN');
  try {
    // Two writers creating it at once would collide on the catalog: the lock makes the second wait.
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLock]);
    await client.query(
      `CREATE INDEX IF NOT EXISTS ${name} ON gw_chunks USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops) WITH (m = 16, ef_construction = 128) WHERE dimensions = ${dimensions}`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

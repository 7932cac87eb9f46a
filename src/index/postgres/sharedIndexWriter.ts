import { abortReason } from '../../common/async.ts';
import { secretFileReason } from '../../safety/secretFiles.ts';
import { type Chunk, type Chunker, contentHash } from '../chunker.ts';
import { codeTermCounts } from '../codeTokens.ts';
import type { DiscoveredFile } from '../discovery.ts';
import { type CachingEmbedder, embeddingText } from '../embedder.ts';
import { contentVerdict } from '../fileFilter.ts';
import type { IndexFileSystem } from '../indexFileSystem.ts';
import { documentTermCounts, metaTermCounts } from '../keywordIndex.ts';
import type { SharedIndex, SharedView } from './sharedIndex.ts';

export interface ViewUpdate {
  /** Files whose content was chunked and stored for the first time at this path. */
  readonly storedFiles: number;
  /** Files at a path and content some commit already had: recorded, nothing computed. */
  readonly reusedFiles: number;
  readonly unchangedFiles: number;
  readonly removedFiles: number;
  /** Chunks sent to the embedder (no vector for their content and embedder yet). */
  readonly embeddedChunks: number;
  readonly files: number;
  readonly documents: number;
}

export interface ViewWriterParts {
  readonly index: SharedIndex;
  readonly chunker: Chunker;
  readonly embedder: CachingEmbedder;
  readonly fs: IndexFileSystem;
  readonly maxFileSizeBytes: number;
}

interface FileRow {
  readonly path: string;
  readonly hash: string;
  readonly size: number;
  readonly text: string;
}

/** Files read, hashed and written per transaction. */
const batchFiles = 64;

/**
 * Writes one commit's view of a repository: the files discovered in the checkout, each recorded
 * with its content hash. A path and content some commit already holds costs one row; new content
 * is chunked, and only chunks whose (hash, embedder) has no vector yet are embedded, so branches
 * and people share embeddings. Files gone at this commit leave its view; other commits keep theirs.
 * The view's totals (BM25's) are written last, and only then does search find the commit.
 */
export async function writeView(parts: ViewWriterParts, view: SharedView, files: readonly DiscoveredFile[], signal: AbortSignal, progress: (done: number, total: number) => void): Promise<ViewUpdate> {
  const { index } = parts;
  const totals = { storedFiles: 0, reusedFiles: 0, unchangedFiles: 0, removedFiles: 0, embeddedChunks: 0 };
  const held = await index.withClient(async (client) => {
    const result = await client.query<{ path: string; file_hash: string }>('SELECT path, file_hash FROM gw_commit_files WHERE repository_id = $1 AND commit = $2', [view.repositoryId, view.commit]);
    return new Map(result.rows.map((row) => [row.path, row.file_hash]));
  });
  const seen = new Set<string>();
  for (let start = 0; start < files.length; start += batchFiles) {
    if (signal.aborted) throw abortReason(signal);
    const rows: FileRow[] = [];
    for (const file of files.slice(start, start + batchFiles)) {
      if (secretFileReason(file.path) !== undefined) continue;
      const bytes = await parts.fs.readFile(file.absolutePath).catch(() => undefined);
      if (!bytes || bytes.length > parts.maxFileSizeBytes || contentVerdict(bytes)) continue;
      const text = new TextDecoder().decode(bytes);
      const hash = contentHash(text);
      seen.add(file.path);
      if (held.get(file.path) === hash) totals.unchangedFiles++;
      else rows.push({ path: file.path, hash, size: bytes.length, text });
    }
    await storeFiles(parts, view, rows, signal, totals);
    progress(Math.min(start + batchFiles, files.length), files.length);
  }
  const gone = [...held.keys()].filter((path) => !seen.has(path));
  const counts = await index.transaction(async (client) => {
    if (gone.length > 0) await client.query('DELETE FROM gw_commit_files WHERE repository_id = $1 AND commit = $2 AND path = ANY($3::text[])', [view.repositoryId, view.commit, gone]);
    const result = await client.query<{ files: number; documents: number }>(
      `INSERT INTO gw_commits (repository_id, commit, embedder, files, files_with_chunks, documents, total_length)
       SELECT $1, $2, $3, count(*), count(*) FILTER (WHERE chunk_count > 0), coalesce(sum(chunk_count), 0), coalesce(sum(length), 0)
       FROM gw_commit_files WHERE repository_id = $1 AND commit = $2
       ON CONFLICT (repository_id, commit, embedder) DO UPDATE SET files = EXCLUDED.files, files_with_chunks = EXCLUDED.files_with_chunks,
         documents = EXCLUDED.documents, total_length = EXCLUDED.total_length, indexed_at = now()
       RETURNING files, documents`,
      [view.repositoryId, view.commit, index.embedderId],
    );
    return result.rows[0];
  });
  totals.removedFiles = gone.length;
  return { ...totals, files: counts.files, documents: counts.documents };
}

/** Records changed files in the view, computing what no commit has yet. */
async function storeFiles(parts: ViewWriterParts, view: SharedView, rows: readonly FileRow[], signal: AbortSignal, totals: { storedFiles: number; reusedFiles: number; embeddedChunks: number }): Promise<void> {
  if (rows.length === 0) return;
  const { index } = parts;
  // Which (path, content) pairs already have documents, from this or any other commit.
  const existing = await index.withClient(async (client) => {
    const result = await client.query<{ path: string; file_hash: string }>(
      `SELECT DISTINCT d.path, d.file_hash FROM gw_documents d JOIN unnest($2::text[], $3::text[]) AS r(path, file_hash) ON d.path = r.path AND d.file_hash = r.file_hash WHERE d.repository_id = $1`,
      [view.repositoryId, rows.map((row) => row.path), rows.map((row) => row.hash)],
    );
    return new Set(result.rows.map((row) => `${row.file_hash}\u0000${row.path}`));
  });
  const fresh: { row: FileRow; chunks: Chunk[] }[] = [];
  for (const row of rows) {
    if (existing.has(`${row.hash}\u0000${row.path}`)) {
      totals.reusedFiles++;
      continue;
    }
    fresh.push({ row, chunks: await parts.chunker.chunk(row.path, row.text) });
  }

  // Vectors: only chunks whose content has none for this embedder yet are embedded.
  const hashes = [...new Set(fresh.flatMap(({ chunks }) => chunks.map((chunk) => chunk.hash)))];
  const known = await index.withClient(async (client) => {
    const result = await client.query<{ hash: string }>('SELECT hash FROM gw_chunks WHERE embedder = $1 AND hash = ANY($2::text[])', [index.embedderId, hashes]);
    return new Set(result.rows.map((row) => row.hash));
  });
  const toEmbed = new Map<string, { chunk: Chunk; path: string }>();
  for (const { row, chunks } of fresh) for (const chunk of chunks) if (!known.has(chunk.hash) && !toEmbed.has(chunk.hash)) toEmbed.set(chunk.hash, { chunk, path: row.path });
  const pending = [...toEmbed.values()];
  const vectors = await parts.embedder.embed(
    pending.map(({ chunk, path }) => ({ text: embeddingText(chunk), source: { root: 'shared', path, startLine: chunk.startLine, endLine: chunk.endLine } })),
    signal,
  );
  totals.embeddedChunks += pending.length;
  if (signal.aborted) throw abortReason(signal);

  const documents = fresh.flatMap(({ row, chunks }) => {
    const pathTerms = codeTermCounts(row.path);
    return chunks.map((chunk, ordinal) => {
      const terms = documentTermCounts(codeTermCounts(chunk.text), metaTermCounts(pathTerms, chunk.symbol));
      let length = 0;
      for (const count of terms.values()) length += count;
      return { row, chunk, ordinal, terms: tsvectorLiteral(terms), length };
    });
  });
  const lengthOf = new Map<string, number>();
  for (const doc of documents) lengthOf.set(doc.row.path, (lengthOf.get(doc.row.path) ?? 0) + doc.length);

  await index.transaction(async (client) => {
    if (pending.length > 0) {
      await client.query(
        `INSERT INTO gw_chunks (hash, embedder, dimensions, embedding)
         SELECT hash, $1, $2, embedding::vector FROM unnest($3::text[], $4::text[]) AS v(hash, embedding)
         ON CONFLICT (hash, embedder) DO NOTHING`,
        [index.embedderId, index.dimensions, pending.map(({ chunk }) => chunk.hash), vectors.map(vectorLiteral)],
      );
    }
    if (documents.length > 0) {
      await client.query(
        `INSERT INTO gw_documents (repository_id, path, file_hash, ordinal, chunk_hash, start_line, end_line, symbol, language, terms, length)
         SELECT $1, path, file_hash, ordinal, chunk_hash, start_line, end_line, symbol, language, terms::tsvector, length
         FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[], $11::int[])
           AS d(path, file_hash, ordinal, chunk_hash, start_line, end_line, symbol, language, terms, length)
         ON CONFLICT (repository_id, path, file_hash, ordinal) DO NOTHING`,
        [
          view.repositoryId,
          documents.map((d) => d.row.path),
          documents.map((d) => d.row.hash),
          documents.map((d) => d.ordinal),
          documents.map((d) => d.chunk.hash),
          documents.map((d) => d.chunk.startLine),
          documents.map((d) => d.chunk.endLine),
          documents.map((d) => d.chunk.symbol ?? null),
          documents.map((d) => d.chunk.language),
          documents.map((d) => d.terms),
          documents.map((d) => d.length),
        ],
      );
    }
    // Reused files take their chunk count and length from the documents another commit stored.
    await client.query(
      `INSERT INTO gw_commit_files (repository_id, commit, path, file_hash, size, chunk_count, length)
       SELECT $1, $2, r.path, r.file_hash, r.size, count(d.id), coalesce(sum(d.length), 0)
       FROM unnest($3::text[], $4::text[], $5::bigint[]) AS r(path, file_hash, size)
       LEFT JOIN gw_documents d ON d.repository_id = $1 AND d.path = r.path AND d.file_hash = r.file_hash
       GROUP BY r.path, r.file_hash, r.size
       ON CONFLICT (repository_id, commit, path) DO UPDATE SET file_hash = EXCLUDED.file_hash, size = EXCLUDED.size,
         chunk_count = EXCLUDED.chunk_count, length = EXCLUDED.length`,
      [view.repositoryId, view.commit, rows.map((row) => row.path), rows.map((row) => row.hash), rows.map((row) => row.size)],
    );
  });
  totals.storedFiles += fresh.length;
}

/**
 * A document's terms as a tsvector literal: each term a quoted lexeme with as many positions as
 * its count, so `cardinality(positions)` gives BM25 its term frequency. Terms are code tokens, but
 * quotes and backslashes are escaped all the same.
 */
export function tsvectorLiteral(terms: ReadonlyMap<string, number>): string {
  const parts: string[] = [];
  for (const [term, count] of terms) {
    const positions = Array.from({ length: Math.min(count, 255) }, (_, i) => i + 1).join(',');
    parts.push(`'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}':${positions}`);
  }
  return parts.join(' ');
}

/** A vector as pgvector's text form. */
export function vectorLiteral(vector: Float32Array): string {
  return `[${Array.from(vector).join(',')}]`;
}

import pg from 'pg';
import { errorMessage, GroundworkError } from '../../common/errors.ts';
import { migrate } from './schema.ts';

export type PostgresFailure = 'unreachable' | 'auth' | 'noVector' | 'connectionLost' | 'badUrl';

/** A failure of the shared index's server, said for the user; never carries the password. */
export class PostgresError extends GroundworkError {
  readonly reason: PostgresFailure;

  constructor(reason: PostgresFailure, message: string, cause?: unknown) {
    super(message, { actions: reason === 'auth' || reason === 'badUrl' ? ['openSettings'] : ['retry'], cause });
    this.name = 'PostgresError';
    this.reason = reason;
  }
}

/** The connection string with any password replaced, fit for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return '(a connection string that is not a URL)';
  }
}

/** Where the server is, for messages: host and port, nothing else. */
function serverOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the server';
  }
}

const lostCodes = new Set(['ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

/**
 * Turns a driver error into one the user can act on: unreachable, refused credentials, no
 * pgvector, or a connection lost mid-query. Other errors (SQL) pass through unchanged. The
 * message is rebuilt here, never copied from the driver, so a password cannot leak through it.
 */
export function explainPostgresError(error: unknown, url: string): unknown {
  if (error instanceof PostgresError) return error;
  const code = (error as { code?: string } | undefined)?.code;
  const message = errorMessage(error);
  const server = serverOf(url);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'EAI_AGAIN' || /timeout expired/i.test(message)) {
    return new PostgresError('unreachable', `Cannot reach the shared index's Postgres at ${server} (${code ?? 'timed out'}). Is the server running, and is the address right?`, error);
  }
  if (code === '28P01' || code === '28000' || /password authentication failed|SASL|client password must be a string/i.test(message)) {
    return new PostgresError('auth', `Postgres at ${server} refused the credentials in the connection string. Check the user name and password.`, error);
  }
  if (code === '3D000') return new PostgresError('unreachable', `Postgres at ${server} has no such database.`, error);
  if ((code && lostCodes.has(code)) || /Connection terminated|connection lost|Client has encountered a connection error|not queryable/i.test(message)) {
    return new PostgresError('connectionLost', `The connection to the shared index's Postgres at ${server} was lost mid-query. The next query reconnects.`, error);
  }
  return error;
}

const installVector =
  'The shared index needs the pgvector extension. Install it on the server (e.g. the postgresql-NN-pgvector package, or the pgvector/pgvector Docker image) and run CREATE EXTENSION vector; in the database, as a user allowed to.';

/** A pool on the shared index's database, the schema checked and migrated once. */
export async function openPostgresPool(url: string, options: { readonly max?: number; readonly connectTimeoutMs?: number } = {}): Promise<pg.Pool> {
  try {
    new URL(url);
  } catch {
    throw new PostgresError('badUrl', 'The Postgres connection string is not a URL: write it as postgres://user:password@host:5432/database.');
  }
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000 });
  // An idle client whose server went away emits 'error'; unhandled it would end the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await ensureVector(client);
      await migrate(client);
    } finally {
      client.release();
    }
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw explainPostgresError(error, url);
  }
}

async function ensureVector(client: pg.PoolClient): Promise<void> {
  const installed = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'");
  if (installed.rows.length > 0) return;
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  } catch (error) {
    const code = (error as { code?: string }).code;
    // 58P01: no control file (not installed on the server); 42501: not allowed to create it.
    if (code === '58P01' || code === '0A000' || /extension "vector" (is not available|does not exist)|could not open extension control file/i.test(errorMessage(error))) {
      throw new PostgresError('noVector', `${installVector}`, error);
    }
    if (code === '42501') throw new PostgresError('noVector', `pgvector is not enabled in this database and this user may not enable it. ${installVector}`, error);
    throw error;
  }
}

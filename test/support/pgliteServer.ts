import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Postgres with pgvector for tests, without a server on the machine: PGlite (Postgres in
 * WebAssembly, in this process) served over the wire protocol by pglite-socket on a free port, so
 * `pg` connects to it as to a real server. pglite-socket runs every connection's queries on the one
 * PGlite in turn, a transaction at a time.
 *
 * Connections go through a small TCP relay in front of it, so a test can cut them mid-query as a
 * network or a restarted server would.
 */
export interface TestPostgres {
  /** postgres://… with a password, which PGlite ignores (messages must not show it). */
  readonly url: string;
  /** Cuts every connection the next time a client sends anything (a query). */
  cutOnNextMessage(): void;
  /** Cuts every open connection now. */
  cutAll(): void;
  stop(): Promise<void>;
}

export const testPassword = 'sekret-pw-42';

/** `withVector: false` serves a Postgres without pgvector, as a server that lacks it. */
export async function startTestPostgres(options: { readonly withVector?: boolean } = {}): Promise<TestPostgres> {
  const db = await PGlite.create(options.withVector === false ? {} : { extensions: { vector } });
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 100 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const pairs = new Set<[Socket, Socket]>();
  let cutNext = false;
  const cut = (pair: [Socket, Socket]) => {
    pair[0].destroy();
    pair[1].destroy();
    pairs.delete(pair);
  };
  const relay: Server = createServer((client) => {
    const upstream = new (client.constructor as typeof Socket)();
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    upstream.connect(Number(port), host);
    client.on('data', (data) => {
      if (cutNext) {
        cutNext = false;
        for (const open of [...pairs]) cut(open);
        return;
      }
      upstream.write(data);
    });
    upstream.on('data', (data) => client.write(data));
    const close = () => cut(pair);
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');
  return {
    url: `postgres://postgres:${testPassword}@127.0.0.1:${address.port}/postgres`,
    cutOnNextMessage: () => {
      cutNext = true;
    },
    cutAll: () => {
      for (const pair of [...pairs]) cut(pair);
    },
    async stop() {
      for (const pair of [...pairs]) cut(pair);
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      await server.stop();
      await db.close();
    },
  };
}

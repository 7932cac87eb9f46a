// `npm start`'s view of its port: whether something already listens there, and when the server
// it started is ready, so the URL is printed only once it answers.
import { createServer } from 'node:net';

/** Whether `host:port` cannot be listened on because something already does. */
export function portInUse(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(true) : reject(error)));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

export function busyPortMessage(port: number): string {
  return `Port ${port} is already in use, perhaps by another npm start. Stop that, or start on another port: PORT=${port + 1} npm start`;
}

export interface ServerWatch {
  /** Set once the server process has exited, with its exit code. */
  readonly exitCode: () => number | null | undefined;
}

/**
 * Resolves once `url` answers 200; rejects when the server exits first or `timeoutMs` passes.
 */
export async function waitUntilServing(url: string, server: ServerWatch, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exitCode = server.exitCode();
    if (exitCode !== undefined) throw new ServerExitedError(exitCode);
    const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export class ServerExitedError extends Error {
  readonly exitCode: number | null;
  constructor(exitCode: number | null) {
    super(`the server exited (code ${exitCode}) before it answered`);
    this.exitCode = exitCode;
  }
}

/** What the user can do about an error; the shell turns each into a button. */
export type UserAction = 'setApiKey' | 'openSettings' | 'openLogs' | 'retry' | 'manageTrust';

/**
 * An error the user may see. The message is written for them and says what happened; the
 * actions say what to do next. The UI branches on `actions` (and subclasses' `reason`),
 * never on the message text.
 */
export class GroundworkError extends Error {
  readonly actions: readonly UserAction[];

  constructor(message: string, options: { actions?: readonly UserAction[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GroundworkError';
    this.actions = options.actions ?? [];
  }
}

/**
 * True for the errors a cancelled operation throws: an AbortSignal's reason, DOM AbortError,
 * and the SDKs' own "user aborted" errors. Cancellation is not a failure and is never logged as one.
 */
export function isCancellation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // openai@7's error classes all keep name 'Error', so its abort is known by its class name.
  const names = [error.name, error.constructor.name];
  return names.some((name) => name === 'AbortError' || name === 'APIUserAbortError' || name === 'CancellationError');
}

/**
 * The abort reason of a stream whose reader stopped because it had all it needed (a completion
 * whose line or block is done). To the reader it is a cancellation; the ledger and audit log
 * record the request as answered, which it was.
 */
export class EnoughReceived extends Error {
  constructor() {
    super('The reader had all it needed');
    this.name = 'AbortError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

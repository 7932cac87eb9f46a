import * as anthropic from '@anthropic-ai/sdk';
import * as openai from 'openai';
import { GroundworkError, type UserAction } from '../common/errors.ts';

export type ProviderErrorReason =
  | 'auth'
  | 'rateLimited'
  | 'contextTooLong'
  | 'network'
  | 'timeout'
  | 'server'
  | 'badRequest'
  | 'badResponse'
  | 'budget'
  /** Not sent: the workspace is in Restricted Mode and the user did not allow it. */
  | 'restricted'
  /** A bug in Groundwork itself (a TypeError from our own code): never retried, never sent to another model. */
  | 'internal';

export interface ProviderErrorOptions {
  readonly provider: string;
  readonly model: string;
  readonly retryAfterMs?: number;
  /** Text received before the failure, for truncated or malformed streams. */
  readonly partialText?: string;
  readonly actions?: readonly UserAction[];
  readonly cause?: unknown;
}

/** The one error the model layer throws; the UI branches on `reason` and `actions`. */
export class ProviderError extends GroundworkError {
  readonly reason: ProviderErrorReason;
  readonly provider: string;
  readonly model: string;
  readonly retryAfterMs: number | undefined;
  readonly partialText: string;

  constructor(reason: ProviderErrorReason, message: string, options: ProviderErrorOptions) {
    super(message, { actions: options.actions ?? defaultActions(reason), cause: options.cause });
    this.name = 'ProviderError';
    this.reason = reason;
    this.provider = options.provider;
    this.model = options.model;
    this.retryAfterMs = options.retryAfterMs;
    this.partialText = options.partialText ?? '';
  }

  /** The same error carrying the text received so far. */
  withPartialText(partialText: string): ProviderError {
    if (partialText === this.partialText) return this;
    return new ProviderError(this.reason, this.message, {
      provider: this.provider,
      model: this.model,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      partialText,
      actions: this.actions,
      cause: this.cause,
    });
  }
}

function defaultActions(reason: ProviderErrorReason): readonly UserAction[] {
  switch (reason) {
    case 'auth':
      return ['setApiKey'];
    case 'badRequest':
    case 'contextTooLong':
      return ['openSettings'];
    case 'budget':
      return ['openSettings'];
    case 'internal':
      return ['openLogs'];
    default:
      return ['retry'];
  }
}

/** Reasons worth another model: the next one may well answer. Auth and request errors never are. */
export function isFallbackReason(reason: ProviderErrorReason): boolean {
  return reason === 'rateLimited' || reason === 'server' || reason === 'timeout' || reason === 'network' || reason === 'badResponse';
}

interface SdkApiErrorLike {
  readonly status: number | undefined;
  readonly headers: { get(name: string): string | null } | undefined;
  readonly error?: unknown;
  readonly code?: string | null;
  readonly type?: string | null;
  readonly message: string;
}

const gatewayBudgetPattern = /budget has been exceeded|ExceededTokenBudget|exceeded (?:its |the |your )?budget|max budget (?:for|exceeded)/i;

const contextPattern = /context.length|context window|maximum context|too many tokens|prompt is too long|reduce the length/i;

/**
 * Converts whatever an SDK threw into a ProviderError, once, by what the error is (status,
 * class name) rather than by its wording, except for "context too long", which both vendors
 * report only as a 400 with a message.
 */
export function toProviderError(error: unknown, provider: string, model: string, partialText = ''): ProviderError {
  if (error instanceof ProviderError) return error.withPartialText(partialText || error.partialText);
  const where = { provider, model, partialText, cause: error };
  const label = `${provider}/${model}`;
  if (error instanceof GroundworkError) {
    return new ProviderError('badRequest', error.message, { ...where, actions: error.actions });
  }
  if (!(error instanceof Error)) return new ProviderError('badResponse', `${label} failed: ${String(error)}`, where);

  // By class, not name: openai@7's errors are all named plain 'Error'.
  if (error instanceof openai.APIConnectionTimeoutError || error instanceof anthropic.APIConnectionTimeoutError) {
    return new ProviderError('timeout', `${label} did not answer in time.`, where);
  }
  if (error instanceof openai.APIConnectionError || error instanceof anthropic.APIConnectionError) {
    return new ProviderError('network', `Could not reach ${provider}: ${causeMessage(error)}`, where);
  }
  if (error instanceof openai.APIError || error instanceof anthropic.APIError) return fromApiError(error, label, where);
  if (error instanceof SyntaxError) return new ProviderError('badResponse', `${label} sent a malformed response.`, where);
  // undici reports a failed or cut connection as TypeError('fetch failed' or 'terminated') whose
  // cause carries the system error code; that code, not the class, is what makes it the network's.
  if (hasNetworkCode(error)) {
    return new ProviderError('network', `The connection to ${provider} broke: ${causeMessage(error)}`, where);
  }
  // Any other TypeError (or ReferenceError, RangeError) is a bug on this side: sending the same
  // request again, or to the next model, would only repeat it.
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) {
    return new ProviderError('internal', `Groundwork hit an internal error while asking ${label}: ${error.message}. See the logs.`, where);
  }
  return new ProviderError('badResponse', `${label} failed: ${error.message}`, where);
}

function fromApiError(error: SdkApiErrorLike, label: string, where: ProviderErrorOptions): ProviderError {
  const status = error.status;
  const retryAfterMs = parseRetryAfter(error.headers);
  const withRetry = retryAfterMs !== undefined ? { ...where, retryAfterMs } : where;
  const detail = vendorMessage(error) ?? error.message;
  if (status === undefined) {
    // An error event inside a stream: the vendor's type says whether it is load or a bug.
    const type = vendorType(error) ?? '';
    if (/rate_limit/.test(type)) return new ProviderError('rateLimited', `${label} is rate-limited: ${detail}`, withRetry);
    if (/invalid_request/.test(type)) return new ProviderError('badRequest', `${label} refused the request: ${detail}`, where);
    return new ProviderError('server', `${label} failed while answering: ${detail}`, withRetry);
  }
  // A gateway (LiteLLM and the like) refusing a key whose spend limit is reached: it says so in
  // its error type or message, under 400, 401 or 429 depending on version and where it checked.
  if (vendorType(error) === 'budget_exceeded' || gatewayBudgetPattern.test(detail)) {
    return new ProviderError('budget', `The gateway serving ${label} refused: the spend limit of this key is reached (${detail}). Ask whoever runs the gateway to raise it; Groundwork's own daily budget is separate.`, where);
  }
  if (status === 401 || status === 403) {
    return new ProviderError('auth', `${label} refused the API key (${status}): ${detail}`, where);
  }
  if (status === 429) return new ProviderError('rateLimited', `${label} is rate-limited: ${detail}`, withRetry);
  if (status === 408) return new ProviderError('timeout', `${label} timed out: ${detail}`, where);
  if (status === 413 || ((status === 400 || status === 422) && (error.code === 'context_length_exceeded' || contextPattern.test(detail)))) {
    return new ProviderError('contextTooLong', `The request is too long for ${label}: ${detail}`, where);
  }
  if (status >= 500) return new ProviderError('server', `${label} had a server error (${status}): ${detail}`, withRetry);
  if (status === 404) {
    return new ProviderError('badRequest', `${label} was not found (404). Check the model name in settings: ${detail}`, where);
  }
  return new ProviderError('badRequest', `${label} refused the request (${status}): ${detail}`, where);
}

function causeMessage(error: Error): string {
  const cause = error.cause instanceof Error ? (error.cause.cause instanceof Error ? error.cause.cause : error.cause) : undefined;
  return cause ? `${error.message} (${cause.message})` : error.message;
}

function vendorMessage(error: SdkApiErrorLike): string | undefined {
  const body = error.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === 'string' ? message : undefined;
}

function vendorType(error: SdkApiErrorLike): string | undefined {
  if (typeof error.type === 'string') return error.type;
  const body = error.error as { type?: unknown; error?: { type?: unknown } } | undefined;
  const type = body?.error?.type ?? body?.type;
  return typeof type === 'string' ? type : undefined;
}

const networkCode = /^(ECONN|ENOTFOUND|EAI_AGAIN|EPIPE|ETIMEDOUT|ENETUNREACH|ENETDOWN|EHOSTUNREACH|EHOSTDOWN|UND_ERR)/;

/** True when the error or its causes (an AggregateError's too: happy eyeballs tries several addresses) carry a system network code. */
function hasNetworkCode(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && networkCode.test(code)) return true;
  if (Array.isArray(errors) && errors.some((inner) => hasNetworkCode(inner, depth + 1))) return true;
  return hasNetworkCode(cause, depth + 1);
}

/** `retry-after-ms` first (OpenAI sends it), then `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The one error class of the provider boundary, in the manner of ofetch's FetchError: it names
 * the method, the path and the status, and carries what the provider said, never the key.
 */

export type UpstreamFailureKind =
  /** The provider answered with a non-2xx status. */
  | 'http'
  /** No answer within the request timeout. */
  | 'timeout'
  /** Connection refused, reset or dropped. */
  | 'network'
  /** A 2xx answer whose body was not the JSON we expect. */
  | 'parse';

export interface UpstreamErrorInit {
  kind: UpstreamFailureKind;
  method: string;
  /** Path and query only, never a full URL with credentials. */
  path: string;
  status?: number | null;
  providerMessage?: string | null;
  requestId?: string | null;
  /** Milliseconds the provider asked us to wait (Retry-After), when it said so. */
  retryAfterMs?: number | null;
  /** True when the request may have reached the provider (relevant for creates). */
  mayHaveReachedProvider: boolean;
  cause?: unknown;
}

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly kind: UpstreamFailureKind;
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly providerMessage: string | null;
  readonly requestId: string | null;
  readonly retryAfterMs: number | null;
  readonly mayHaveReachedProvider: boolean;

  constructor(init: UpstreamErrorInit) {
    const status = init.status ?? null;
    const what = status !== null ? String(status) : init.kind;
    const detail = init.providerMessage ? `: ${init.providerMessage}` : '';
    super(`[${init.method}] "${init.path}": ${what}${detail}`, { cause: init.cause });
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.status = status;
    this.providerMessage = init.providerMessage ?? null;
    this.requestId = init.requestId ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.mayHaveReachedProvider = init.mayHaveReachedProvider;
  }

  /** Worth retrying for an idempotent read: timeouts, connection faults, 408/429/5xx, bad bodies. */
  get transient(): boolean {
    if (this.kind !== 'http') return true;
    const s = this.status ?? 0;
    return s === 408 || s === 429 || s >= 500;
  }

  get notFound(): boolean {
    return this.kind === 'http' && this.status === 404;
  }
}

/** How a provider failure is told to a GraphQL client (CONTRACT §2 UserErrorCode). */
export type UpstreamErrorClass = 'UPSTREAM_REJECTED' | 'UPSTREAM_UNAVAILABLE' | 'RATE_LIMITED';

/**
 * The single place where provider failures map to the gateway's error codes.
 * 401 is our misconfiguration (a bad key), not the caller's fault: the caller is told the
 * provider is unavailable. Other 4xx are refusals of this request.
 */
export function classifyUpstreamError(err: UpstreamError): UpstreamErrorClass {
  if (err.kind !== 'http') return 'UPSTREAM_UNAVAILABLE';
  const s = err.status ?? 0;
  if (s === 429) return 'RATE_LIMITED';
  if (s === 401 || s === 408 || s >= 500) return 'UPSTREAM_UNAVAILABLE';
  if (s >= 400) return 'UPSTREAM_REJECTED';
  return 'UPSTREAM_UNAVAILABLE';
}

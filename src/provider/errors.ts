import { ProviderFailure, type ProviderFailureReason } from '../domain/errors.js';

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

/**
 * Extends the domain's `ProviderFailure`: the adapter decides the domain `reason` here, in one
 * place, from what the wire said.
 */
export class UpstreamError extends ProviderFailure {
  override readonly name = 'UpstreamError';
  readonly kind: UpstreamFailureKind;
  readonly method: string;
  readonly path: string;

  constructor(init: UpstreamErrorInit) {
    const status = init.status ?? null;
    const what = status !== null ? String(status) : init.kind;
    const detail = init.providerMessage ? `: ${init.providerMessage}` : '';
    super(`[${init.method}] "${init.path}": ${what}${detail}`, {
      reason: reasonOf(init.kind, status),
      mayHaveReachedProvider: init.mayHaveReachedProvider,
      status,
      providerMessage: init.providerMessage ?? null,
      requestId: init.requestId ?? null,
      retryAfterMs: init.retryAfterMs ?? null,
      summary: init.kind === 'http' ? `HTTP ${status}` : init.kind,
      cause: init.cause,
    });
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
  }

  /** Worth retrying for an idempotent read: timeouts, connection faults, 408/429/5xx, bad bodies. */
  get transient(): boolean {
    if (this.kind !== 'http') return true;
    const s = this.status ?? 0;
    return s === 408 || s === 429 || s >= 500;
  }

}

/**
 * The single place where provider failures map to domain reasons. 401 is the gateway's own
 * misconfiguration (a bad key), never the caller's fault; 408 and 5xx mean "ask again later";
 * other 4xx are refusals of this request.
 */
function reasonOf(kind: UpstreamFailureKind, status: number | null): ProviderFailureReason {
  if (kind !== 'http') return 'unavailable';
  const s = status ?? 0;
  if (s === 401) return 'unauthorized';
  if (s === 429) return 'rate_limited';
  if (s === 404) return 'not_found';
  if (s === 408 || s >= 500 || s < 400) return 'unavailable';
  return 'rejected';
}

/**
 * Errors the domain raises for the schema to report. They carry the GraphQL `extensions.code`
 * they stand for, so the transport layer maps them in one place without knowing the domain.
 */
export type ServiceErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN';

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    /** For RATE_LIMITED: how long to wait. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** The codes of GenerateVideoPayload.userErrors (schema.graphql). */
export type UserErrorCode =
  | 'INVALID_INPUT'
  | 'UPSTREAM_REJECTED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'IDEMPOTENCY_CONFLICT'
  | 'BUDGET_EXCEEDED';

export interface UserErrorData {
  code: UserErrorCode;
  message: string;
  field: string[] | null;
  /** For RATE_LIMITED and BUDGET_EXCEEDED: milliseconds until a retry may succeed. */
  retryAfterMs?: number | null;
}

/**
 * Why a provider call failed, in the domain's terms (the provider adapter decides):
 * - `unavailable`: no usable answer (timeout, connection fault, unreadable body, 408, 5xx);
 * - `unauthorized`: the provider refused the gateway's own key (401): the operator's fault;
 * - `rate_limited`: 429, with `retryAfterMs` when the provider said how long;
 * - `not_found`: the provider does not know this generation (404);
 * - `rejected`: the provider refused this request (any other 4xx).
 */
export type ProviderFailureReason = 'unavailable' | 'unauthorized' | 'rate_limited' | 'not_found' | 'rejected';

export interface ProviderFailureInit {
  reason: ProviderFailureReason;
  /** True when a create may have reached the provider (and may be paid for). */
  mayHaveReachedProvider: boolean;
  /** The provider's HTTP status when it answered, else null. */
  status?: number | null;
  /** What the provider said, safe to show a caller (never the key). */
  providerMessage?: string | null;
  /** The provider's request id, for support. */
  requestId?: string | null;
  /** How long the provider asked to wait, when it said so. */
  retryAfterMs?: number | null;
  /** A short description of what happened ("HTTP 503", "timeout"). */
  summary: string;
  cause?: unknown;
}

/** The one error the provider port throws. */
export class ProviderFailure extends Error {
  override readonly name: string = 'ProviderFailure';
  readonly reason: ProviderFailureReason;
  readonly mayHaveReachedProvider: boolean;
  readonly status: number | null;
  readonly providerMessage: string | null;
  readonly requestId: string | null;
  readonly retryAfterMs: number | null;
  readonly summary: string;

  constructor(message: string, init: ProviderFailureInit) {
    super(message, { cause: init.cause });
    this.reason = init.reason;
    this.mayHaveReachedProvider = init.mayHaveReachedProvider;
    this.status = init.status ?? null;
    this.providerMessage = init.providerMessage ?? null;
    this.requestId = init.requestId ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.summary = init.summary;
  }

  get notFound(): boolean {
    return this.reason === 'not_found';
  }
}

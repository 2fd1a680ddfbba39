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

/** The codes of GenerateVideoPayload.userErrors (CONTRACT §2). */
export type UserErrorCode =
  | 'INVALID_INPUT'
  | 'UPSTREAM_REJECTED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'IDEMPOTENCY_CONFLICT';

export interface UserErrorData {
  code: UserErrorCode;
  message: string;
  field: string[] | null;
  /** For RATE_LIMITED: milliseconds until a retry may succeed. */
  retryAfterMs?: number | null;
}

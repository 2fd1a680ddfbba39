/**
 * The one place where domain failures become `UserErrorCode`s of GenerateVideoPayload
 * (schema.graphql), with the words a caller reads.
 */
import type { ProviderFailure, ProviderFailureReason, UserErrorCode, UserErrorData } from '../domain/errors.js';

/** How a provider failure of a create is told to the caller. */
export function userErrorCodeFor(reason: ProviderFailureReason): UserErrorCode {
  switch (reason) {
    case 'rate_limited':
      return 'RATE_LIMITED';
    case 'rejected':
    case 'not_found':
      return 'UPSTREAM_REJECTED';
    case 'unauthorized':
    case 'unavailable':
      // A bad key is the operator's misconfiguration, not the caller's: the provider is
      // unavailable to them until it is fixed.
      return 'UPSTREAM_UNAVAILABLE';
  }
}

/** Default wait suggested when the provider rate limits without saying how long. */
const DEFAULT_RETRY_MS = 10_000;

export function userErrorForCreate(err: ProviderFailure): UserErrorData {
  const code = userErrorCodeFor(err.reason);
  if (code === 'RATE_LIMITED') {
    const wait = err.retryAfterMs ?? DEFAULT_RETRY_MS;
    return { code, message: `The provider is rate limiting requests; retry in ${Math.ceil(wait / 1000)} s`, field: null, retryAfterMs: wait };
  }
  if (code === 'UPSTREAM_REJECTED') {
    return { code, message: `The provider refused the request: ${err.providerMessage ?? err.summary}`, field: null };
  }
  const doubt = err.mayHaveReachedProvider
    ? ' The request may have reached the provider; retrying with the same idempotencyKey will not pay twice.'
    : '';
  return { code, message: `The provider could not be reached or failed (${err.summary}).${doubt}`, field: null };
}

/**
 * Retry timing for idempotent provider calls: exponential backoff with full jitter
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"), and `Retry-After` parsing.
 * Pure: no clocks or randomness of its own, so the client and tests inject both.
 */

export interface BackoffOptions {
  /** Ceiling of the first retry's delay; doubles with every further retry. */
  baseMs: number;
  /** No delay ever exceeds this. */
  maxMs: number;
  /** Uniform source in [0, 1); `Math.random` in production. */
  random: () => number;
}

/**
 * Delay before retry number `attempt` (1 for the first retry): a uniformly random value in
 * [0, min(maxMs, baseMs * 2^(attempt - 1))]. Full jitter spreads clients that failed together
 * (a provider blip hits every poller at once) instead of having them retry in lockstep.
 */
export function computeBackoff(attempt: number, { baseMs, maxMs, random }: BackoffOptions): number {
  const base = Math.max(0, baseMs);
  const max = Math.max(0, maxMs);
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2 ** 1024 is Infinity; Math.min caps it, so no overflow guard beyond that is needed.
  const ceiling = Math.min(max, base * 2 ** exponent);
  const r = random();
  // A misbehaving jitter source must not produce negative or runaway delays.
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 1;
  return Math.round(ceiling * unit);
}

/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.
 * Returns the wait in milliseconds (never negative), or null when the header is absent or not
 * understood. Callers cap the result: a provider asking for an hour must not stall a poller.
 */
export function parseRetryAfter(headerValue: string | null | undefined, now: number = Date.now()): number | null {
  if (headerValue === null || headerValue === undefined) return null;
  const value = headerValue.trim();
  if (value === '') return null;
  // The RFC says an integer; decimals are accepted since some servers send them.
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Date.parse would accept "5" or "-1" as years; only dates with letters get here.
  if (!/[a-z]/i.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

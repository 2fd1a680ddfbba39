/**
 * Redis key names. Generation ids contain ':' and '/', and client names and idempotency keys are
 * free text: every variable part is URI-encoded so no two different values share a key.
 */
export const DEFAULT_PREFIX = 'cinegraph';

export function redisKey(prefix: string | undefined, kind: string, ...parts: string[]): string {
  return [prefix ?? DEFAULT_PREFIX, kind, ...parts.map(encodeURIComponent)].join(':');
}

/**
 * Client authentication. Tokens are compared in constant time (on SHA-256 digests, so the
 * comparison does not leak the token's length either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientToken } from '../config.js';

/** The single client of a gateway that runs open (no GATEWAY_TOKENS). */
export const DEFAULT_CLIENT = 'default';

export type Authenticator = (credential: string | null | undefined) => string | null;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Accepts `Bearer <token>` or a bare token; answers the client name or null. */
export function createAuthenticator(tokens: ClientToken[] | null): Authenticator {
  if (tokens === null) return () => DEFAULT_CLIENT;
  const known = tokens.map((t) => ({ client: t.client, digest: digest(t.token) }));
  return (credential) => {
    if (typeof credential !== 'string') return null;
    const m = /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(credential);
    if (!m?.[1]) return null;
    const d = digest(m[1]);
    let found: string | null = null;
    // Compare against every token, without stopping early, so timing does not tell which matched.
    for (const k of known) if (timingSafeEqual(d, k.digest) && found === null) found = k.client;
    return found;
  };
}

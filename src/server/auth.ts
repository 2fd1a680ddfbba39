/**
 * Caller authentication: services present a GATEWAY_TOKENS token, end users a JSON Web Token
 * (jwt.ts); both may be accepted side by side. Static tokens are compared in constant time (on
 * SHA-256 digests, so the comparison does not leak the token's length either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientToken } from '../config.js';
import type { Principal } from '../domain/principal.js';
import { JwtRefused, looksLikeJwt, type JwtVerifier } from './jwt.js';

export type { Principal, PrincipalKind } from '../domain/principal.js';

/** The single client of a gateway that runs open (no GATEWAY_TOKENS, no JWT verification). */
export const DEFAULT_CLIENT = 'default';

/**
 * A credential (`Bearer <token>` or a bare token, as sent) in, the caller out; null when the
 * credential is missing or not accepted, never saying why.
 */
export type Authenticator = (credential: string | null | undefined) => Promise<Principal | null>;

/** Static tokens only, synchronously: the client name, or null. */
export type TokenMatcher = (credential: string | null | undefined) => string | null;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** The token of `Bearer <token>` or of a bare token; null for anything else. */
function tokenOf(credential: string | null | undefined): string | null {
  if (typeof credential !== 'string') return null;
  const m = /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(credential);
  return m?.[1] ?? null;
}

/** Accepts `Bearer <token>` or a bare token; answers the client name or null. */
export function createTokenMatcher(tokens: ClientToken[]): TokenMatcher {
  const known = tokens.map((t) => ({ client: t.client, digest: digest(t.token) }));
  return (credential) => {
    const token = tokenOf(credential);
    if (token === null) return null;
    const d = digest(token);
    let found: string | null = null;
    // Compare against every token, without stopping early, so timing does not tell which matched.
    for (const k of known) if (timingSafeEqual(d, k.digest) && found === null) found = k.client;
    return found;
  };
}

export interface AuthenticatorOptions {
  /** Verifies end users' JSON Web Tokens; none accepted when absent. @default null */
  jwt?: JwtVerifier | null;
  /** Told why a JWT was refused (for the operator's log; never sent to the caller). @default undefined */
  onRefused?: (reason: string) => void;
}

/**
 * With neither static tokens nor JWT verification the gateway runs open: every caller is the one
 * anonymous client. Otherwise a credential must be one of the tokens (a SERVICE) or a valid JWT
 * (a USER).
 */
export function createAuthenticator(tokens: ClientToken[] | null, options: AuthenticatorOptions = {}): Authenticator {
  const jwt = options.jwt ?? null;
  if (tokens === null && jwt === null) {
    const anonymous: Principal = { owner: DEFAULT_CLIENT, kind: 'ANONYMOUS', expiresAt: null };
    return async () => ({ ...anonymous });
  }
  const match = tokens ? createTokenMatcher(tokens) : null;
  return async (credential) => {
    const client = match?.(credential) ?? null;
    if (client !== null) return { owner: client, kind: 'SERVICE', expiresAt: null };
    const token = tokenOf(credential);
    if (jwt === null || token === null || !looksLikeJwt(token)) return null;
    try {
      return await jwt(token);
    } catch (err) {
      if (!(err instanceof JwtRefused)) throw err;
      options.onRefused?.(err.message);
      return null;
    }
  };
}

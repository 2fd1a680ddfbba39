/**
 * End-user JSON Web Tokens, verified with `jose` against one key source: a JWKS URL (jose's
 * remote JWK set), a PEM public key, or an HS256 secret.
 *
 * What a token must be: signed with an algorithm allowed for that key source (asymmetric ones
 * for a JWKS or a public key, matched to the key's own type; HS256 only for a secret; never
 * `none`), so a token cannot pick how it is checked (an HS256 token "signed" with a public key is
 * refused); `iss` and `aud` as configured; `exp` present and not past, `nbf` (when present) not in
 * the future, both with a small clock tolerance; the owner claim a short, non-empty string.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type FetchImplementation, type JWTVerifyGetKey } from 'jose';
import { ConfigError, type JwtConfig } from '../config.js';
import { userOwner, type Principal } from '../domain/principal.js';

/** Asymmetric algorithms by the type of key that verifies them. */
const ASYMMETRIC = {
  rsa: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'rsa-pss': ['PS256', 'PS384', 'PS512'],
  prime256v1: ['ES256'],
  secp384r1: ['ES384'],
  secp521r1: ['ES512'],
  ed25519: ['EdDSA', 'Ed25519'],
} as const;

/** What a JWKS may use: every asymmetric algorithm; jose matches each to keys of its own type. */
const JWKS_ALGORITHMS = [...new Set(Object.values(ASYMMETRIC).flat())];

/** Longer credentials are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;
/** Longest owner claim value accepted. */
export const MAX_SUBJECT_LENGTH = 256;
/** Text that is not well-formed Unicode cannot be encoded into an owner string. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface JwtVerifierOptions {
  config: JwtConfig;
  /**
   * The least time between two fetches of the JWKS (refetches for an unknown `kid` included,
   * failed fetches too).
   * @default 60_000 // 1 min
   */
  jwksCooldownMs?: number;
  /** How long one JWKS fetch may take. @default 5000 // 5 s */
  jwksTimeoutMs?: number;
  /** How long fetched keys are used before the JWKS is fetched again. @default 600_000 // 10 min */
  jwksMaxAgeMs?: number;
  /** Leeway for `exp` and `nbf`, for clocks that disagree a little. @default 30 // s */
  clockToleranceSeconds?: number;
  /** Called with each JWKS fetch's outcome (tests, logs). */
  onJwksFetch?: (info: { ok: boolean; status: number | null; error?: string }) => void;
}

/** A token that was not accepted; `reason` is for logs, never for the caller. */
export class JwtRefused extends Error {
  override readonly name = 'JwtRefused';
}

/** Verifies a compact JWT; resolves to the end user, rejects with JwtRefused. */
export type JwtVerifier = (token: string) => Promise<Principal>;

/** Whether a credential is shaped like a compact JWS (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && JWT_SHAPE.test(token);
}

function keyAlgorithms(key: KeyObject): readonly string[] {
  const type = key.asymmetricKeyType;
  const named = type === 'ec' ? key.asymmetricKeyDetails?.namedCurve : type;
  const algorithms = named ? (ASYMMETRIC as Record<string, readonly string[]>)[named] : undefined;
  if (!algorithms) throw new ConfigError(`JWT_PUBLIC_KEY is a ${named ?? 'key'} key; use an RSA, EC (P-256, P-384, P-521) or Ed25519 key`);
  return algorithms;
}

/**
 * A fetch for jose's remote JWK set that makes at most one attempt per cooldown, failed ones
 * included: jose's own cooldown counts only from a successful fetch, so a JWKS host that is down
 * would otherwise be asked again for every token with an unknown `kid`. Until a first fetch has
 * succeeded, attempts are spaced by at most 5 s, so an outage at start-up does not lock every
 * user out for a whole cooldown.
 */
function spacedFetch(cooldownMs: number, onFetch: JwtVerifierOptions['onJwksFetch']): FetchImplementation {
  let lastAttempt = -Infinity;
  let everFetched = false;
  return async (url, options) => {
    const spacing = everFetched ? cooldownMs : Math.min(cooldownMs, 5000);
    const now = Date.now();
    if (now - lastAttempt < spacing) throw new Error('JWKS fetched too recently to fetch again');
    lastAttempt = now;
    try {
      const res = await fetch(url, options);
      onFetch?.({ ok: res.status === 200, status: res.status });
      if (res.status === 200) everFetched = true;
      return res;
    } catch (err) {
      onFetch?.({ ok: false, status: null, error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  };
}

export function createJwtVerifier(opts: JwtVerifierOptions): JwtVerifier {
  const { config } = opts;
  let key: JWTVerifyGetKey | KeyObject | Uint8Array;
  let algorithms: readonly string[];
  if (config.jwksUrl !== null) {
    const cooldownMs = opts.jwksCooldownMs ?? 60_000;
    key = createRemoteJWKSet(new URL(config.jwksUrl), {
      timeoutDuration: opts.jwksTimeoutMs ?? 5000,
      cooldownDuration: cooldownMs,
      cacheMaxAge: opts.jwksMaxAgeMs ?? 600_000,
      [customFetch]: spacedFetch(cooldownMs, opts.onJwksFetch),
    });
    algorithms = JWKS_ALGORITHMS;
  } else if (config.publicKey !== null) {
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey({ key: config.publicKey, format: 'pem' });
    } catch (err) {
      throw new ConfigError(`JWT_PUBLIC_KEY cannot be read as a PEM public key (${err instanceof Error ? err.message : String(err)})`);
    }
    if (publicKey.type !== 'public') throw new ConfigError('JWT_PUBLIC_KEY must be a public key');
    key = publicKey;
    algorithms = keyAlgorithms(publicKey);
  } else if (config.secret !== null) {
    key = new TextEncoder().encode(config.secret);
    algorithms = ['HS256'];
  } else {
    throw new ConfigError('JWT verification needs JWT_JWKS_URL, JWT_PUBLIC_KEY or JWT_SECRET');
  }
  const verifyOptions = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms: [...algorithms],
    clockTolerance: opts.clockToleranceSeconds ?? 30,
    requiredClaims: ['exp', config.ownerClaim],
  };

  return async (token) => {
    if (!looksLikeJwt(token)) throw new JwtRefused('not a compact JWT');
    let payload;
    try {
      // The overloads differ only in the key's type; each branch above fixed one.
      ({ payload } = await jwtVerify(token, key as Uint8Array, verifyOptions));
    } catch (err) {
      throw new JwtRefused(err instanceof errors.JOSEError ? `${err.code}: ${err.message}` : 'unreadable token', { cause: err });
    }
    const subject = payload[config.ownerClaim];
    const name = typeof subject === 'number' && Number.isSafeInteger(subject) ? String(subject) : subject;
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_SUBJECT_LENGTH || LONE_SURROGATE.test(name)) {
      throw new JwtRefused(`the "${config.ownerClaim}" claim is not a usable name`);
    }
    // requiredClaims made `exp` present; jose checked it is a number in the future.
    return { owner: userOwner(config.issuer, name), kind: 'USER', expiresAt: (payload.exp as number) * 1000 };
  };
}

/**
 * An identity provider double for tests: key pairs made with `jose`, a JWKS served on a free
 * 127.0.0.1 port (its keys can be rotated and its fetches counted), and token signing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export const ISSUER = 'https://id.example.test/';
export const AUDIENCE = 'cinegraph-test';

export interface TestKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The public key as PEM (SPKI). */
  publicPem: string;
}

export async function makeKey(kid: string, alg = 'RS256'): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export interface SignOptions {
  sub?: string;
  iss?: string;
  aud?: string;
  /** Seconds from now; null leaves `exp` out. @default 600 */
  expiresIn?: number | null;
  /** Seconds from now for `nbf`. @default unset */
  notBefore?: number;
  claims?: JWTPayload;
}

export async function sign(key: TestKey, opts: SignOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...opts.claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setSubject(opts.sub ?? 'user-1')
    .setIssuedAt(now);
  const exp = opts.expiresIn === undefined ? 600 : opts.expiresIn;
  if (exp !== null) jwt.setExpirationTime(now + exp);
  if (opts.notBefore !== undefined) jwt.setNotBefore(now + opts.notBefore);
  return jwt.sign(key.privateKey);
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An unsecured token (`alg: none`), as an attacker would hand-craft it. */
export function unsecured(payload: JWTPayload, kid?: string): string {
  return `${b64({ alg: 'none', typ: 'JWT', ...(kid ? { kid } : {}) })}.${b64(payload)}.`;
}

/** The classic key-confusion forgery: HS256 with the verifier's public key as the HMAC secret. */
export async function hs256WithPublicKey(key: TestKey, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' }).sign(new TextEncoder().encode(key.publicPem));
}

export interface JwksServer {
  url: string;
  /** JWKS fetches served so far. */
  readonly fetches: number;
  /** Replaces the served keys. */
  setKeys(keys: TestKey[]): void;
  stop(): Promise<void>;
}

export async function startJwksServer(keys: TestKey[]): Promise<JwksServer> {
  let served = keys;
  let fetches = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: served.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    setKeys(next) {
      served = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The gateway environment for a JWKS. */
export function jwtEnv(jwksUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return { JWT_JWKS_URL: jwksUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, ...extra };
}

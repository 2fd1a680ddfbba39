/**
 * JWT verification with a PEM public key or an HS256 secret (the JWKS case runs end to end in
 * test/integration/jwt.test.ts), the authenticator answering services and users side by side,
 * and the JWT_* and SPEND_LIMIT_PER_DAY variables.
 */
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type JwtConfig } from '../../src/config.js';
import { createAuthenticator } from '../../src/server/auth.js';
import { createJwtVerifier, JwtRefused } from '../../src/server/jwt.js';
import { AUDIENCE, hs256WithPublicKey, ISSUER, makeKey, sign, unsecured } from '../utils/jwt.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const base: JwtConfig = { jwksUrl: null, publicKey: null, secret: null, issuer: ISSUER, audience: AUDIENCE, ownerClaim: 'sub' };

const refused = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(JwtRefused);

describe('a PEM public key', () => {
  it('accepts tokens of its own key type only, and names the user by issuer and subject', async () => {
    const key = await makeKey('ec', 'ES256');
    const verify = createJwtVerifier({ config: { ...base, publicKey: key.publicPem } });
    const principal = await verify(await sign(key, { sub: 'u/1:x' }));
    expect(principal).toMatchObject({ owner: `jwt:${encodeURIComponent(ISSUER)}:${encodeURIComponent('u/1:x')}`, kind: 'USER' });
    expect(principal.expiresAt).toBeGreaterThan(Date.now());

    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'm', exp: now + 60 };
    await refused(verify(await hs256WithPublicKey(key, claims)));
    await refused(verify(unsecured(claims)));
    // Another EC key, and an RSA key under the same kid: not this key.
    await refused(verify(await sign(await makeKey('ec', 'ES256'))));
    await refused(verify(await sign(await makeKey('ec', 'RS256'))));
  });

  it('an RSA key allows RS and PS algorithms', async () => {
    const { publicKey, privateKey } = await generateKeyPair('PS256', { extractable: true });
    const verify = createJwtVerifier({ config: { ...base, publicKey: await exportSPKI(publicKey) } });
    const token = await new SignJWT({ sub: 'p' }).setProtectedHeader({ alg: 'PS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1m').sign(privateKey);
    expect((await verify(token)).kind).toBe('USER');
  });

  it('a key that is not a public key stops start-up with one line', () => {
    expect(() => createJwtVerifier({ config: { ...base, publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' } })).toThrow(ConfigError);
  });
});

describe('an HS256 secret', () => {
  const secret = new TextEncoder().encode(SECRET);
  const hs = (claims: Record<string, unknown>, alg = 'HS256') =>
    new SignJWT(claims).setProtectedHeader({ alg }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(secret);

  it('accepts HS256 only, with the configured owner claim', async () => {
    const verify = createJwtVerifier({ config: { ...base, secret: SECRET, ownerClaim: 'email' } });
    expect((await verify(await hs({ email: 'a@example.test' }))).owner).toBe(`jwt:${encodeURIComponent(ISSUER)}:a%40example.test`);
    await refused(verify(await hs({ email: 'a@example.test' }, 'HS512')));
    await refused(verify(await hs({ sub: 'no-email-claim' })));
    await refused(verify(await hs({ email: '' })));
    await refused(verify(await hs({ email: 'x'.repeat(257) })));
    await refused(verify(await hs({ email: { nested: true } })));
  });

  it('allows a small clock skew, not more', async () => {
    const verify = createJwtVerifier({ config: { ...base, secret: SECRET } });
    const now = Math.floor(Date.now() / 1000);
    const at = (exp: number, nbf?: number) =>
      new SignJWT({ sub: 's', ...(nbf ? { nbf } : {}) }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(exp).sign(secret);
    expect((await verify(await at(now - 5))).kind).toBe('USER');
    expect((await verify(await at(now + 60, now + 5))).kind).toBe('USER');
    await refused(verify(await at(now - 120)));
    await refused(verify(await at(now + 600, now + 120)));
  });
});

describe('createAuthenticator with tokens and JWTs', () => {
  it('answers SERVICE for a token, USER for a JWT, null for anything else, and reports why only to the operator', async () => {
    const reasons: string[] = [];
    const auth = createAuthenticator([{ client: 'backend', token: 'service-token-0123456789' }], {
      jwt: createJwtVerifier({ config: { ...base, secret: SECRET } }),
      onRefused: (r) => reasons.push(r),
    });
    expect(await auth('Bearer service-token-0123456789')).toEqual({ owner: 'backend', kind: 'SERVICE', expiresAt: null });
    const token = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    expect((await auth(`Bearer ${token}`))?.kind).toBe('USER');
    expect(await auth('Bearer not-a-token')).toBeNull();
    expect(await auth(`Bearer ${token.slice(0, -2)}xx`)).toBeNull();
    expect(await auth(`Bearer ${'a'.repeat(9000)}.b.c`)).toBeNull();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/signature/i);
  });

  it('with JWTs alone, a caller without a token is refused (the gateway is not open)', async () => {
    const auth = createAuthenticator(null, { jwt: createJwtVerifier({ config: { ...base, secret: SECRET } }) });
    expect(await auth(undefined)).toBeNull();
    expect(await auth('Bearer whatever')).toBeNull();
  });
});

describe('configuration', () => {
  const jwks = { JWT_JWKS_URL: 'https://id.example.test/jwks.json', JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };

  it('is off by default, and on with one key source, issuer and audience', () => {
    expect(loadConfig({}).jwt).toBeNull();
    expect(loadConfig({}).spendLimitPerDay).toBeNull();
    expect(loadConfig(jwks).jwt).toEqual({ ...base, jwksUrl: jwks.JWT_JWKS_URL });
    expect(loadConfig({ ...jwks, JWT_OWNER_CLAIM: 'email', SPEND_LIMIT_PER_DAY: '2500000.5' })).toMatchObject({
      jwt: { ownerClaim: 'email' },
      spendLimitPerDay: 2_500_000.5,
    });
  });

  it.each([
    [{ ...jwks, JWT_ISSUER: '' }, /JWT_ISSUER is required/],
    [{ JWT_JWKS_URL: jwks.JWT_JWKS_URL, JWT_ISSUER: ISSUER }, /JWT_AUDIENCE is required/],
    [{ ...jwks, JWT_SECRET: SECRET }, /only one of/],
    [{ JWT_SECRET: 'short', JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }, /at least 32 bytes/],
    [{ JWT_PUBLIC_KEY: 'not a pem', JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }, /PEM public key/],
    [{ ...jwks, JWT_JWKS_URL: 'ftp://x' }, /JWT_JWKS_URL must use/],
    [{ JWT_ISSUER: ISSUER }, /no key to verify tokens with/],
    [{ ...jwks, JWT_OWNER_CLAIM: 'a b' }, /JWT_OWNER_CLAIM/],
    [{ SPEND_LIMIT_PER_DAY: '0' }, /SPEND_LIMIT_PER_DAY must be a positive number/],
    [{ SPEND_LIMIT_PER_DAY: 'lots' }, /SPEND_LIMIT_PER_DAY must be a positive number/],
  ])('refuses %o with one clear line', (env, message) => {
    expect(() => loadConfig(env as Record<string, string>)).toThrow(message);
  });
});

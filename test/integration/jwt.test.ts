/**
 * End users signing in with JSON Web Tokens, against a JWKS served on a free port with keys made
 * by `jose`: every transport accepts a valid token; every kind of bad token is refused the same
 * way (401 UNAUTHENTICATED, or close 4403) without saying why; a rotated key is picked up while
 * an unknown `kid` cannot make the gateway fetch the JWKS more than once per cooldown; users of
 * one issuer are as isolated as clients; a WebSocket is closed when its token expires, and a
 * graphql-ws client whose `connectionParams` is a function reconnects with a fresh one; an SSE
 * stream ends with UNAUTHENTICATED when its token expires.
 */
import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { collectSse, collectWs, GENERATE, READ, startGateway, UPDATES, waitFor, type TestGateway } from '../utils/gateway.js';
import { AUDIENCE, hs256WithPublicKey, ISSUER, jwtEnv, makeKey, sign, startJwksServer, unsecured, type JwksServer } from '../utils/jwt.js';

interface GenData {
  generateVideo: { generation: { id: string } | null; userErrors: { code: string }[] };
}

const VIEWER = '{ viewer { id kind } }';
const LIST = '{ videoGenerations { edges { node { id } } } }';
const SERVICE_TOKEN = 'service-token-0123456789abcdef';

let gw: TestGateway | null = null;
let jwks: JwksServer | null = null;
afterEach(async () => {
  await gw?.stop();
  await jwks?.stop();
  gw = null;
  jwks = null;
});

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

async function generate(g: TestGateway, token: string, prompt = 'a lighthouse at dusk'): Promise<string> {
  const { body } = await g.gql<GenData>(GENERATE, { input: { prompt } }, bearer(token));
  const id = body.data?.generateVideo.generation?.id;
  if (!id) throw new Error(`generate failed: ${JSON.stringify(body)}`);
  return id;
}

describe('a valid token', () => {
  it('works over HTTP, SSE and WebSocket, as a USER named by issuer and subject', async () => {
    const key = await makeKey('k1');
    jwks = await startJwksServer([key]);
    gw = await startGateway({ env: jwtEnv(jwks.url) });
    const token = await sign(key, { sub: 'alice@example.test' });

    const viewer = await gw.gql<{ viewer: { id: string; kind: string } }>(VIEWER, {}, bearer(token));
    expect(viewer.status).toBe(200);
    expect(viewer.body.data?.viewer).toEqual({
      id: `jwt:${encodeURIComponent(ISSUER)}:${encodeURIComponent('alice@example.test')}`,
      kind: 'USER',
    });

    const id = await generate(gw, token);
    const read = await gw.gql<{ videoGeneration: { id: string } | null }>(READ, { id }, bearer(token));
    expect(read.body.data?.videoGeneration?.id).toBe(id);

    const sse = await collectSse<{ videoGenerationUpdates: { status: string } }>(gw.url, UPDATES, { id }, bearer(token));
    expect(sse.status).toBe(200);
    expect(sse.results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');

    const ws = await collectWs<{ videoGenerationUpdates: { status: string } }>(gw.ws(bearer(token)), UPDATES, { id });
    expect(ws.errors).toEqual([]);
    expect(ws.results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
  });

  it('and a GATEWAY_TOKENS service work side by side, each kept apart from the other', async () => {
    const key = await makeKey('k1');
    jwks = await startJwksServer([key]);
    gw = await startGateway({ env: jwtEnv(jwks.url, { GATEWAY_TOKENS: `backend:${SERVICE_TOKEN}` }) });
    const user = await sign(key, { sub: 'backend' });

    const service = await gw.gql<{ viewer: { id: string; kind: string } }>(VIEWER, {}, bearer(SERVICE_TOKEN));
    expect(service.body.data?.viewer).toEqual({ id: 'backend', kind: 'SERVICE' });
    // A user whose subject is a client's name is still not that client.
    const id = await generate(gw, SERVICE_TOKEN);
    const byUser = await gw.gql<{ videoGeneration: unknown }>(READ, { id }, bearer(user));
    expect(byUser.body.data?.videoGeneration).toBeNull();
    const list = await gw.gql<{ videoGenerations: { edges: unknown[] } }>(LIST, {}, bearer(user));
    expect(list.body.data?.videoGenerations.edges).toEqual([]);
  });
});

describe('a bad token', () => {
  it('is refused over HTTP, SSE and WebSocket, in words that do not say what was wrong', async () => {
    const key = await makeKey('k1');
    const stranger = await makeKey('not-in-the-jwks');
    jwks = await startJwksServer([key]);
    gw = await startGateway({ env: jwtEnv(jwks.url) });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'mallory', iat: now, exp: now + 600 };
    const bad: Record<string, string> = {
      expired: await sign(key, { expiresIn: -300 }),
      'not yet valid': await sign(key, { notBefore: 300 }),
      'wrong issuer': await sign(key, { iss: 'https://evil.example.test/' }),
      'wrong audience': await sign(key, { aud: 'another-api' }),
      'without exp': await sign(key, { expiresIn: null }),
      'alg none': unsecured(claims, key.kid),
      'HS256 signed with the public key': await hs256WithPublicKey(key, claims),
      'an unknown kid': await sign(stranger),
      'a tampered payload': (await sign(key)).replace(/\.[^.]+\./, `.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.`),
    };
    // The answer to a missing credential is the answer to every bad one.
    const missing = await gw.gql(READ, { id: 'x' });
    expect(missing.status).toBe(401);
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const [what, token] of Object.entries(bad)) {
      const r = await gw.gql(READ, { id: 'x' }, bearer(token));
      expect(r.status, what).toBe(401);
      expect(r.body, what).toEqual(missing.body);
      expect(JSON.stringify(r.body), what).not.toMatch(/expire|issuer|audience|alg|kid|signature|claim/i);

      const sse = await collectSse(gw.url, UPDATES, { id: 'x' }, bearer(token));
      expect(sse.status, what).toBe(401);

      const ws = await collectWs(gw.ws(bearer(token)), UPDATES, { id: 'x' });
      expect((ws.errors[0] as { code?: number }).code, what).toBe(4403);
      expect(String((ws.errors[0] as { reason?: string }).reason ?? ''), what).not.toMatch(/expire|issuer|audience|alg|kid|signature|claim/i);
    }
  });
});

describe('key rotation', () => {
  it('picks up a new key, and fetches the JWKS for unknown kids at most once per cooldown', async () => {
    const old = await makeKey('2026-01');
    const next = await makeKey('2026-02', 'ES256');
    jwks = await startJwksServer([old]);
    const cooldownMs = 1500;
    gw = await startGateway({ env: jwtEnv(jwks.url), deps: { jwt: { jwksCooldownMs: cooldownMs } } });

    expect((await gw.gql(VIEWER, {}, bearer(await sign(old)))).status).toBe(200);
    expect(jwks.fetches).toBe(1);

    // A flood of tokens with kids the gateway does not know, all within one cooldown.
    const strangers = await Promise.all(['x1', 'x2', 'x3', 'x4', 'x5'].map(async (kid) => sign(await makeKey(kid))));
    const fetchesBefore = jwks.fetches;
    const started = Date.now();
    const answers = await Promise.all(strangers.map(async (t) => (await gw!.gql(VIEWER, {}, bearer(t))).status));
    expect(answers).toEqual([401, 401, 401, 401, 401]);
    expect(Date.now() - started).toBeLessThan(cooldownMs);
    expect(jwks.fetches - fetchesBefore).toBeLessThanOrEqual(1);

    // The identity provider rotates: the new key is published, the old one withdrawn later.
    jwks.setKeys([old, next]);
    const token = await sign(next);
    await waitFor(async () => (await gw!.gql(VIEWER, {}, bearer(token))).status === 200, cooldownMs * 4, 'the rotated key to be accepted');
    // Still within bounds: one fetch per cooldown at most over the whole test.
    expect(jwks.fetches).toBeLessThanOrEqual(2 + Math.ceil((Date.now() - started) / cooldownMs));
    expect((await gw.gql(VIEWER, {}, bearer(await sign(old)))).status).toBe(200);
  });
});

describe('isolation between users of one issuer', () => {
  it('one cannot see, watch or list the other’s generations', async () => {
    const key = await makeKey('k1');
    jwks = await startJwksServer([key]);
    gw = await startGateway({ env: jwtEnv(jwks.url) });
    const alice = await sign(key, { sub: 'alice' });
    const bob = await sign(key, { sub: 'bob' });
    const id = await generate(gw, alice);
    const unknown = 'does-not-exist:pixverse/v5/text-to-video';

    const bobRead = await gw.gql<{ videoGeneration: unknown }>(READ, { id }, bearer(bob));
    const bobUnknown = await gw.gql<{ videoGeneration: unknown }>(READ, { id: unknown }, bearer(bob));
    expect(bobRead.body.data?.videoGeneration).toBeNull();
    expect(bobRead.body).toEqual(bobUnknown.body);

    const msg = (e: unknown[], x: string): string => JSON.stringify(e).replaceAll(JSON.stringify(x).slice(1, -1), '<id>');
    const bobWatch = await collectWs(gw.ws(bearer(bob)), UPDATES, { id });
    const bobWatchUnknown = await collectWs(gw.ws(bearer(bob)), UPDATES, { id: unknown });
    expect(bobWatch.results).toEqual([]);
    expect(bobWatch.errors.length).toBeGreaterThan(0);
    expect(msg(bobWatch.errors, id)).toBe(msg(bobWatchUnknown.errors, unknown));
    const bobSse = await collectSse(gw.url, UPDATES, { id }, bearer(bob));
    expect(bobSse.results).toEqual([]);

    const bobList = await gw.gql<{ videoGenerations: { edges: unknown[] } }>(LIST, {}, bearer(bob));
    expect(bobList.body.data?.videoGenerations.edges).toEqual([]);
    const aliceList = await gw.gql<{ videoGenerations: { edges: { node: { id: string } }[] } }>(LIST, {}, bearer(alice));
    expect(aliceList.body.data?.videoGenerations.edges.map((e) => e.node.id)).toEqual([id]);
  });
});

describe('token expiry on a WebSocket', () => {
  it('closes the socket with 4403 when the token expires; a client re-reading connectionParams reconnects', async () => {
    const key = await makeKey('k1');
    jwks = await startJwksServer([key]);
    // Generations that take long enough to outlive the first token.
    gw = await startGateway({ env: jwtEnv(jwks.url), sim: { generateMs: 6000 } });
    const long = await sign(key, { sub: 'carol' });
    const id = await generate(gw, long);

    // Just past its expiry, inside the clock tolerance: fine for one HTTP request, but a socket
    // is refused at once rather than opened and closed.
    const lapsed = await sign(key, { sub: 'carol', expiresIn: -5 });
    expect((await gw.gql(READ, { id }, bearer(lapsed))).status).toBe(200);
    const refused = await collectWs(gw.ws(bearer(lapsed)), UPDATES, { id });
    expect(refused.results).toEqual([]);
    expect((refused.errors[0] as { code?: number }).code).toBe(4403);

    // A client that is not retried sees the close itself.
    const short = await sign(key, { sub: 'carol', expiresIn: 2 });
    const t0 = Date.now();
    const once = await collectWs(gw.ws(bearer(short)), UPDATES, { id });
    expect((once.errors.at(-1) as { code?: number }).code).toBe(4403);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(once.results.length).toBeGreaterThan(0);

    // A client whose connectionParams is a function gets a fresh token on reconnect and
    // follows the generation to its end.
    const tokens = [await sign(key, { sub: 'carol', expiresIn: 2 }), long];
    const closes: number[] = [];
    let connects = 0;
    const client = createClient({
      url: `${gw.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 3,
      retryWait: async () => undefined,
      connectionParams: async () => ({ authorization: `Bearer ${tokens[Math.min(connects++, tokens.length - 1)]}` }),
      on: { closed: (e) => void closes.push((e as { code: number }).code) },
    });
    try {
      const statuses = await new Promise<string[]>((resolve, reject) => {
        const seen: string[] = [];
        client.subscribe<{ videoGenerationUpdates: { status: string } }>(
          { query: UPDATES, variables: { id } },
          { next: (v) => void seen.push(v.data?.videoGenerationUpdates.status ?? '?'), error: reject, complete: () => resolve(seen) },
        );
      });
      expect(statuses.at(-1)).toBe('COMPLETED');
      expect(closes[0]).toBe(4403);
      expect(connects).toBe(2);
    } finally {
      await client.dispose();
    }
  });
});

describe('token expiry on SSE', () => {
  it('ends the stream with UNAUTHENTICATED when the token expires; a new token subscribes again', async () => {
    const key = await makeKey('k1');
    jwks = await startJwksServer([key]);
    gw = await startGateway({ env: jwtEnv(jwks.url), sim: { generateMs: 60_000 } });
    const long = await sign(key, { sub: 'dora' });
    const id = await generate(gw, long);

    const short = await sign(key, { sub: 'dora', expiresIn: 2 });
    const t0 = Date.now();
    const cut = await collectSse<{ videoGenerationUpdates: { status: string } }>(gw.url, UPDATES, { id }, bearer(short), AbortSignal.timeout(10_000));
    const took = Date.now() - t0;
    expect(cut.status).toBe(200);
    expect(cut.results.length).toBeGreaterThan(0);
    expect(cut.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/token has expired/), extensions: { code: 'UNAUTHENTICATED' } })]);
    expect(took).toBeGreaterThan(1000);
    expect(took).toBeLessThan(8000);

    // The generation goes on; a stream with a long-lived token follows it, and is not cut.
    const controller = new AbortController();
    let ended = false;
    const again = collectSse(gw.url, UPDATES, { id }, bearer(long), controller.signal).then(
      () => (ended = true),
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 3000));
    expect(ended).toBe(false);
    controller.abort();
    await again;
    expect((await gw.gql<{ videoGeneration: { status: string } }>(READ, { id }, bearer(long))).body.data?.videoGeneration.status).toMatch(/QUEUED|GENERATING/);
  });
});

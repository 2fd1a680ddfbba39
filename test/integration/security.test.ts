import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { collectSse, collectWs, GENERATE, READ, startGateway, UPDATES, type TestGateway } from '../utils/gateway.js';
import { startRedis, skipRedisTests } from '../utils/redis.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdefgh';
const TOKENS = `alice:${ALICE},bob:${BOB}`;
const asAlice = { authorization: `Bearer ${ALICE}` };
const asBob = { authorization: `Bearer ${BOB}` };

interface GenData {
  generateVideo: { generation: { id: string } | null; userErrors: { code: string; message: string; retryAfterSeconds: number | null }[] };
}

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

describe('client authentication', () => {
  it('refuses HTTP and SSE without a valid token with 401 UNAUTHENTICATED', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS } });
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0000000000000' }, { authorization: 'Basic abc' }];
    for (const headers of attempts) {
      const r = await gw.gql(READ, { id: 'x' }, headers);
      expect(r.status).toBe(401);
      expect(r.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(r.body)).not.toContain(ALICE);
    }
    const sse = await collectSse(gw.url, UPDATES, { id: 'x' });
    expect(sse.status).toBe(401);
    const ok = await gw.gql(READ, { id: 'x' }, asAlice);
    expect(ok.status).toBe(200);
  });

  it('closes a WebSocket without a valid token with 4403, and accepts connectionParams.authorization', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS } });
    const bad = await collectWs(gw.ws({ authorization: 'Bearer nope-nope-nope-nope' }), UPDATES, { id: 'x' });
    expect((bad.errors[0] as { code?: number }).code).toBe(4403);
    const none = await collectWs(gw.ws(), UPDATES, { id: 'x' });
    expect((none.errors[0] as { code?: number }).code).toBe(4403);

    const { body } = await gw.gql<GenData>(GENERATE, { input: { prompt: 'a comet' } }, asAlice);
    const id = body.data!.generateVideo.generation!.id;
    const good = await collectWs<{ videoGenerationUpdates: { status: string } }>(gw.ws({ authorization: `Bearer ${ALICE}` }), UPDATES, { id });
    expect(good.results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
  });

  it('closes a socket that never sends connection_init', async () => {
    gw = await startGateway({ env: { CONNECTION_INIT_TIMEOUT_MS: '200' } });
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  });
});

describe('isolation', () => {
  it("treats another client's generation exactly like an unknown id", async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS } });
    const { body } = await gw.gql<GenData>(GENERATE, { input: { prompt: 'a secret garden' } }, asAlice);
    const id = body.data!.generateVideo.generation!.id;

    const bobRead = await gw.gql<{ videoGeneration: unknown }>(READ, { id }, asBob);
    const bobUnknown = await gw.gql<{ videoGeneration: unknown }>(READ, { id: 'does-not-exist:pixverse/v5/text-to-video' }, asBob);
    expect(bobRead.body).toEqual(bobUnknown.body);
    expect(bobRead.body.data?.videoGeneration).toBeNull();

    const bobWatch = await collectWs(gw.ws({ authorization: `Bearer ${BOB}` }), UPDATES, { id });
    const bobWatchUnknown = await collectWs(gw.ws({ authorization: `Bearer ${BOB}` }), UPDATES, { id: 'does-not-exist:pixverse/v5/text-to-video' });
    expect(bobWatch.results).toEqual([]);
    const msg = (e: unknown[], id: string) => JSON.stringify(e).replaceAll(JSON.stringify(id).slice(1, -1), '<id>');
    expect(bobWatch.errors.length).toBeGreaterThan(0);
    expect(msg(bobWatch.errors, id)).toBe(msg(bobWatchUnknown.errors, 'does-not-exist:pixverse/v5/text-to-video'));

    const list = await gw.gql<{ videoGenerations: { edges: unknown[] } }>('{ videoGenerations { edges { cursor } } }', {}, asBob);
    expect(list.body.data?.videoGenerations.edges).toEqual([]);
    const aliceList = await gw.gql<{ videoGenerations: { edges: unknown[] } }>('{ videoGenerations { edges { cursor } } }', {}, asAlice);
    expect(aliceList.body.data?.videoGenerations.edges).toHaveLength(1);

    // Alice still sees it.
    const aliceRead = await gw.gql<{ videoGeneration: { id: string } }>(READ, { id }, asAlice);
    expect(aliceRead.body.data?.videoGeneration.id).toBe(id);
  });
});

describe('budgets', () => {
  it('limits active generations per client with RATE_LIMITED and a wait', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS, MAX_ACTIVE_GENERATIONS: '2' }, sim: { queueMs: 5000, generateMs: 5000 } });
    for (let i = 0; i < 2; i++) {
      const r = await gw.gql<GenData>(GENERATE, { input: { prompt: `p${i}` } }, asAlice);
      expect(r.body.data?.generateVideo.userErrors).toEqual([]);
    }
    const third = await gw.gql<GenData>(GENERATE, { input: { prompt: 'p3' } }, asAlice);
    expect(third.body.data?.generateVideo.userErrors[0]?.code).toBe('RATE_LIMITED');
    expect(third.body.data?.generateVideo.userErrors[0]?.retryAfterSeconds).toBeGreaterThan(0);
    // Bob has his own budget.
    const bob = await gw.gql<GenData>(GENERATE, { input: { prompt: 'b1' } }, asBob);
    expect(bob.body.data?.generateVideo.userErrors).toEqual([]);
    expect(gw.sim.stats.generations).toBe(3);
  });

  it('limits creates per minute per client', async () => {
    gw = await startGateway({ env: { GENERATE_RATE_PER_MINUTE: '3' } });
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await gw.gql<GenData>(GENERATE, { input: { prompt: `r${i}` } });
      codes.push(r.body.data?.generateVideo.userErrors[0]?.code ?? 'OK');
    }
    expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});

describe('limits', () => {
  it('refuses deep, alias-heavy and oversized documents with GraphQL errors, never a 5xx', async () => {
    gw = await startGateway({ env: { MAX_QUERY_DEPTH: '4', MAX_ALIASES: '3' } });
    const deep = await gw.gql('{ videoGenerations { edges { node { transitions { status } } } } }');
    expect(deep.status).toBeLessThan(500);
    expect(deep.body.errors?.[0]?.message).toMatch(/depth/i);
    const aliases = await gw.gql('{ a: videoGeneration(id: "1") { id } b: videoGeneration(id: "2") { id } c: videoGeneration(id: "3") { id } d: videoGeneration(id: "4") { id } }');
    expect(aliases.body.errors?.[0]?.message).toMatch(/alias/i);
    const big = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: GENERATE, variables: { input: { prompt: 'x'.repeat(1024 * 1024) } } }),
    });
    expect(big.status).toBe(413);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it('caps subscriptions per WebSocket connection without closing the others', async () => {
    gw = await startGateway({ env: { MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' }, sim: { queueMs: 3000, generateMs: 3000 } });
    const { body } = await gw.gql<GenData>(GENERATE, { input: { prompt: 'a long wait' } });
    const id = body.data!.generateVideo.generation!.id;
    const client = gw.ws();
    const nexts: number[] = [0, 0, 0];
    const errors: unknown[][] = [[], [], []];
    for (let i = 0; i < 3; i++) {
      client.subscribe({ query: UPDATES, variables: { id } }, { next: () => nexts[i]!++, error: (e) => errors[i]!.push(e), complete: () => undefined });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(nexts.slice(0, 2)).toEqual([1, 1]);
    expect(nexts[2]).toBe(0);
    expect(JSON.stringify(errors[2])).toMatch(/At most 2/);
  });

  it('refuses cross-site simple POSTs (CSRF) but serves JSON POSTs and GET queries', async () => {
    gw = await startGateway();
    const form = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=mutation{generateVideo(input:{prompt:"x"}){userErrors{code}}}',
    });
    expect(form.status).toBe(403);
    const text = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{__typename}"}' });
    expect(text.status).toBe(403);
    const get = await fetch(`${gw.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json' } });
    expect(get.status).toBe(200);
    const mutationOverGet = await fetch(`${gw.url}/graphql?query=${encodeURIComponent('mutation { generateVideo(input: {prompt: "x"}) { userErrors { code } } }')}`, {
      headers: { accept: 'application/json' },
    });
    expect(mutationOverGet.status).toBe(405);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it('allows only configured CORS origins', async () => {
    gw = await startGateway({ env: { CORS_ORIGINS: 'https://app.example' } });
    const allowed = await fetch(`${gw.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${gw.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  it('can switch introspection off', async () => {
    gw = await startGateway({ env: { INTROSPECTION: 'false' } });
    const r = await gw.gql('{ __schema { queryType { name } } }');
    expect(r.body.errors?.[0]?.message).toMatch(/introspection/i);
    const on = await startGateway();
    try {
      const ok = await on.gql<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }');
      expect(ok.body.data?.__schema.queryType.name).toBe('Query');
    } finally {
      await on.stop();
    }
  });
});

describe('foreign-id lookups in cluster mode', () => {
  const bomb = (n: number): string =>
    `{ ${Array.from({ length: n }, (_, i) => `a${i}: videoGeneration(id: "${crypto.randomUUID()}:pixverse/v5/text-to-video") { id }`).join(' ')} }`;

  it('draws every instance from one budget per client, kept in Redis', async () => {
    if (skipRedisTests('the shared budget of foreign-id lookups')) return;
    const redis = await startRedis();
    const env = { REDIS_URL: redis.url, GATEWAY_TOKENS: TOKENS, FOREIGN_LOOKUPS_PER_MINUTE: '10', ARCHIVE_VIDEOS: 'false' };
    const a = await startGateway({ env });
    const b = await startGateway({ env, simulator: a.sim });
    try {
      a.sim.stats.reset();
      // 40 random ids, half on each instance: the provider is asked about 10 of them.
      for (const g of [a, b, a, b]) {
        const r = await g.gql<Record<string, null>>(bomb(10), {}, asBob);
        expect(r.body.errors).toBeUndefined();
        expect(Object.values(r.body.data ?? {}).every((v) => v === null)).toBe(true);
      }
      expect(a.sim.stats.reads).toBe(10);
      // Alice's budget is her own, on either instance.
      await b.gql(bomb(3), {}, asAlice);
      expect(a.sim.stats.reads).toBe(13);
    } finally {
      await b.stop();
      await a.stop();
      await redis.stop();
    }
  });
});

/**
 * Budgets per owner (a user, a service): active generations, creates per minute, subscriptions
 * and spend in provider credits over a rolling 24 h (SPEND_LIMIT_PER_DAY). What a generation
 * cost (`usage`) and what the caller spent (`viewer`) match the simulator's own figures
 * (`creditsFor`), after a restart on the same DATA_DIR and across a cluster on Redis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { creditsFor, SIM_MODELS, startSimulator, type Model } from '../../src/simulator/index.js';
import { collectWs, GENERATE, startGateway, tempDir, UPDATES, waitFor, type TestGateway } from '../utils/gateway.js';
import { jwtEnv, makeKey, sign, startJwksServer, type JwksServer, type TestKey } from '../utils/jwt.js';
import { skipRedisTests, startRedis, type RedisServer } from '../utils/redis.js';

interface Payload {
  generateVideo: {
    generation: { id: string; status: string } | null;
    userErrors: { code: string; message: string; retryAfterSeconds: number | null }[];
  };
}
interface ViewerData {
  viewer: {
    id: string;
    kind: string;
    activeGenerations: number;
    spentLast24h: number;
    limits: { maxActiveGenerations: number; generatesPerMinute: number; spendPerDay: number | null };
  };
}

const VIEWER = '{ viewer { id kind activeGenerations spentLast24h limits { maxActiveGenerations generatesPerMinute spendPerDay } } }';
const USAGE = 'query Usage($id: ID!) { videoGeneration(id: $id) { id status resolution duration usage { credits tokens usd } } }';

let key: TestKey;
let jwks: JwksServer;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  key = await makeKey('k1');
  jwks = await startJwksServer([key]);
});
afterAll(async () => {
  await jwks.stop();
});
afterEach(async () => {
  for (const g of gateways.splice(0).reverse()) await g.stop();
});

async function start(env: Record<string, string>, more: Parameters<typeof startGateway>[0] = {}): Promise<TestGateway> {
  const g = await startGateway({ ...more, env: { ...jwtEnv(jwks.url), ...env } });
  gateways.push(g);
  return g;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

async function generate(g: TestGateway, token: string, input: Record<string, unknown> = {}): Promise<Payload['generateVideo']> {
  const { body } = await g.gql<Payload>(GENERATE, { input: { prompt: 'a red kite over a hill', ...input } }, bearer(token));
  if (!body.data) throw new Error(JSON.stringify(body));
  return body.data.generateVideo;
}

async function viewer(g: TestGateway, token: string): Promise<ViewerData['viewer']> {
  const { body } = await g.gql<ViewerData>(VIEWER, {}, bearer(token));
  if (!body.data) throw new Error(JSON.stringify(body));
  return body.data.viewer;
}

describe('per-owner budgets', () => {
  it('a user at their active-generation and per-minute limits does not stop another user', async () => {
    const g = await start({ MAX_ACTIVE_GENERATIONS: '1', GENERATE_RATE_PER_MINUTE: '2' }, { sim: { generateMs: 5000 } });
    const alice = await sign(key, { sub: 'alice' });
    const bob = await sign(key, { sub: 'bob' });

    expect((await generate(g, alice)).userErrors).toEqual([]);
    const busy = await generate(g, alice);
    expect(busy.userErrors.map((e) => e.code)).toEqual(['RATE_LIMITED']);
    expect(busy.userErrors[0]?.message).toMatch(/at once/);
    expect((await generate(g, bob)).userErrors).toEqual([]);

    const v = await viewer(g, alice);
    expect(v).toMatchObject({ kind: 'USER', activeGenerations: 1, limits: { maxActiveGenerations: 1, generatesPerMinute: 2, spendPerDay: null } });
    expect((await viewer(g, bob)).activeGenerations).toBe(1);
  });

  it('a user at their creates-per-minute limit does not stop another user', async () => {
    const g = await start({ GENERATE_RATE_PER_MINUTE: '1' });
    const alice = await sign(key, { sub: 'alice' });
    const bob = await sign(key, { sub: 'bob' });
    expect((await generate(g, alice)).userErrors).toEqual([]);
    const again = await generate(g, alice);
    expect(again.userErrors.map((e) => e.code)).toEqual(['RATE_LIMITED']);
    expect(again.userErrors[0]?.message).toMatch(/this minute/);
    expect((await generate(g, bob)).userErrors).toEqual([]);
    expect(g.sim.createBodies()).toHaveLength(2);
  });

  it('a user at their subscription cap does not stop another user', async () => {
    const g = await start({ MAX_SUBSCRIPTIONS_PER_CLIENT: '1' }, { sim: { generateMs: 4000 } });
    const alice = await sign(key, { sub: 'alice' });
    const bob = await sign(key, { sub: 'bob' });
    const a = (await generate(g, alice)).generation!.id;
    const b = (await generate(g, bob)).generation!.id;

    const aliceWs = g.ws(bearer(alice));
    const first = collectWs(aliceWs, UPDATES, { id: a });
    await waitFor(() => g.app.streams.active === 1, 5000, 'the first subscription');
    const second = await collectWs(g.ws(bearer(alice)), UPDATES, { id: a });
    expect(JSON.stringify(second.errors)).toMatch(/RATE_LIMITED/);
    const bobs = await collectWs<{ videoGenerationUpdates: { status: string } }>(g.ws(bearer(bob)), UPDATES, { id: b });
    expect(bobs.errors).toEqual([]);
    expect(bobs.results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
    expect((await first).errors).toEqual([]);
  });
});

describe('SPEND_LIMIT_PER_DAY', () => {
  it('answers BUDGET_EXCEEDED when a day’s spend would pass the limit, before anything reaches the provider', async () => {
    const p720 = creditsFor('720p', 5);
    const p360 = creditsFor('360p', 5);
    // Room for one 720p and two 360p videos: after one of each, a second 720p one would pass
    // the limit where a second 360p one does not.
    const limit = p720 + 2 * p360 + (p720 - p360) / 2;
    const g = await start({ SPEND_LIMIT_PER_DAY: String(limit) });
    const alice = await sign(key, { sub: 'alice' });
    const bob = await sign(key, { sub: 'bob' });

    expect((await generate(g, alice, { resolution: 'P720' })).userErrors).toEqual([]);
    expect((await generate(g, alice, { resolution: 'P360' })).userErrors).toEqual([]);
    expect(g.sim.createBodies()).toHaveLength(2);

    const refused = await generate(g, alice, { resolution: 'P720' });
    expect(refused.generation).toBeNull();
    expect(refused.userErrors).toHaveLength(1);
    expect(refused.userErrors[0]?.code).toBe('BUDGET_EXCEEDED');
    // The oldest generation leaves the rolling window in about 24 h.
    expect(refused.userErrors[0]?.retryAfterSeconds).toBeGreaterThan(86_400 - 120);
    expect(refused.userErrors[0]?.retryAfterSeconds).toBeLessThanOrEqual(86_400);
    expect(g.sim.createBodies()).toHaveLength(2);

    // A smaller video that still fits is allowed; then nothing fits.
    const small = await generate(g, alice, { resolution: 'P360' });
    expect(small.userErrors).toEqual([]);
    expect((await generate(g, alice, { resolution: 'P360' })).userErrors[0]?.code).toBe('BUDGET_EXCEEDED');
    expect(g.sim.createBodies()).toHaveLength(3);

    // Another user's budget is their own.
    expect((await generate(g, bob, { resolution: 'P720' })).userErrors).toEqual([]);
    expect(g.sim.createBodies()).toHaveLength(4);

    const v = await viewer(g, alice);
    expect(v.spentLast24h).toBe(p720 + 2 * p360);
    expect(v.limits.spendPerDay).toBe(limit);
  });

  it('refuses a video that costs more than the whole limit without a retry time', async () => {
    const g = await start({ SPEND_LIMIT_PER_DAY: String(creditsFor('720p', 5)) });
    const alice = await sign(key, { sub: 'alice' });
    expect((await generate(g, alice, { resolution: 'P540' })).userErrors).toEqual([]);
    // The 540p figure teaches the gateway what 1080p is expected to cost: far above the limit.
    const dear = await generate(g, alice, { resolution: 'P1080' });
    expect(dear.userErrors.map((e) => [e.code, e.retryAfterSeconds])).toEqual([['BUDGET_EXCEEDED', null]]);
    expect(g.sim.createBodies()).toHaveLength(1);
  });

  it('lets exactly as many racing creates through as fit', async () => {
    const p = creditsFor('720p', 5);
    const g = await start({ SPEND_LIMIT_PER_DAY: String(p * 3) });
    const alice = await sign(key, { sub: 'alice' });
    // One create teaches the expected cost; then six race for the two places left.
    expect((await generate(g, alice)).userErrors).toEqual([]);
    const results = await Promise.all(Array.from({ length: 6 }, () => generate(g, alice)));
    expect(results.filter((r) => r.generation !== null)).toHaveLength(2);
    expect(results.filter((r) => r.userErrors[0]?.code === 'BUDGET_EXCEEDED')).toHaveLength(4);
    expect(g.sim.createBodies()).toHaveLength(3);
    expect((await viewer(g, alice)).spentLast24h).toBe(3 * p);
  });

  it('counts services by their client name, and the budget of a service is its own too', async () => {
    const token = 'service-token-0123456789abcdef';
    const g = await start({ SPEND_LIMIT_PER_DAY: String(creditsFor('360p', 5)), GATEWAY_TOKENS: `backend:${token}` });
    expect((await generate(g, token, { resolution: 'P360' })).userErrors).toEqual([]);
    expect((await generate(g, token, { resolution: 'P360' })).userErrors[0]?.code).toBe('BUDGET_EXCEEDED');
    const user = await sign(key, { sub: 'backend' });
    expect((await generate(g, user, { resolution: 'P360' })).userErrors).toEqual([]);
    expect(await viewer(g, token)).toMatchObject({ id: 'backend', kind: 'SERVICE', spentLast24h: creditsFor('360p', 5) });

    // The metric sums the same credits by kind of owner.
    const scrape = await (await fetch(`${g.url}/metrics`)).text();
    const metric = (kind: string): number => Number(new RegExp(`^cinegraph_credits_spent_total\\{owner_kind="${kind}"\\} (\\S+)$`, 'm').exec(scrape)?.[1]);
    expect(metric('SERVICE')).toBe(creditsFor('360p', 5));
    expect(metric('USER')).toBe(creditsFor('360p', 5));
  });

  it('on an open gateway, the one caller is ANONYMOUS and has its own budget', async () => {
    const g = await startGateway({ env: { SPEND_LIMIT_PER_DAY: String(creditsFor('360p', 5)) } });
    gateways.push(g);
    const { body } = await g.gql<ViewerData>(VIEWER);
    expect(body.data?.viewer).toMatchObject({ id: 'default', kind: 'ANONYMOUS', spentLast24h: 0 });
    expect((await g.gql<Payload>(GENERATE, { input: { prompt: 'x', resolution: 'P360' } })).body.data?.generateVideo.userErrors).toEqual([]);
    const second = await g.gql<Payload>(GENERATE, { input: { prompt: 'y', resolution: 'P360' } });
    expect(second.body.data?.generateVideo.userErrors[0]?.code).toBe('BUDGET_EXCEEDED');
    const scrape = await (await fetch(`${g.url}/metrics`)).text();
    expect(scrape).toContain(`cinegraph_credits_spent_total{owner_kind="ANONYMOUS"} ${creditsFor('360p', 5)}`);
  });
});

describe('usage and viewer against the simulator’s figures', () => {
  type Made = { id: string; resolution: '360p' | '540p' | '720p' | '1080p'; duration: 5 | 8; model?: Model };
  async function checkUsage(g: TestGateway, token: string, ids: Made[]): Promise<void> {
    for (const { id, resolution, duration, model } of ids) {
      const { body } = await g.gql<{ videoGeneration: { usage: { credits: number; tokens: number | null; usd: number | null } | null } }>(USAGE, { id }, bearer(token));
      expect(body.data?.videoGeneration?.usage).toEqual({ credits: creditsFor(resolution, duration, model), tokens: null, usd: null });
    }
  }

  it('holds over a restart on the same DATA_DIR, and the limit still applies', async () => {
    const dataDir = tempDir();
    const sim = await startSimulator({ queueMs: 60, generateMs: 200 });
    try {
      const alice = await sign(key, { sub: 'alice' });
      const i2v = SIM_MODELS.imageToVideo;
      const limit = creditsFor('720p', 8) + creditsFor('540p', 5, i2v);
      let g = await start({ SPEND_LIMIT_PER_DAY: String(limit) }, { simulator: sim, dataDir });
      const made = [
        { id: (await generate(g, alice, { resolution: 'P720', duration: 8 })).generation!.id, resolution: '720p' as const, duration: 8 as const },
        {
          id: (await generate(g, alice, { resolution: 'P540', firstFrame: { url: 'https://images.example.test/first.png' } })).generation!.id,
          resolution: '540p' as const,
          duration: 5 as const,
          model: i2v,
        },
      ];
      for (const m of made) await collectWs(g.ws(bearer(alice)), UPDATES, { id: m.id });
      await checkUsage(g, alice, made);
      expect((await viewer(g, alice)).spentLast24h).toBe(limit);
      await gateways.pop()!.stop();

      g = await start({ SPEND_LIMIT_PER_DAY: String(limit) }, { simulator: sim, dataDir });
      await checkUsage(g, alice, made);
      expect(await viewer(g, alice)).toMatchObject({ spentLast24h: limit, activeGenerations: 0 });
      const after = await generate(g, alice, { resolution: 'P360' });
      expect(after.userErrors[0]?.code).toBe('BUDGET_EXCEEDED');
      expect(sim.createBodies()).toHaveLength(2);
    } finally {
      for (const g of gateways.splice(0)) await g.stop();
      await sim.stop();
    }
  });

  const noRedis = skipRedisTests('the cluster-mode spend tests');
  let redis: RedisServer | null = null;
  afterAll(async () => {
    await redis?.stop();
  });

  it.skipIf(noRedis)('is the same on every instance of a cluster, and the limit holds across them', async () => {
    redis = await startRedis();
    const sim = await startSimulator({ queueMs: 60, generateMs: 200 });
    try {
      const alice = await sign(key, { sub: 'alice' });
      const limit = creditsFor('1080p', 5) + creditsFor('360p', 8);
      const env = { REDIS_URL: redis.url, SPEND_LIMIT_PER_DAY: String(limit), ARCHIVE_VIDEOS: 'false' };
      const a = await start(env, { simulator: sim });
      const b = await start(env, { simulator: sim });
      const made = [
        { id: (await generate(a, alice, { resolution: 'P1080' })).generation!.id, resolution: '1080p' as const, duration: 5 as const },
        { id: (await generate(b, alice, { resolution: 'P360', duration: 8 })).generation!.id, resolution: '360p' as const, duration: 8 as const },
      ];
      for (const g of [a, b]) {
        await checkUsage(g, alice, made);
        expect((await viewer(g, alice)).spentLast24h).toBe(limit);
      }
      expect((await generate(b, alice, { resolution: 'P360' })).userErrors[0]?.code).toBe('BUDGET_EXCEEDED');
      expect((await generate(a, alice, { resolution: 'P360' })).userErrors[0]?.code).toBe('BUDGET_EXCEEDED');
      expect(sim.createBodies()).toHaveLength(2);
    } finally {
      for (const g of gateways.splice(0)) await g.stop();
      await sim.stop();
    }
  });
});

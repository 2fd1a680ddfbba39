/**
 * Spend: `GenerationStore.spendSince` in every store (memory, SQLite, SQLite behind the cache,
 * Redis), what each generation counts (CostEstimator) and the SPEND_LIMIT_PER_DAY check
 * (SpendLedger): generations not yet reported count at their expected cost, failed ones count
 * nothing, creates in flight are reserved.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostEstimator, type SpendRecord } from '../../src/domain/cost.js';
import type { Generation, Usage } from '../../src/domain/generation.js';
import type { GenerationStore } from '../../src/domain/ports.js';
import { SPEND_WINDOW_MS, SpendLedger } from '../../src/generations/spend.js';
import { CachedStore } from '../../src/stores/cached.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import { openSqliteStore } from '../../src/stores/sqlite/index.js';
import { generationFixture, T0 } from '../utils/generation-fixture.js';
import { skipRedisTests, startRedis, type RedisServer } from '../utils/redis.js';

const usage = (creditsUsed: number | null): Usage => ({ creditsUsed, tokensUsed: null, usdSpent: null });

const withRedis = !skipRedisTests('the RedisStore cases of the spend tests');
let redisServer: RedisServer | null = null;
let redis: Redis | null = null;
beforeAll(async () => {
  if (!withRedis) return;
  const url = process.env.REDIS_URL ?? (redisServer = await startRedis()).url;
  redis = new Redis(url, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis?.quit();
  await redisServer?.stop();
});

const stores: { name: string; open: (dir: string) => Promise<GenerationStore> }[] = [
  { name: 'memory', open: async () => new MemoryStore() },
  { name: 'sqlite', open: (dir) => openSqliteStore(dir) },
  { name: 'cached sqlite', open: async (dir) => new CachedStore(await openSqliteStore(dir), 2) },
  ...(withRedis ? [{ name: 'redis', open: async () => new RedisStore({ redis: redis!, prefix: `spend-${randomUUID()}` }) }] : []),
];

describe.each(stores)('spendSince: $name', ({ open }) => {
  it("answers an owner's generations created since a time, oldest first, with their usage and shape", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cinegraph-spend-'));
    const store = await open(dir);
    try {
      const gens: Generation[] = [
        generationFixture('old', { createdAt: T0 - 1000, usage: usage(1) }),
        generationFixture('a:1/x', { createdAt: T0, usage: usage(400_000) }),
        generationFixture('b', {
          createdAt: T0 + 5,
          input: { ...generationFixture('b').input, resolution: '1080p', model: 'image-to-video', firstFrame: { source: 'url', url: 'https://img.example/b.png' }, lastFrame: null },
        }),
        generationFixture('c', {
          createdAt: T0 + 10,
          status: 'FAILED',
          providerStatus: 'error',
          completedAt: T0 + 20,
          updatedAt: T0 + 20,
          error: { code: 'x', message: 'y' },
        }),
        generationFixture('bob-1', { owner: 'bob', createdAt: T0 + 1, usage: usage(7) }),
      ];
      for (const g of gens) await store.save(g);
      // A later save (usage reported at completion) is what spendSince sees.
      await store.save({ ...gens[2]!, usage: usage(800_000), updatedAt: T0 + 50 });

      const got = await store.spendSince('alice', T0);
      expect(got).toEqual<SpendRecord[]>([
        { id: 'a:1/x', createdAt: T0, status: 'QUEUED', resolution: '720p', duration: 5, model: 'text-to-video', inputKnown: true, usage: usage(400_000) },
        { id: 'b', createdAt: T0 + 5, status: 'QUEUED', resolution: '1080p', duration: 5, model: 'image-to-video', inputKnown: true, usage: usage(800_000) },
        { id: 'c', createdAt: T0 + 10, status: 'FAILED', resolution: '720p', duration: 5, model: 'text-to-video', inputKnown: true, usage: null },
      ]);
      expect((await store.spendSince('bob', 0)).map((r) => r.id)).toEqual(['bob-1']);
      expect(await store.spendSince('nobody', 0)).toEqual([]);
      expect(await store.spendSince('alice', T0 + 11)).toEqual([]);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('CostEstimator', () => {
  it('expects the last reported figure of a shape, scales unseen shapes from the nearest seen one, and knows nothing at first', () => {
    const costs = new CostEstimator();
    expect(costs.expected({ resolution: '720p', duration: 5 })).toBe(0);
    costs.observe({ resolution: '720p', duration: 5, inputKnown: true, usage: usage(400) });
    expect(costs.expected({ resolution: '720p', duration: 5 })).toBe(400);
    expect(costs.expected({ resolution: '720p', duration: 8 })).toBe(800);
    expect(costs.expected({ resolution: '360p', duration: 5 })).toBe(300);
    costs.observe({ resolution: '720p', duration: 5, inputKnown: true, usage: usage(500) });
    expect(costs.expected({ resolution: '720p', duration: 5 })).toBe(500);
    // Figures of adopted ids (shape unknown) and missing figures teach nothing.
    costs.observe({ resolution: '1080p', duration: 5, inputKnown: false, usage: usage(1) });
    costs.observe({ resolution: '1080p', duration: 5, inputKnown: true, usage: usage(null) });
    expect(costs.expected({ resolution: '1080p', duration: 5 })).toBe(1000);
    // Each model learns its own prices, and borrows from the others until it has some.
    expect(costs.expected({ resolution: '720p', duration: 5, model: 'transition' })).toBe(500);
    costs.observe({ resolution: '360p', duration: 5, model: 'transition', inputKnown: true, usage: usage(390) });
    expect(costs.expected({ resolution: '720p', duration: 5, model: 'transition' })).toBe(520);
    expect(costs.expected({ resolution: '720p', duration: 5 })).toBe(500);
  });

  it('counts the reported figure, the expected one until then, nothing for a failure or an adopted id', () => {
    const costs = new CostEstimator();
    costs.observe({ resolution: '720p', duration: 5, inputKnown: true, usage: usage(400) });
    const rec = (over: Partial<SpendRecord>): SpendRecord => ({
      id: 'x', createdAt: T0, status: 'GENERATING', resolution: '720p', duration: 5, model: 'text-to-video', inputKnown: true, usage: null, ...over,
    });
    expect(costs.costOf(rec({}))).toBe(400);
    expect(costs.costOf(rec({ usage: usage(123) }))).toBe(123);
    expect(costs.costOf(rec({ status: 'COMPLETED' }))).toBe(400);
    expect(costs.costOf(rec({ status: 'TIMED_OUT' }))).toBe(400);
    expect(costs.costOf(rec({ status: 'FAILED' }))).toBe(0);
    expect(costs.costOf(rec({ status: 'FAILED', usage: usage(50) }))).toBe(50);
    expect(costs.costOf(rec({ inputKnown: false, usage: usage(50) }))).toBe(0);
  });
});

describe('SpendLedger', () => {
  async function ledger(limit: number | null): Promise<{ store: MemoryStore; spend: SpendLedger }> {
    const store = new MemoryStore();
    const costs = new CostEstimator();
    costs.observe({ resolution: '720p', duration: 5, inputKnown: true, usage: usage(100) });
    return { store, spend: new SpendLedger({ store, costs, limitPerDay: limit }) };
  }
  const shape = { resolution: '720p', duration: 5 } as const;

  it('counts pending generations at their expected cost until the provider reports theirs', async () => {
    const { store, spend } = await ledger(null);
    await store.save(generationFixture('p', { createdAt: T0 }));
    expect(await spend.spentLast24h('alice', T0 + 1)).toBe(100);
    await store.save(generationFixture('p', { createdAt: T0, usage: usage(70), updatedAt: T0 + 1 }));
    expect(await spend.spentLast24h('alice', T0 + 1)).toBe(70);
    // The window rolls: 24 h after its creation it no longer counts.
    expect(await spend.spentLast24h('alice', T0 + SPEND_WINDOW_MS + 1)).toBe(0);
  });

  it('refuses what would pass the limit, with the time until enough has aged out; creates in flight count', async () => {
    const { store, spend } = await ledger(350);
    await store.save(generationFixture('a', { createdAt: T0, usage: usage(100) }));
    await store.save(generationFixture('b', { createdAt: T0 + 60_000, usage: usage(100) }));
    const now = T0 + 120_000;
    // 200 spent + 100 expected fits.
    const held = await spend.reserve('alice', shape, now);
    expect(held).not.toHaveProperty('code');
    // With that create in flight, another does not fit until `a` has left the window.
    expect(await spend.reserve('alice', shape, now)).toMatchObject({ code: 'BUDGET_EXCEEDED', retryAfterMs: T0 + SPEND_WINDOW_MS - now });
    // The create is saved with its figure and its reservation given back: the same answer.
    await store.save(generationFixture('c', { createdAt: now, usage: usage(100) }));
    (held as { release(): void }).release();
    expect(await spend.reserve('alice', shape, now + 1000)).toMatchObject({ code: 'BUDGET_EXCEEDED', retryAfterMs: T0 + SPEND_WINDOW_MS - (now + 1000) });
    expect(await spend.reserve('alice', shape, T0 + SPEND_WINDOW_MS + 1)).not.toHaveProperty('code');
    expect(await spend.reserve('bob', shape, now)).not.toHaveProperty('code');
  });

  it('releases a reservation once, however often release is called', async () => {
    const { spend } = await ledger(150);
    const a = await spend.reserve('alice', shape, T0);
    expect(await spend.spentLast24h('alice', T0)).toBe(100);
    expect(await spend.reserve('alice', shape, T0)).toMatchObject({ code: 'BUDGET_EXCEEDED', retryAfterMs: 5000 });
    (a as { release(): void }).release();
    (a as { release(): void }).release();
    expect(await spend.spentLast24h('alice', T0)).toBe(0);
  });
});

/**
 * What the store contract cannot show about the Redis store and rate limiter: several instances
 * sharing one Redis, retention, key encoding, and outages. The contract suite
 * (store-contract.test.ts) covers the behaviour shared with the other stores.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../../src/cluster/redis-rate-limit.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import { MemoryRateLimiter } from '../../src/stores/memory-rate-limit.js';
import type { PagePosition, PageRequest } from '../../src/domain/ports.js';
import type { Generation } from '../../src/domain/generation.js';
import { hasRedis, skipRedisTests, startRedis, type RedisServer } from '../utils/redis.js';
import { generationFixture, T0 } from '../utils/generation-fixture.js';

const skip = skipRedisTests('test/unit/redis-store.test.ts');


const gen = generationFixture;

function completed(id: string, createdAt: number, over: Partial<Generation> = {}): Generation {
  return gen(id, {
    createdAt,
    status: 'COMPLETED',
    providerStatus: 'completed',
    video: { url: `https://cdn.example/${encodeURIComponent(id)}.mp4`, contentType: 'video/mp4', fileName: null, fileSize: null },
    updatedAt: createdAt + 30_000,
    completedAt: createdAt + 30_000,
    ...over,
  });
}

/** Polls `check` until it holds (records expire on Redis' clock, not on a fake one). */
async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(skip)('RedisStore and RedisRateLimiter across instances', () => {
  let server: RedisServer | null = null;
  let url: string;
  const clients: Redis[] = [];
  let prefix: string;
  /** Two gateway instances: each has its own client, like separate processes. */
  let a: RedisStore;
  let b: RedisStore;
  let raw: Redis;

  function client(target = url): Redis {
    const c = new Redis(target, { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
    c.on('error', () => {
      // Expected while a test stops Redis on purpose; commands report it.
    });
    clients.push(c);
    return c;
  }

  function stores(opts: { retentionMs?: number } = {}): [RedisStore, RedisStore] {
    prefix = `t-${randomUUID()}`;
    return [new RedisStore({ redis: client(), prefix, ...opts }), new RedisStore({ redis: client(), prefix, ...opts })];
  }

  beforeAll(async () => {
    url = process.env.REDIS_URL ?? (server = await startRedis()).url;
    raw = client();
    await raw.ping();
  });

  afterEach(async () => {
    await a?.close();
    await b?.close();
    // On a shared REDIS_URL leave nothing behind.
    if (!server) {
      const keys = await raw.keys(`${prefix}:*`);
      if (keys.length > 0) await raw.del(...keys);
    }
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.quit()));
    await server?.stop();
  });

  it("sees the other instance's writes", async () => {
    [a, b] = stores();
    await a.save(gen('shared:1/x', { createdAt: T0 + 1 }));
    await b.save(gen('shared:2/y', { createdAt: T0 + 2, status: 'GENERATING' }));
    expect(await b.get('shared:1/x')).toStrictEqual(gen('shared:1/x', { createdAt: T0 + 1 }));
    expect((await a.list('alice', { first: 10, after: null, statuses: null })).items.map((g) => g.id)).toEqual(['shared:2/y', 'shared:1/x']);
    expect((await a.listActive()).map((g) => g.id)).toEqual(['shared:1/x', 'shared:2/y']);

    await b.save(completed('shared:1/x', T0 + 1));
    expect((await a.get('shared:1/x'))?.status).toBe('COMPLETED');
    expect((await a.listActive()).map((g) => g.id)).toEqual(['shared:2/y']);
    expect((await a.listUnarchived(10)).map((g) => g.id)).toEqual(['shared:1/x']);
    expect(await a.recentCompletions(10)).toEqual([{ resolution: '720p', duration: 5, tookMs: 30_000 }]);
  });

  it('lets exactly one of 20 concurrent claims from two instances win', async () => {
    [a, b] = stores();
    const NOW = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).claimKey('alice', 'race', `fp-${i}`, NOW, 60_000)),
    );
    const winners = results.filter((r) => r.claimed);
    expect(winners).toHaveLength(1);
    const holder = await a.getKey('alice', 'race', NOW);
    expect(holder).toMatchObject({ state: 'pending', createdAt: NOW, expiresAt: NOW + 60_000 });
    // Every loser was shown the winner's record.
    for (const r of results) if (!r.claimed) expect(r.record).toEqual(holder);
  });

  it('keeps the Redis TTL of an idempotency key through complete and in-doubt', async () => {
    [a, b] = stores();
    const NOW = Date.now();
    await a.claimKey('alice', 'ttl', 'fp', NOW, 120_000);
    const key = a.key('idem', 'alice', 'ttl');
    const before = await raw.pttl(key);
    expect(before).toBeGreaterThan(110_000);
    await b.markKeyInDoubt('alice', 'ttl');
    await b.completeKey('alice', 'ttl', 'g:1/2');
    expect(await raw.pttl(key)).toBeGreaterThan(110_000);
    expect(await raw.pttl(key)).toBeLessThanOrEqual(before);
    expect(await a.getKey('alice', 'ttl', NOW)).toMatchObject({ state: 'done', generationId: 'g:1/2' });
    // Updating an unknown key creates nothing.
    await a.completeKey('alice', 'unknown', 'g');
    expect(await raw.exists(a.key('idem', 'alice', 'unknown'))).toBe(0);
  });

  it('expires finished records after retentionMs; reads skip and remove their index members, still filling the page', async () => {
    [a, b] = stores({ retentionMs: 1000 });
    // Ten old active generations (never expire) under forty newer finished ones (expire soon):
    // a page from the top must walk through several batches of dead members to fill itself.
    const live = Array.from({ length: 10 }, (_, i) => gen(`live:${i}/x`, { createdAt: T0 + i, status: i % 2 ? 'QUEUED' : 'GENERATING' }));
    const finished = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? completed(`done:${i}/x`, T0 + 1000 + i) : gen(`failed:${i}/x`, { createdAt: T0 + 1000 + i, status: 'FAILED', completedAt: T0 + 2000 }),
    );
    for (const g of [...live, ...finished]) await (g.id.length % 2 ? a : b).save(g);

    expect(await raw.pttl(a.key('gen', 'done:1/x'))).toBeGreaterThan(0);
    expect(await raw.pttl(a.key('gen', 'live:0/x'))).toBe(-1);
    expect(await raw.zcard(a.key('history', 'alice'))).toBe(50);

    await until(async () => (await raw.exists(...finished.map((g) => a.key('gen', g.id)))) === 0);
    expect(await b.get('done:1/x')).toBeNull();
    // Nothing has read the history since the records expired: the dead members are all there.
    expect(await raw.zcard(a.key('history', 'alice'))).toBe(50);

    const page = await b.list('alice', { first: 3, after: null, statuses: null });
    expect(page.items.map((g) => g.id)).toEqual(['live:9/x', 'live:8/x', 'live:7/x']);
    expect(page.hasNextPage).toBe(true);
    expect(await raw.zcard(a.key('history', 'alice'))).toBe(10);
    const rest = await a.list('alice', { first: 100, after: { createdAt: T0 + 7, id: 'live:7/x' }, statuses: ['QUEUED'] });
    expect(rest).toEqual({ items: [live[5], live[3], live[1]], hasNextPage: false });

    expect(await a.listUnarchived(5)).toEqual([]);
    expect(await raw.zcard(a.key('unarchived'))).toBe(0);
    expect((await a.listActive()).map((g) => g.id)).toEqual(live.map((g) => g.id));
    expect(await a.countActive('alice')).toBe(10);
    // Completion samples outlive the records: the estimator keeps its history.
    expect(await a.recentCompletions(100)).toHaveLength(20);
  });

  it('keeps a re-activated record forever, and every index with its first owner', async () => {
    [a, b] = stores({ retentionMs: 60_000 });
    await a.save(completed('move:1', T0));
    expect(await raw.pttl(a.key('gen', 'move:1'))).toBeGreaterThan(0);
    // Another instance cannot give it another owner: nothing of that save is written.
    await expect(b.save(gen('move:1', { owner: 'bob', status: 'GENERATING' }))).rejects.toThrow(/owner/);
    expect(await raw.exists(a.key('history', 'bob'), a.key('active-owner', 'bob'))).toBe(0);
    expect(await raw.pttl(a.key('gen', 'move:1'))).toBeGreaterThan(0);
    await b.save(gen('move:1', { status: 'GENERATING' }));
    expect(await raw.pttl(a.key('gen', 'move:1'))).toBe(-1);
    expect((await a.list('alice', { first: 5, after: null, statuses: null })).items.map((g) => g.id)).toEqual(['move:1']);
    expect((await a.list('bob', { first: 5, after: null, statuses: null })).items).toEqual([]);
    expect([await a.countActive('alice'), await a.countActive('bob')]).toEqual([1, 0]);
    expect(await a.listUnarchived(5)).toEqual([]);
    expect(await a.recentCompletions(5)).toEqual([]);
  });

  it("pages in the index's own order through createdAt ties larger than a Redis batch", async () => {
    [a, b] = stores();
    // 150 generations on 3 createdAt values: tie groups of ~50 straddle and exceed the batches
    // list() reads, and ids beyond the BMP make Redis' byte order differ from JavaScript's.
    const alphabet = ['a', 'B', ':', '/', '%', 'é', '\uFF01', '\u{1F600}', 'z'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const statuses = ['QUEUED', 'GENERATING', 'COMPLETED', 'FAILED', 'TIMED_OUT'] as const;
    const all = Array.from({ length: 150 }, (_, i) =>
      gen(`${Array.from({ length: 1 + rnd(4) }, () => alphabet[rnd(alphabet.length)]).join('')}#${i}`, {
        createdAt: T0 + rnd(3),
        status: statuses[rnd(5)]!,
      }),
    );
    for (const g of all) await a.save(g);
    // The history index's order reversed: createdAt, then the id's UTF-8 bytes, descending.
    const order = [...all].sort((x, y) => y.createdAt - x.createdAt || Buffer.compare(Buffer.from(y.id), Buffer.from(x.id)));
    for (const first of [1, 7, 31, 33, 64, 200]) {
      for (const filter of [null, ['COMPLETED' as const], ['QUEUED' as const, 'FAILED' as const]]) {
        const expected = order.filter((g) => !filter || (filter as readonly string[]).includes(g.status));
        let after: PagePosition | null = null;
        for (let from = 0; from <= expected.length; from += first) {
          const req: PageRequest = { first, after, statuses: filter };
          const got = await b.list('alice', req);
          expect(got).toEqual({ items: expected.slice(from, from + first), hasNextPage: from + first < expected.length });
          const last = got.items.at(-1);
          if (!got.hasNextPage || !last) break;
          after = { createdAt: last.createdAt, id: last.id };
        }
      }
    }
  });

  it('counts active generations per owner across instances', async () => {
    [a, b] = stores();
    await a.save(gen('c:1'));
    await a.save(gen('c:2', { status: 'GENERATING' }));
    await b.save(gen('c:3'));
    await b.save(gen('c:4', { owner: 'bob' }));
    expect([await a.countActive('alice'), await b.countActive('alice'), await a.countActive('bob')]).toEqual([3, 3, 1]);
    await b.save(completed('c:1', T0));
    await a.save(gen('c:3', { status: 'TIMED_OUT' }));
    expect([await a.countActive('alice'), await b.countActive('alice')]).toEqual([1, 1]);
  });

  it("never mixes ids, owners or idempotency keys that differ only in ':' '/' '%' or unicode", async () => {
    [a, b] = stores();
    const tricky = ['a:b', 'a/b', 'a%3Ab', 'a:b/c', 'a', 'b', 'ü', 'u\u0308', '🐉', 'history:a', 'gen:a:b', ''];
    // Each id saved under the owner of the same text: key parts of every kind collide or none do.
    for (const [i, s] of tricky.entries()) await (i % 2 ? a : b).save(gen(s, { owner: s, createdAt: T0 + i }));
    for (const s of tricky) {
      expect((await a.get(s))?.owner).toBe(s);
      expect((await b.list(s, { first: 5, after: null, statuses: null })).items.map((g) => g.id)).toEqual([s]);
      expect(await a.countActive(s)).toBe(1);
    }
    const NOW = Date.now();
    for (const owner of tricky) {
      for (const key of tricky) {
        expect(await (owner.length % 2 ? a : b).claimKey(owner, key, `${owner}|${key}`, NOW, 60_000)).toEqual({ claimed: true });
      }
    }
    for (const owner of tricky) for (const key of tricky) expect((await a.getKey(owner, key, NOW))?.fingerprint).toBe(`${owner}|${key}`);
  });

  it('rejects calls after close with a clear error, and leaves the shared client connected', async () => {
    [a, b] = stores();
    const shared = client();
    const s = new RedisStore({ redis: shared, prefix });
    // Not ready until connected: readiness must not claim a store it cannot reach yet.
    expect(await s.healthy()).toBe(false);
    await shared.ping();
    expect(await s.healthy()).toBe(true);
    await s.close();
    expect(await s.healthy()).toBe(false);
    await expect(s.get('x')).rejects.toThrow(/Redis store .* is closed/);
    await expect(s.save(gen('x'))).rejects.toThrow(/closed/);
    await expect(s.claimKey('o', 'k', 'f', 0, 1)).rejects.toThrow(/closed/);
    expect(await shared.ping()).toBe('PONG');
    expect(shared.status).toBe('ready');
  });

  it('refuses a retentionMs that is not a positive integer', () => {
    expect(() => new RedisStore({ redis: raw, retentionMs: 0 })).toThrow(/retentionMs/);
  });

  describe('RedisRateLimiter', () => {
    it('shares one budget between instances: limit 3, five takes from two instances', async () => {
      prefix = `t-${randomUUID()}`;
      const one = new RedisRateLimiter({ redis: client(), perMinute: 3, prefix });
      const two = new RedisRateLimiter({ redis: client(), perMinute: 3, prefix });
      const now = Date.now();
      const waits = [];
      for (let i = 0; i < 5; i++) waits.push(await (i % 2 ? two : one).take('client:1/ü', now + i));
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      expect(waits[3]).toBe(60_000 - 3);
      expect(waits[4]).toBe(60_000 - 4);
      expect(waits.filter((w) => w > 0)).toHaveLength(2);
      // Another client has its own budget; the first frees up as its oldest entry leaves.
      expect(await one.take('client:2', now)).toBe(0);
      expect(await two.take('client:1/ü', now + 60_000)).toBe(0);
    });

    it('allows exactly the limit under concurrent takes at the same millisecond', async () => {
      prefix = `t-${randomUUID()}`;
      const limiters = [client(), client()].map((redis) => new RedisRateLimiter({ redis, perMinute: 4, prefix }));
      const now = Date.now();
      const waits = await Promise.all(Array.from({ length: 12 }, (_, i) => limiters[i % 2]!.take('burst', now)));
      expect(waits.filter((w) => w === 0)).toHaveLength(4);
      expect(waits.filter((w) => w === 60_000)).toHaveLength(8);
    });

    it('answers exactly like MemoryRateLimiter over a sliding window', async () => {
      prefix = `t-${randomUUID()}`;
      const redis = new RedisRateLimiter({ redis: client(), perMinute: 3, prefix });
      const memory = new MemoryRateLimiter(3);
      const base = Date.now();
      const times = [0, 10, 20, 30, 59_999, 60_000, 60_005, 60_010, 60_011, 119_999, 120_020, 200_000, 200_000, 200_000, 200_000];
      for (const t of times) expect([t, await redis.take('c', base + t)]).toEqual([t, await memory.take('c', base + t)]);
      const none = new RedisRateLimiter({ redis: client(), perMinute: 0, prefix });
      expect(await none.take('z', base)).toBe(await new MemoryRateLimiter(0).take('z', base));
    });
  });

  describe.skipIf(!hasRedis())('outages (own redis-server)', () => {
    it('healthy() reports a stopped Redis and recovers after a restart on the same port', async () => {
      const own = await startRedis();
      try {
        const c = client(own.url);
        const s = new RedisStore({ redis: c, prefix: `t-${randomUUID()}`, healthTimeoutMs: 200 });
        await c.ping();
        expect(await s.healthy()).toBe(true);
        await own.stop();
        await until(async () => !(await s.healthy()));
        await own.restart();
        await until(async () => s.healthy());
        // A fresh server has an empty script cache: the scripts are sent again (NOSCRIPT fallback).
        await s.save(gen('after:restart'));
        expect((await s.get('after:restart'))?.id).toBe('after:restart');
        expect(await s.claimKey('o', 'k', 'f', Date.now(), 1000)).toEqual({ claimed: true });
      } finally {
        await own.stop();
      }
    });
  });
});

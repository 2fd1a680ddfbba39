/**
 * One webhook contract, every store: endpoints, the outbox written by the generation save (all
 * or nothing with it), claims that hand a delivery to one worker at a time, attempt results,
 * redelivery and paging. Runs against memory, SQLite, cached SQLite and Redis (its own
 * redis-server, a fresh key prefix per test; skipped loudly without a binary, never in CI).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationStore } from '../../src/domain/ports.js';
import { newDelivery, type WebhookDelivery, type WebhookEndpoint } from '../../src/domain/webhooks.js';
import { CachedStore } from '../../src/stores/cached.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import { openSqliteStore } from '../../src/stores/sqlite/index.js';
import { generationFixture, T0 } from '../utils/generation-fixture.js';
import { skipRedisTests, startRedis, type RedisServer } from '../utils/redis.js';

const withRedis = !skipRedisTests('the RedisStore cases of the webhook store contract');
const redisEnv = { server: null as RedisServer | null, client: null as Redis | null };

beforeAll(async () => {
  if (!withRedis) return;
  const url = process.env.REDIS_URL ?? (redisEnv.server = await startRedis()).url;
  redisEnv.client = new Redis(url, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redisEnv.client?.quit();
  await redisEnv.server?.stop();
});

interface Harness {
  name: string;
  open: (dir: string) => Promise<GenerationStore>;
  /** A durable store opened again on the same data (a restart). */
  reopen?: (dir: string, previous: GenerationStore) => Promise<GenerationStore>;
}

const redisStore = (prefix: string): RedisStore => new RedisStore({ redis: redisEnv.client as Redis, prefix });
const redisPrefixes = new WeakMap<GenerationStore, string>();

const harnesses: Harness[] = [
  { name: 'memory', open: async () => new MemoryStore() },
  { name: 'sqlite', open: (dir) => openSqliteStore(dir), reopen: (dir) => openSqliteStore(dir) },
  { name: 'cached sqlite', open: async (dir) => new CachedStore(await openSqliteStore(dir), 3), reopen: async (dir) => new CachedStore(await openSqliteStore(dir), 3) },
  ...(withRedis
    ? [
        {
          name: 'redis',
          open: async () => {
            const prefix = `wh-${randomUUID()}`;
            const store = redisStore(prefix);
            redisPrefixes.set(store, prefix);
            return store;
          },
          reopen: async (_dir: string, previous: GenerationStore) => redisStore(redisPrefixes.get(previous) as string),
        },
      ]
    : []),
];

function endpoint(id: string, owner = 'alice', over: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id,
    owner,
    url: `https://example.com/${id}`,
    events: ['video_generation.completed'],
    sealedSecret: 'v1.k.iv.body.tag',
    createdAt: T0,
    disabledAt: null,
    disabledReason: null,
    ...over,
  };
}

function delivery(id: string, endpointId: string, now = T0, owner = 'alice'): WebhookDelivery {
  return newDelivery({
    id,
    endpoint: { id: endpointId, owner },
    eventType: 'video_generation.completed',
    generationId: 'gen:1/a',
    payload: `{"type":"video_generation.completed","n":"${id}"}`,
    now,
  });
}

describe.each(harnesses)('webhook store contract: $name', ({ open }) => {
  let dir: string;
  let store: GenerationStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cinegraph-wh-'));
    store = await open(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates, lists (per owner, oldest first), disables and deletes endpoints', async () => {
    const w = store.webhooks;
    await w.createEndpoint(endpoint('ep_b', 'alice', { createdAt: T0 + 1 }));
    await w.createEndpoint(endpoint('ep_a', 'alice'));
    await w.createEndpoint(endpoint('ep_c', 'bob'));
    expect((await w.listEndpoints('alice')).map((e) => e.id)).toEqual(['ep_a', 'ep_b']);
    expect(await w.getEndpoint('ep_a')).toEqual(endpoint('ep_a'));
    await w.disableEndpoint('ep_a', T0 + 5, 'answered 410 Gone');
    expect(await w.getEndpoint('ep_a')).toMatchObject({ disabledAt: T0 + 5, disabledReason: 'answered 410 Gone' });
    // Disabling again keeps the first time.
    await w.disableEndpoint('ep_a', T0 + 9, 'again');
    expect((await w.getEndpoint('ep_a'))?.disabledAt).toBe(T0 + 5);
    expect(await w.deleteEndpoint('bob', 'ep_a')).toBe(false);
    expect(await w.getEndpoint('ep_a')).not.toBeNull();
    expect(await w.deleteEndpoint('alice', 'ep_a')).toBe(true);
    expect(await w.getEndpoint('ep_a')).toBeNull();
    expect((await w.listEndpoints('alice')).map((e) => e.id)).toEqual(['ep_b']);
    expect(await w.deleteEndpoint('alice', 'ep_a')).toBe(false);
  });

  it('records outbox rows with the generation save, and none when the save is refused', async () => {
    await store.webhooks.createEndpoint(endpoint('ep_1'));
    const gen = generationFixture('gen:1/a');
    await store.save(gen, [delivery('msg_1', 'ep_1')]);
    expect(await store.webhooks.getDelivery('msg_1')).toEqual(delivery('msg_1', 'ep_1'));
    // Another owner's save is refused: its outbox rows are not written either.
    await expect(store.save({ ...gen, owner: 'mallory' }, [delivery('msg_2', 'ep_1')])).rejects.toThrow();
    expect(await store.webhooks.getDelivery('msg_2')).toBeNull();
    // A save without an outbox leaves deliveries alone.
    await store.save({ ...gen, updatedAt: T0 + 1 });
    expect(await store.webhooks.getDelivery('msg_1')).not.toBeNull();
  });

  it('claims due deliveries once: a claim hides them for its lease, a lapsed claim can be taken over', async () => {
    await store.webhooks.createEndpoint(endpoint('ep_1'));
    await store.save(generationFixture('gen:1/a'), [delivery('msg_1', 'ep_1'), delivery('msg_2', 'ep_1', T0 + 10_000)]);
    const w = store.webhooks;
    const first = await w.claimDue(T0 + 5, 10, 1000);
    expect(first.claimed.map((c) => c.delivery.id)).toEqual(['msg_1']);
    expect(first.nextDueAt).toBe(T0 + 5 + 1000);
    expect((await w.claimDue(T0 + 6, 10, 1000)).claimed).toEqual([]);
    // The lease lapses: another worker takes it, and the first worker's result is ignored.
    const second = await w.claimDue(T0 + 2000, 10, 1000);
    expect(second.claimed.map((c) => c.delivery.id)).toEqual(['msg_1']);
    const stale = first.claimed[0]!;
    expect(await w.finishAttempt(stale.token, { ...stale.delivery, status: 'DELIVERED', attempts: 1, deliveredAt: T0, nextAttemptAt: null, updatedAt: T0 })).toBe(false);
    expect((await w.getDelivery('msg_1'))?.status).toBe('PENDING');
    const fresh = second.claimed[0]!;
    expect(
      await w.finishAttempt(fresh.token, { ...fresh.delivery, attempts: 1, failures: 1, lastStatusCode: 500, lastError: 'HTTP 500', nextAttemptAt: T0 + 3000, updatedAt: T0 + 2000 }),
    ).toBe(true);
    expect(await w.getDelivery('msg_1')).toMatchObject({ status: 'PENDING', attempts: 1, failures: 1, lastStatusCode: 500, lastError: 'HTTP 500', nextAttemptAt: T0 + 3000 });
    // Due again at its next attempt, not before.
    expect((await w.claimDue(T0 + 2999, 10, 1000)).claimed).toEqual([]);
    const third = await w.claimDue(T0 + 3000, 10, 1000);
    expect(third.claimed.map((c) => c.delivery.id)).toEqual(['msg_1']);
    const t = third.claimed[0]!;
    await w.finishAttempt(t.token, { ...t.delivery, status: 'DELIVERED', attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: T0 + 3001, updatedAt: T0 + 3001 });
    expect(await w.getDelivery('msg_1')).toMatchObject({ status: 'DELIVERED', attempts: 2, lastStatusCode: 200, lastError: null, deliveredAt: T0 + 3001 });
    expect((await w.claimDue(T0 + 99_999, 10, 1000)).claimed.map((c) => c.delivery.id)).toEqual(['msg_2']);
  });

  it('never hands one delivery to two concurrent claims, and never more than the limit asked', async () => {
    await store.webhooks.createEndpoint(endpoint('ep_1'));
    const ds = Array.from({ length: 12 }, (_, i) => delivery(`msg_${String(i).padStart(2, '0')}`, 'ep_1'));
    await store.save(generationFixture('gen:1/a'), ds);
    const ids: string[] = [];
    for (let round = 0; round < 10 && ids.length < ds.length; round++) {
      const batches = await Promise.all(Array.from({ length: 4 }, () => store.webhooks.claimDue(T0 + 1, 5, 60_000)));
      expect(batches.every((b) => b.claimed.length <= 5)).toBe(true);
      ids.push(...batches.flatMap((b) => b.claimed.map((c) => c.delivery.id)));
    }
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.sort()).toEqual(ds.map((d) => d.id).sort());
  });

  it('redelivers any delivery: PENDING again, due now, a new round, the same id', async () => {
    const w = store.webhooks;
    await w.createEndpoint(endpoint('ep_1'));
    await store.save(generationFixture('gen:1/a'), [delivery('msg_1', 'ep_1')]);
    const c = (await w.claimDue(T0, 1, 1000)).claimed[0]!;
    await w.finishAttempt(c.token, { ...c.delivery, status: 'FAILED', attempts: 3, failures: 3, lastError: 'HTTP 500', nextAttemptAt: null, updatedAt: T0 + 1 });
    expect((await w.claimDue(T0 + 10_000, 1, 1000)).claimed).toEqual([]);
    const again = await w.redeliver('msg_1', T0 + 20_000);
    expect(again).toMatchObject({ id: 'msg_1', status: 'PENDING', attempts: 3, failures: 0, nextAttemptAt: T0 + 20_000 });
    expect((await w.claimDue(T0 + 20_000, 1, 1000)).claimed.map((x) => x.delivery.id)).toEqual(['msg_1']);
    expect(await w.redeliver('msg_unknown', T0)).toBeNull();
  });

  it("pages an endpoint's deliveries newest first, and deletes them with the endpoint", async () => {
    const w = store.webhooks;
    await w.createEndpoint(endpoint('ep_1'));
    await w.createEndpoint(endpoint('ep_2'));
    const ds = [delivery('msg_a', 'ep_1', T0), delivery('msg_b', 'ep_1', T0 + 1), delivery('msg_c', 'ep_1', T0 + 1), delivery('msg_d', 'ep_1', T0 + 2)];
    await store.save(generationFixture('gen:1/a'), [...ds, delivery('msg_x', 'ep_2')]);
    const seen: string[] = [];
    let after = null;
    for (let i = 0; i < 10; i++) {
      const page = await w.listDeliveries('ep_1', { first: 3, after });
      seen.push(...page.items.map((d) => d.id));
      if (!page.hasNextPage) break;
      const last = page.items.at(-1)!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    expect(seen).toEqual(['msg_d', 'msg_c', 'msg_b', 'msg_a']);
    expect(await w.deleteEndpoint('alice', 'ep_1')).toBe(true);
    expect(await w.getDelivery('msg_b')).toBeNull();
    expect((await w.claimDue(T0 + 5, 10, 1000)).claimed.map((c) => c.delivery.id)).toEqual(['msg_x']);
  });

});

describe.each(harnesses.filter((h) => h.reopen))('webhook store contract, durable: $name', ({ open, reopen }) => {
  it('keeps endpoints and pending deliveries across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cinegraph-wh-'));
    const store = await open(dir);
    await store.webhooks.createEndpoint(endpoint('ep_1'));
    await store.save(generationFixture('gen:1/a'), [delivery('msg_1', 'ep_1')]);
    await store.close();
    const again = await (reopen as NonNullable<Harness['reopen']>)(dir, store);
    try {
      expect(await again.webhooks.getEndpoint('ep_1')).toEqual(endpoint('ep_1'));
      expect((await again.webhooks.claimDue(T0 + 1, 10, 1000)).claimed.map((c) => c.delivery.id)).toEqual(['msg_1']);
    } finally {
      await again.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * One contract, every store: the same suite runs against MemoryStore (the reference), the SQLite
 * store and the Redis store (cluster mode), so no durable store can drift from the behaviour the
 * service relies on.
 *
 * The Redis cases run on a redis-server this file starts on a free port (or on REDIS_URL when
 * set), each test under its own random key prefix. Without a redis-server binary they are
 * skipped with a loud warning, except in CI, where they always run.
 */
import { CachedStore } from '../../src/stores/cached.js';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/stores/redis/index.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { openSqliteStore } from '../../src/stores/sqlite/index.js';
import type { GenerationStore, Page, PagePosition, PageRequest } from '../../src/domain/ports.js';
import type { Generation, GenerationStatus } from '../../src/domain/generation.js';
import { skipRedisTests, startRedis, type RedisServer } from '../utils/redis.js';
import { generationFixture, T0 } from '../utils/generation-fixture.js';

interface Harness {
  name: string;
  /** The store's `kind`, when it is not the harness name. */
  kind?: string;
  open: (dir: string) => Promise<GenerationStore>;
}

/** The Redis side: one server and one client for the whole file, a fresh key prefix per test. */
const redisEnv = {
  server: null as RedisServer | null,
  client: null as Redis | null,
  prefixes: [] as string[],
};

const withRedis = !skipRedisTests('the RedisStore cases of the store contract');

beforeAll(async () => {
  if (!withRedis) return;
  const url = process.env.REDIS_URL ?? (redisEnv.server = await startRedis()).url;
  redisEnv.client = new Redis(url, { maxRetriesPerRequest: 1 });
  await redisEnv.client.ping();
});

afterAll(async () => {
  const { client, server } = redisEnv;
  if (client) {
    // On a shared REDIS_URL, leave nothing behind; a server of our own is simply stopped.
    if (!server) {
      for (const prefix of redisEnv.prefixes) {
        for await (const keys of client.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
          if (keys.length > 0) await client.del(...keys);
        }
      }
    }
    await client.quit();
  }
  await server?.stop();
});

const harnesses: Harness[] = [
  { name: 'memory', open: async () => new MemoryStore() },
  { name: 'sqlite', open: (dir) => openSqliteStore(dir) },
  // What the gateway really runs on one instance: SQLite behind the cache of finished generations.
  { name: 'cached sqlite', kind: 'sqlite', open: async (dir) => new CachedStore(await openSqliteStore(dir), 3) },
  ...(withRedis
    ? [
        {
          name: 'redis',
          open: async () => {
            if (!redisEnv.client) throw new Error('the Redis client was not started');
            const prefix = `contract-${randomUUID()}`;
            redisEnv.prefixes.push(prefix);
            return new RedisStore({ redis: redisEnv.client, prefix });
          },
        },
      ]
    : []),
];


const gen = generationFixture;

function completed(id: string, createdAt: number, tookMs: number, over: Partial<Generation> = {}): Generation {
  const completedAt = createdAt + tookMs;
  return gen(id, {
    createdAt,
    status: 'COMPLETED',
    providerStatus: 'completed',
    video: { url: `https://cdn.example/${id}.mp4`, contentType: 'video/mp4', fileName: `${id}.mp4`, fileSize: 1234 },
    updatedAt: completedAt,
    completedAt,
    transitions: [
      { status: 'QUEUED', providerStatus: 'queued', at: createdAt },
      { status: 'COMPLETED', providerStatus: 'completed', at: completedAt },
    ],
    ...over,
  });
}

const ids = (items: Generation[]) => items.map((g) => g.id);

const position = (g: Generation): PagePosition => ({ createdAt: g.createdAt, id: g.id });

/** An owner's whole listing in one page: the order every walk through the pages must follow. */
async function listing(store: GenerationStore, owner: string, statuses: GenerationStatus[] | null = null): Promise<string[]> {
  const page = await store.list(owner, { first: 10_000, after: null, statuses });
  expect(page.hasNextPage).toBe(false);
  return ids(page.items);
}

/**
 * What the service needs of a store's order: each of `gens` exactly once, newest first by
 * createdAt. Generations created in the same millisecond come in whatever stable order is
 * natural to the store; the cursor tests below check that this order is stable.
 */
function expectNewestFirst(got: string[], gens: Generation[]): void {
  const byId = new Map(gens.map((g) => [g.id, g]));
  expect([...got].sort()).toEqual(gens.map((g) => g.id).sort());
  const times = got.map((id) => byId.get(id)?.createdAt);
  expect(times).toEqual([...times].sort((a, b) => (b ?? 0) - (a ?? 0)));
}

async function saveAll(store: GenerationStore, gens: Generation[]): Promise<void> {
  for (const g of gens) await store.save(g);
}

/** Follows `hasNextPage` from the first page to the last; `between` runs after each page. */
async function walk(
  store: GenerationStore,
  owner: string,
  req: Omit<PageRequest, 'after'>,
  between?: (page: Page, n: number) => Promise<void>,
): Promise<{ pages: Page[]; all: string[] }> {
  const pages: Page[] = [];
  let after: PageRequest['after'] = null;
  for (let n = 0; n < 1000; n++) {
    const page = await store.list(owner, { ...req, after });
    pages.push(page);
    await between?.(page, n);
    const last = page.items.at(-1);
    if (!page.hasNextPage || !last) break;
    after = { createdAt: last.createdAt, id: last.id };
  }
  return { pages, all: pages.flatMap((p) => ids(p.items)) };
}

describe.each(harnesses)('GenerationStore contract: $name', ({ name, kind, open }) => {
  let dir: string;
  let store: GenerationStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cinegraph-store-'));
    store = await open(dir);
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`reports its kind`, () => {
    expect(store.kind).toBe(kind ?? name);
  });

  describe('save / get', () => {
    it('round-trips every field, with ids holding ":" and "/" and unicode text', async () => {
      const full = gen('1fe4344e-aaaa-bbbb:pixverse/v5/text-to-video', {
        owner: 'client:ünïcödé/1',
        input: {
          prompt: 'Ein Drache 🐉 über dem Berg — ドラゴン "quoted" \\ back\nslash',
          negativePrompt: 'blurry, 低画質',
          aspectRatio: '9:16',
          resolution: '1080p',
          duration: 8,
          style: '3d_animation',
          seed: 2_147_483_647,
        },
        status: 'COMPLETED',
        providerStatus: 'succeeded',
        video: {
          url: 'http://127.0.0.1:4000/videos/x.mp4',
          contentType: 'video/mp4',
          fileName: 'x.mp4',
          fileSize: 987_654_321,
          providerUrl: 'https://cdn.aimlapi.com/x.mp4?sig=a%2Fb',
        },
        usage: { creditsUsed: 45, tokensUsed: null, usdSpent: 0.315 },
        expectedDurationMs: 74_000,
        updatedAt: T0 + 74_123,
        completedAt: T0 + 74_123,
        transitions: [
          { status: 'QUEUED', providerStatus: 'waiting', at: T0 },
          { status: 'GENERATING', providerStatus: 'active', at: T0 + 5_000 },
          { status: 'GENERATING', providerStatus: 'rendering-frames', at: T0 + 10_000 },
          { status: 'COMPLETED', providerStatus: 'succeeded', at: T0 + 74_123 },
        ],
        idempotencyKey: 'key/with:colons',
      });
      const failed = gen('failed/1', {
        status: 'FAILED',
        providerStatus: 'error',
        error: { code: 'UPSTREAM_ERROR', message: 'content policy: "nope"' },
        inputKnown: false,
        completedAt: T0 + 1,
      });
      const nullProviderUrl = completed('null-provider-url', T0, 1000, {
        video: { url: 'u', contentType: null, fileName: null, fileSize: null, providerUrl: null },
      });
      const noProviderUrl = completed('no-provider-url', T0, 1000);

      await saveAll(store, [full, failed, nullProviderUrl, noProviderUrl]);

      for (const g of [full, failed, nullProviderUrl, noProviderUrl]) expect(await store.get(g.id)).toStrictEqual(g);
      expect((await store.get('no-provider-url'))?.video).not.toHaveProperty('providerUrl');
      expect((await store.get('null-provider-url'))?.video).toHaveProperty('providerUrl', null);
    });

    it('answers null for an unknown id, including prefixes of known ids', async () => {
      await store.save(gen('abc:def/ghi'));
      expect(await store.get('nope')).toBeNull();
      expect(await store.get('abc:def')).toBeNull();
      expect(await store.get('abc%3Adef%2Fghi')).toBeNull();
    });

    it('returns copies: mutating a result or the saved object changes nothing stored', async () => {
      const g = gen('copy');
      await store.save(g);
      g.status = 'FAILED';
      g.transitions.push({ status: 'FAILED', providerStatus: 'error', at: 1 });
      const got = await store.get('copy');
      expect(got?.status).toBe('QUEUED');
      expect(got?.transitions).toHaveLength(1);
      got!.input.prompt = 'changed';
      expect((await store.get('copy'))?.input.prompt).toBe('a prompt for copy');
    });

    it('replaces a generation on update, transitions included (appended or rewritten)', async () => {
      const first = gen('upd');
      await store.save(first);
      const running = gen('upd', {
        status: 'GENERATING',
        providerStatus: 'generating',
        updatedAt: T0 + 5_000,
        transitions: [...first.transitions, { status: 'GENERATING', providerStatus: 'generating', at: T0 + 5_000 }],
      });
      await store.save(running);
      expect(await store.get('upd')).toStrictEqual(running);

      const done = completed('upd', T0, 30_000, { usage: { creditsUsed: 10, tokensUsed: 20, usdSpent: null } });
      await store.save(done);
      expect(await store.get('upd')).toStrictEqual(done);

      // A shorter, different history replaces the longer one entirely.
      const rewritten = gen('upd', { transitions: [{ status: 'QUEUED', providerStatus: 'waiting', at: 7 }] });
      await store.save(rewritten);
      expect(await store.get('upd')).toStrictEqual(rewritten);
      const none = gen('upd', { transitions: [] });
      await store.save(none);
      expect(await store.get('upd')).toStrictEqual(none);
    });
  });

  describe('owner', () => {
    it('keeps the owner of the first save: a save under another owner is refused and changes nothing', async () => {
      const mine = gen('mine:1/x', { status: 'GENERATING' });
      await store.save(mine);
      const taken = completed('mine:1/x', T0, 10, { owner: 'bob' });
      await expect(store.save(taken)).rejects.toThrow(/owner/);
      expect(await store.get('mine:1/x')).toStrictEqual(mine);
      expect(ids((await store.list('alice', { first: 5, after: null, statuses: null })).items)).toEqual(['mine:1/x']);
      expect(await store.list('bob', { first: 5, after: null, statuses: null })).toEqual({ items: [], hasNextPage: false });
      expect([await store.countActive('alice'), await store.countActive('bob')]).toEqual([1, 0]);
      expect(ids(await store.listActive())).toEqual(['mine:1/x']);
      expect(await store.listUnarchived(5)).toEqual([]);
      expect(await store.recentCompletions(5)).toEqual([]);
      // Its own owner still saves it.
      await store.save(completed('mine:1/x', T0, 10));
      expect((await store.get('mine:1/x'))?.status).toBe('COMPLETED');
    });
  });

  describe('active generations', () => {
    it('listActive returns every non-terminal generation of every owner', async () => {
      await saveAll(store, [
        gen('q', { status: 'QUEUED' }),
        gen('g', { status: 'GENERATING', owner: 'bob' }),
        completed('c', T0, 10),
        gen('f', { status: 'FAILED' }),
        gen('t', { status: 'TIMED_OUT', owner: 'bob' }),
      ]);
      const active = await store.listActive();
      expect(ids(active).sort()).toEqual(['g', 'q']);
      expect(active.find((g) => g.id === 'g')).toStrictEqual(gen('g', { status: 'GENERATING', owner: 'bob' }));

      await store.save(completed('q', T0, 10));
      expect(ids(await store.listActive())).toEqual(['g']);
    });

    it('listActive keeps first-save order, like the reference store', async () => {
      await saveAll(store, [gen('z', { createdAt: 3 }), gen('a', { createdAt: 1 }), gen('m', { createdAt: 2 })]);
      await store.save(gen('z', { createdAt: 3, status: 'GENERATING' }));
      expect(ids(await store.listActive())).toEqual(['z', 'a', 'm']);
    });

    it('listTimedOutSince returns TIMED_OUT generations that timed out at or after a time, and forgets a recovered one', async () => {
      const out = (id: string, at: number, owner = 'alice') =>
        gen(id, { status: 'TIMED_OUT', completedAt: at, owner, error: { code: 'TIMED_OUT', message: 'late' } });
      await saveAll(store, [out('old', T0 - 10), out('edge', T0), out('new', T0 + 5, 'bob'), gen('q'), completed('c', T0 + 1, 1)]);
      expect(ids(await store.listTimedOutSince(T0)).sort()).toEqual(['edge', 'new']);
      expect((await store.listTimedOutSince(T0)).find((g) => g.id === 'new')).toStrictEqual(out('new', T0 + 5, 'bob'));
      // Late recovery: TIMED_OUT becomes COMPLETED, and it is no longer listed.
      await store.save(completed('edge', T0 + 20, 1));
      expect(ids(await store.listTimedOutSince(T0))).toEqual(['new']);
      expect(await store.listTimedOutSince(T0 + 6)).toEqual([]);
    });

    it('countActive counts per owner, non-terminal only', async () => {
      await saveAll(store, [
        gen('a1'),
        gen('a2', { status: 'GENERATING' }),
        completed('a3', T0, 1),
        gen('a4', { status: 'FAILED' }),
        gen('a5', { status: 'TIMED_OUT' }),
        gen('b1', { owner: 'bob' }),
      ]);
      expect(await store.countActive('alice')).toBe(2);
      expect(await store.countActive('bob')).toBe(1);
      expect(await store.countActive('carol')).toBe(0);
      await store.save(gen('a1', { status: 'FAILED' }));
      expect(await store.countActive('alice')).toBe(1);
    });
  });

  describe('list', () => {
    // 23 generations, several sharing a createdAt, saved out of order.
    const many = Array.from({ length: 23 }, (_, i) =>
      gen(`gen-${String((i * 7) % 23).padStart(2, '0')}:v5/x`, {
        createdAt: T0 + Math.floor(((i * 7) % 23) / 3) * 1000,
        status: (['QUEUED', 'GENERATING', 'COMPLETED', 'FAILED', 'TIMED_OUT'] as const)[i % 5],
      }),
    );

    it('lists newest first, across pages, with no duplicates or gaps', async () => {
      await saveAll(store, many);
      const full = await listing(store, 'alice');
      expectNewestFirst(full, many);
      expect(await listing(store, 'alice')).toEqual(full);
      for (const first of [1, 4, 5, 23, 50]) {
        const { pages, all } = await walk(store, 'alice', { first, statuses: null });
        expect(all).toEqual(full);
        expect(pages.at(-1)?.hasNextPage).toBe(false);
        for (const p of pages.slice(0, -1)) expect(p).toMatchObject({ hasNextPage: true, items: { length: first } });
      }
    });

    it('returns full generations in pages', async () => {
      await saveAll(store, many);
      const page = await store.list('alice', { first: 3, after: null, statuses: null });
      const byId = new Map(many.map((g) => [g.id, g]));
      for (const g of page.items) expect(g).toStrictEqual(byId.get(g.id));
    });

    it("continues exactly after any generation's position", async () => {
      await saveAll(store, many);
      const full = await listing(store, 'alice');
      const byId = new Map(many.map((g) => [g.id, g]));
      for (const [k, id] of full.entries()) {
        const page = await store.list('alice', { first: 100, after: position(byId.get(id)!), statuses: null });
        expect(ids(page.items)).toEqual(full.slice(k + 1));
      }
    });

    it('treats a position no generation holds as a place in the order', async () => {
      await saveAll(store, many);
      const full = await listing(store, 'alice');
      const byId = new Map(many.map((g) => [g.id, g]));
      const pivot = byId.get(full[5]!)!;
      for (const id of [`${pivot.id}~`, `${pivot.id.slice(0, -1)}`, '', '\u{10FFFF}']) {
        const rest = ids((await store.list('alice', { first: 100, after: { createdAt: pivot.createdAt, id }, statuses: null })).items);
        // A tail of the order: everything older than the position's time, nothing newer.
        expect(rest).toEqual(full.slice(full.length - rest.length));
        expect(rest).toEqual(expect.arrayContaining(many.filter((g) => g.createdAt < pivot.createdAt).map((g) => g.id)));
        for (const got of rest) expect(byId.get(got)!.createdAt).toBeLessThanOrEqual(pivot.createdAt);
      }
      const newest = Math.max(...many.map((g) => g.createdAt));
      expect(ids((await store.list('alice', { first: 100, after: { createdAt: newest + 1, id: '' }, statuses: null })).items)).toEqual(full);
      const oldest = await store.list('alice', { first: 100, after: { createdAt: 0, id: '' }, statuses: null });
      expect(oldest).toEqual({ items: [], hasNextPage: false });
    });

    it('says hasNextPage exactly when more remain', async () => {
      await saveAll(store, many.slice(0, 4));
      expect((await store.list('alice', { first: 4, after: null, statuses: null })).hasNextPage).toBe(false);
      expect((await store.list('alice', { first: 3, after: null, statuses: null })).hasNextPage).toBe(true);
      expect(await store.list('nobody', { first: 3, after: null, statuses: null })).toEqual({ items: [], hasNextPage: false });
    });

    it('keeps cursors stable when generations are created or updated between page fetches', async () => {
      await saveAll(store, many);
      const full = await listing(store, 'alice');
      let added = 0;
      const { all } = await walk(store, 'alice', { first: 4, statuses: null }, async (page) => {
        const last = page.items.at(-1)!;
        added++;
        // Newer than everything (the usual case): it sorts before the cursor, so it may not
        // show up on later pages.
        await store.save(gen(`new-${added}`, { createdAt: T0 + 1_000_000 + added }));
        // Two at the cursor's own time: the store's tie order may put them on either side.
        await store.save(gen(`tie:${added}:~`, { createdAt: last.createdAt }));
        await store.save(gen(`tie:${added}:!`, { createdAt: last.createdAt }));
        // A generation not listed yet changes status: it keeps its place.
        const next = full[full.indexOf(last.id) + 1];
        if (next) await store.save({ ...many.find((g) => g.id === next)!, status: 'FAILED', updatedAt: T0 + 2_000_000 + added });
      });
      expect(all.filter((id) => !id.startsWith('tie:'))).toEqual(full);
      expect(new Set(all).size).toBe(all.length);
    });

    it('shows a generation created behind the cursor on a later page', async () => {
      await saveAll(store, many);
      const full = await listing(store, 'alice');
      const { all } = await walk(store, 'alice', { first: 4, statuses: null }, async (_page, n) => {
        if (n === 0) await store.save(gen('late-but-old', { createdAt: 1 }));
      });
      expect(all).toEqual([...full, 'late-but-old']);
    });

    it('filters by status, across pages, keeping the order', async () => {
      await saveAll(store, many);
      const full = await listing(store, 'alice');
      const statusOf = new Map(many.map((g) => [g.id, g.status]));
      const want: GenerationStatus[] = ['COMPLETED', 'FAILED'];
      const expected = full.filter((id) => want.includes(statusOf.get(id)!));
      expect(expected.length).toBeGreaterThan(5);
      const { all } = await walk(store, 'alice', { first: 2, statuses: want });
      expect(all).toEqual(expected);
      const dup = await walk(store, 'alice', { first: 3, statuses: ['FAILED', 'COMPLETED', 'FAILED'] });
      expect(dup.all).toEqual(expected);
      const one = await walk(store, 'alice', { first: 100, statuses: ['TIMED_OUT'] });
      expect(one.all).toEqual(full.filter((id) => statusOf.get(id) === 'TIMED_OUT'));
    });

    it('treats null and empty statuses as "all"', async () => {
      await saveAll(store, many);
      const full = await listing(store, 'alice');
      expectNewestFirst(full, many);
      expect((await walk(store, 'alice', { first: 7, statuses: [] })).all).toEqual(full);
      expect((await walk(store, 'alice', { first: 7, statuses: null })).all).toEqual(full);
    });

    it('isolates owners', async () => {
      await saveAll(store, [
        gen('a1', { createdAt: 1 }),
        gen('b1', { owner: 'bob', createdAt: 2 }),
        gen('a2', { createdAt: 3 }),
        gen('b2', { owner: 'bob', createdAt: 4 }),
        gen('x', { owner: 'alice ', createdAt: 5 }),
      ]);
      expect((await walk(store, 'alice', { first: 1, statuses: null })).all).toEqual(['a2', 'a1']);
      expect((await walk(store, 'bob', { first: 1, statuses: null })).all).toEqual(['b2', 'b1']);
      expect((await walk(store, 'ALICE', { first: 1, statuses: null })).all).toEqual([]);
    });

    it('pages through createdAt ties with ids beyond ASCII, with stable cursors', async () => {
      // UTF-8 byte order and UTF-16 code-unit order disagree on U+FF01 and the emoji: a store
      // may break ties by either, as long as its cursors follow the order it lists in.
      const tied = ['a', 'B', 'b:1/2', '\uFF01', '\u{1F600}', 'é', 'e\u0301', '', 'a/b', 'a:b'].map((id) => gen(id));
      await saveAll(store, tied);
      const full = await listing(store, 'alice');
      expectNewestFirst(full, tied);
      expect((await walk(store, 'alice', { first: 3, statuses: null })).all).toEqual(full);
      expect((await walk(store, 'alice', { first: 1, statuses: null })).all).toEqual(full);
      for (const [k, id] of full.entries()) {
        const page = await store.list('alice', { first: 100, after: { createdAt: T0, id }, statuses: null });
        expect(ids(page.items)).toEqual(full.slice(k + 1));
      }
    });
  });

  describe('recentCompletions', () => {
    it('returns the most recent completions with a known input, oldest first', async () => {
      await saveAll(store, [
        completed('c1', 1_000, 30_000, { input: { ...gen('x').input, resolution: '1080p' } }),
        completed('c2', 2_000, 40_000, { input: { ...gen('x').input, duration: 8 } }),
        completed('adopted', 3_000, 1, { inputKnown: false }),
        gen('failed', { status: 'FAILED', completedAt: 100_000 }),
        gen('running', { status: 'GENERATING' }),
        completed('c3', 500, 10_000),
      ]);
      expect(await store.recentCompletions(10)).toEqual([
        { resolution: '720p', duration: 5, tookMs: 10_000 },
        { resolution: '1080p', duration: 5, tookMs: 30_000 },
        { resolution: '720p', duration: 8, tookMs: 40_000 },
      ]);
      expect(await store.recentCompletions(2)).toEqual([
        { resolution: '1080p', duration: 5, tookMs: 30_000 },
        { resolution: '720p', duration: 8, tookMs: 40_000 },
      ]);
      expect(await store.recentCompletions(1)).toEqual([{ resolution: '720p', duration: 8, tookMs: 40_000 }]);
    });

    it('orders equal completion times by first save, like the reference store', async () => {
      await saveAll(store, [completed('p', 0, 100), completed('q', 50, 50), completed('r', 90, 10)]);
      await store.save(completed('p', 0, 100, { providerStatus: 'succeeded' }));
      expect((await store.recentCompletions(3)).map((s) => s.tookMs)).toEqual([100, 50, 10]);
      expect((await store.recentCompletions(2)).map((s) => s.tookMs)).toEqual([50, 10]);
    });

    it('is empty for an empty store', async () => {
      expect(await store.recentCompletions(500)).toEqual([]);
    });
  });

  describe('idempotency keys', () => {
    const NOW = 1_000_000;
    const TTL = 60_000;

    it('claims, then shows the pending record, then the done record with the generation id', async () => {
      expect(await store.getKey('alice', 'k1', NOW)).toBeNull();
      expect(await store.claimKey('alice', 'k1', 'fp-1', NOW, TTL)).toEqual({ claimed: true });

      const pending = { owner: 'alice', key: 'k1', fingerprint: 'fp-1', state: 'pending', generationId: null, createdAt: NOW, expiresAt: NOW + TTL };
      expect(await store.claimKey('alice', 'k1', 'fp-other', NOW + 10, TTL)).toEqual({ claimed: false, record: pending });
      expect(await store.getKey('alice', 'k1', NOW + 10)).toEqual(pending);

      await store.save(gen('gen:1/x'));
      await store.completeKey('alice', 'k1', 'gen:1/x');
      const done = { ...pending, state: 'done', generationId: 'gen:1/x' };
      expect(await store.getKey('alice', 'k1', NOW + 20)).toEqual(done);
      expect(await store.claimKey('alice', 'k1', 'fp-1', NOW + 20, TTL)).toEqual({ claimed: false, record: done });
    });

    it('keeps keys per owner', async () => {
      expect(await store.claimKey('alice', 'k', 'fp-a', NOW, TTL)).toEqual({ claimed: true });
      expect(await store.claimKey('bob', 'k', 'fp-b', NOW, TTL)).toEqual({ claimed: true });
      expect((await store.getKey('bob', 'k', NOW))?.fingerprint).toBe('fp-b');
      // JSON-ish separators in owner or key cannot make two pairs collide.
      expect(await store.claimKey('a","b', 'c', 'fp', NOW, TTL)).toEqual({ claimed: true });
      expect(await store.claimKey('a', 'b","c', 'fp', NOW, TTL)).toEqual({ claimed: true });
    });

    it('marks a key in doubt, keeping it held', async () => {
      await store.claimKey('alice', 'k2', 'fp', NOW, TTL);
      await store.markKeyInDoubt('alice', 'k2');
      const rec = await store.getKey('alice', 'k2', NOW + 1);
      expect(rec).toMatchObject({ state: 'in_doubt', generationId: null, fingerprint: 'fp' });
      expect(await store.claimKey('alice', 'k2', 'fp', NOW + 1, TTL)).toEqual({ claimed: false, record: rec });
    });

    it('frees a released key for a new claim', async () => {
      await store.claimKey('alice', 'k3', 'fp', NOW, TTL);
      await store.releaseKey('alice', 'k3');
      expect(await store.getKey('alice', 'k3', NOW)).toBeNull();
      expect(await store.claimKey('alice', 'k3', 'fp-2', NOW + 5, TTL)).toEqual({ claimed: true });
      expect(await store.getKey('alice', 'k3', NOW + 5)).toMatchObject({ fingerprint: 'fp-2', state: 'pending', createdAt: NOW + 5 });
    });

    it('ignores expired records and lets them be reclaimed fresh', async () => {
      await store.claimKey('alice', 'k4', 'fp-old', NOW, TTL);
      await store.completeKey('alice', 'k4', 'old-gen');
      expect(await store.getKey('alice', 'k4', NOW + TTL - 1)).not.toBeNull();
      // expiresAt is exclusive: at NOW + TTL the record is gone.
      expect(await store.getKey('alice', 'k4', NOW + TTL)).toBeNull();
      expect(await store.claimKey('alice', 'k4', 'fp-new', NOW + TTL, TTL)).toEqual({ claimed: true });
      expect(await store.getKey('alice', 'k4', NOW + TTL)).toEqual({
        owner: 'alice',
        key: 'k4',
        fingerprint: 'fp-new',
        state: 'pending',
        generationId: null,
        createdAt: NOW + TTL,
        expiresAt: NOW + 2 * TTL,
      });
    });

    it('ignores complete / in-doubt / release on unknown keys', async () => {
      await store.completeKey('alice', 'none', 'g');
      await store.markKeyInDoubt('alice', 'none');
      await store.releaseKey('alice', 'none');
      expect(await store.getKey('alice', 'none', NOW)).toBeNull();
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimKey('alice', 'race', `fp-${i}`, NOW, TTL)));
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
    });
  });

  describe('health and close', () => {
    it('is healthy while open, not after close, and close is idempotent', async () => {
      expect(await store.healthy()).toBe(true);
      await store.close();
      expect(await store.healthy()).toBe(false);
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
});

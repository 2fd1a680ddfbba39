/**
 * Cluster mode: three gateway processes on one Redis and one simulated provider.
 */
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { GENERATE, READ, tempDir, UPDATES, waitFor } from '../utils/gateway.js';
import { runGatewayExpectingFailure, spawnGateway, type GatewayProcess } from '../utils/process.js';
import { hasRedis, startRedis } from '../utils/redis.js';

const available = hasRedis();
if (!available) {
  if (process.env.CI === 'true') throw new Error('redis-server is required in CI for the cluster tests');
  console.warn('\n!!! redis-server not found: SKIPPING the cluster-mode tests (install redis-server to run them) !!!\n');
}

type RedisHandle = Awaited<ReturnType<typeof startRedis>>;
let redis: RedisHandle;
let sim: Simulator;
const procs: GatewayProcess[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  if (!available) return;
  redis = await startRedis();
  sim = await startSimulator({ queueMs: 400, generateMs: 1200 });
});
afterAll(async () => {
  await sim?.stop();
  await redis?.stop();
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.dispose()));
  for (const p of procs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.kill('SIGKILL');
  await new Redis(redis.url).flushall().catch(() => undefined);
  sim?.stats.reset();
});

async function startInstances(n: number, env: Record<string, string> = {}): Promise<GatewayProcess[]> {
  const started = await Promise.all(
    Array.from({ length: n }, () =>
      spawnGateway({
        REDIS_URL: redis.url,
        AIMLAPI_KEY: sim.apiKey,
        AIMLAPI_BASE_URL: sim.url,
        POLL_INTERVAL_MS: '100',
        ADAPTIVE_POLLING: 'false',
        LEASE_MS: '1000',
        MAX_ACTIVE_GENERATIONS: '100',
        ARCHIVE_VIDEOS: 'false',
        DATA_DIR: tempDir(),
        LOG_LEVEL: 'info',
        ...env,
      }),
    ),
  );
  procs.push(...started);
  return started;
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await r.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function create(url: string, prompt: string, idempotencyKey?: string): Promise<string> {
  const d = await gql<{ generateVideo: { generation: { id: string } | null; userErrors: unknown[] } }>(url, GENERATE, {
    input: { prompt, ...(idempotencyKey ? { idempotencyKey } : {}) },
  });
  if (!d.generateVideo.generation) throw new Error(JSON.stringify(d.generateVideo.userErrors));
  return d.generateVideo.generation.id;
}

/** Subscribes over WebSocket; resolves with the statuses seen once the stream ends. */
function follow(url: string, id: string): { statuses: string[]; done: Promise<{ statuses: string[]; error: unknown }> } {
  const client = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 20, retryWait: async () => new Promise((r) => setTimeout(r, 200)), shouldRetry: () => true });
  clients.push(client);
  const statuses: string[] = [];
  const done = new Promise<{ statuses: string[]; error: unknown }>((resolve) => {
    client.subscribe<{ videoGenerationUpdates: { status: string } }>(
      { query: UPDATES, variables: { id } },
      {
        next: (v) => {
          const s = v.data?.videoGenerationUpdates.status;
          if (s && statuses.at(-1) !== s) statuses.push(s);
        },
        error: (error) => resolve({ statuses, error }),
        complete: () => resolve({ statuses, error: null }),
      },
    );
  });
  return { statuses, done };
}

describe.skipIf(!available)('cluster mode', () => {
  it('a subscriber on instance A receives the transitions of a generation created through instance B', async () => {
    const [a, b] = await startInstances(2);
    const id = await create(b!.url, 'a ferry in fog');
    const { done } = follow(a!.url, id);
    const { statuses, error } = await done;
    expect(error).toBeNull();
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(statuses).toContain('GENERATING');
    const read = await gql<{ videoGeneration: { status: string } }>(a!.url, READ, { id });
    expect(read.videoGeneration.status).toBe('COMPLETED');
  });

  it('with 3 instances and 30 generations the provider gets one read per generation per poll interval, not three', async () => {
    const instances = await startInstances(3);
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => create(instances[i % 3]!.url, `clip ${i}`)));
    // Every instance watches every generation, so every instance wants to poll each one.
    const streams = ids.flatMap((id) => instances.map((inst) => follow(inst.url, id).done));
    const results = await Promise.all(streams);
    expect(results.every((r) => r.error === null && r.statuses.at(-1) === 'COMPLETED')).toBe(true);
    // Each generation runs ~1.6 s at a 100 ms interval: one poller makes ~16 reads; three
    // uncoordinated pollers would make ~48. Allow for lease hand-offs and timing slack.
    const perGeneration = ids.map((id) => sim.stats.readsFor(id));
    const mean = perGeneration.reduce((a, b) => a + b, 0) / ids.length;
    expect(mean).toBeLessThan(24);
    expect(Math.max(...perGeneration)).toBeLessThan(30);
  });

  it('kill -9 of the instance holding the lease hands it over and every subscriber on the survivors receives COMPLETED', async () => {
    const [a, b, c] = await startInstances(3);
    const ids = await Promise.all([create(a!.url, 'one'), create(a!.url, 'two'), create(a!.url, 'three')]);
    // Only A polls at first (it created them); the others join when subscribers ask.
    const r = new Redis(redis.url);
    const health = (await (await fetch(`${a!.url}/health`)).json()) as { instance: string };
    await waitFor(async () => (await r.get(`cinegraph:lease:${encodeURIComponent(ids[0]!)}`)) === health.instance, 5000, 'A holds the lease');
    const watchers = ids.flatMap((id) => [follow(b!.url, id).done, follow(c!.url, id).done]);
    await new Promise((res) => setTimeout(res, 200));
    a!.kill('SIGKILL');
    const results = await Promise.all(watchers);
    await r.quit();
    for (const res of results) {
      expect(res.error).toBeNull();
      expect(res.statuses.at(-1)).toBe('COMPLETED');
    }
  });

  it('idempotency keys and budgets hold across instances', async () => {
    const instances = await startInstances(3, { MAX_ACTIVE_GENERATIONS: '2' });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        gql<{ generateVideo: { generation: { id: string } | null } }>(instances[i % 3]!.url, GENERATE, {
          input: { prompt: 'same everywhere', idempotencyKey: 'cluster-key' },
        }),
      ),
    );
    expect(new Set(answers.map((a) => a.generateVideo.generation?.id)).size).toBe(1);
    expect(sim.stats.generations).toBe(1);
    await create(instances[1]!.url, 'second');
    const third = await gql<{ generateVideo: { userErrors: { code: string }[] } }>(instances[2]!.url, GENERATE, { input: { prompt: 'third' } });
    expect(third.generateVideo.userErrors[0]?.code).toBe('RATE_LIMITED');
  });

  it('a Redis restart mid-generation loses no subscriber\'s terminal event, and readiness reports the outage', async () => {
    // A Redis of its own with the append-only file on, as the README recommends.
    const durable = await startRedis({ persistent: true });
    try {
      const [a, b] = await startInstances(2, { REDIS_URL: durable.url });
      const id = await create(a!.url, 'through the outage');
      const watchers = [follow(a!.url, id), follow(b!.url, id), follow(a!.url, id), follow(b!.url, id)];
      await waitFor(() => watchers.every((w) => w.statuses.length > 0), 5000, 'first events');
      await durable.stop();
      await waitFor(async () => (await fetch(`${a!.url}/ready`)).status === 503, 5000, 'readiness reports the outage');
      const body = (await (await fetch(`${a!.url}/ready`)).json()) as { problems: string[] };
      expect(body.problems.join(' ')).toMatch(/redis/);
      // Transitions happen at the provider while Redis is down.
      await new Promise((r) => setTimeout(r, 1800));
      await durable.restart();
      await waitFor(async () => (await fetch(`${a!.url}/ready`)).status === 200, 10_000, 'ready again');
      const results = await Promise.all(watchers.map((w) => w.done));
      for (const r of results) {
        expect(r.error).toBeNull();
        expect(r.statuses.at(-1)).toBe('COMPLETED');
      }
    } finally {
      await durable.stop();
    }
  });

  it('start-up with an unreachable REDIS_URL fails with one clear line', async () => {
    const r = await runGatewayExpectingFailure({ REDIS_URL: 'redis://127.0.0.1:1', DATA_DIR: tempDir(), AIMLAPI_KEY: 'k', AIMLAPI_BASE_URL: 'http://127.0.0.1:1' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/REDIS_URL .* is unreachable/);
  });
});

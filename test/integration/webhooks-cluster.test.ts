/**
 * Webhooks in cluster mode: three gateway processes on one Redis and one simulated provider,
 * delivering to one receiver that verifies every delivery with the `standardwebhooks` package.
 * Every subscribed event arrives, and (no instance being killed) no webhook-id arrives twice.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { GENERATE, tempDir, waitFor } from '../utils/gateway.js';
import { spawnGateway, type GatewayProcess } from '../utils/process.js';
import { hasRedis, startRedis, type RedisServer } from '../utils/redis.js';
import { startReceiver, type WebhookReceiver } from '../utils/webhook-receiver.js';

const available = hasRedis();
if (!available) {
  if (process.env.CI === 'true') throw new Error('redis-server is required in CI for the cluster tests');
  console.warn('\n!!! redis-server not found: SKIPPING the webhook cluster tests (install redis-server to run them) !!!\n');
}

let redis: RedisServer;
let sim: Simulator;
let rx: WebhookReceiver;
const procs: GatewayProcess[] = [];

beforeAll(async () => {
  if (!available) return;
  redis = await startRedis();
  sim = await startSimulator({ queueMs: 300, generateMs: 900 });
  rx = await startReceiver();
});
afterAll(async () => {
  await rx?.close();
  await sim?.stop();
  await redis?.stop();
});
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.kill('SIGKILL');
  await new Redis(redis.url).flushall().catch(() => undefined);
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
        GENERATE_RATE_PER_MINUTE: '1000',
        ARCHIVE_VIDEOS: 'false',
        DATA_DIR: tempDir(),
        LOG_LEVEL: 'info',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_SECRET_KEY: 'a-cluster-wide-key-of-at-least-32-characters',
        WEBHOOK_RETRY_SCHEDULE: '100,200,400,800',
        ...env,
      }, 60_000),
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

describe.skipIf(!available)('webhooks in cluster mode', () => {
  it('three instances, 30 generations: every subscribed event reaches the receiver, no webhook-id twice', async () => {
    const instances = await startInstances(3);
    const created = await gql<{ createWebhookEndpoint: { endpoint: { id: string } | null; secret: string | null } }>(
      instances[0]!.url,
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } secret userErrors { message } } }`,
      { input: { url: rx.url, events: ['VIDEO_GENERATION_COMPLETED', 'VIDEO_GENERATION_STATUS_CHANGED'] } },
    );
    rx.secret = created.createWebhookEndpoint.secret;
    expect(rx.secret).toMatch(/^whsec_/);

    const ids = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const d = await gql<{ generateVideo: { generation: { id: string } | null; userErrors: unknown[] } }>(instances[i % 3]!.url, GENERATE, {
          input: { prompt: `clip ${i}` },
        });
        if (!d.generateVideo.generation) throw new Error(JSON.stringify(d.generateVideo.userErrors));
        return d.generateVideo.generation.id;
      }),
    );
    // Reading a pending generation would make that instance read the provider too: wait for the
    // terminal events first, then read what each generation went through.
    await rx.waitFor((r) => new Set(r.filter((x) => x.body.type === 'video_generation.completed').map((x) => x.body.data.id)).size === 30, 30_000, '30 completed events');
    const expected: string[] = [];
    for (const id of ids) {
      const d = await gql<{ videoGeneration: { status: string; transitions: { status: string }[] } }>(
        instances[1]!.url,
        `query($id: ID!) { videoGeneration(id: $id) { status transitions { status } } }`,
        { id },
      );
      expect(d.videoGeneration.status).toBe('COMPLETED');
      expected.push(`${id} video_generation.completed COMPLETED`);
      for (const t of d.videoGeneration.transitions.slice(1)) expected.push(`${id} video_generation.status_changed ${t.status}`);
    }
    await rx.waitFor((r) => r.length >= expected.length, 15_000, `${expected.length} deliveries`);
    // Anything late or doubled would arrive now.
    await new Promise((r) => setTimeout(r, 1500));

    const got = rx.received.map((r) => `${r.body.data.id} ${r.body.type} ${r.body.data.status}`);
    expect(got.sort()).toEqual(expected.sort());
    const byId = new Map<string, number>();
    for (const r of rx.received) byId.set(r.id, (byId.get(r.id) ?? 0) + 1);
    expect([...byId.values()].every((n) => n === 1)).toBe(true);
    expect(rx.received.every((r) => r.verified)).toBe(true);

    // One attempt per arrival, logged by whichever instance made it; more than one instance sent.
    const attemptsPer = instances.map((p) => p.stdout.filter((l) => l.includes('"msg":"webhook attempt"')).length);
    expect(attemptsPer.reduce((a, b) => a + b, 0)).toBe(rx.received.length);
    expect(attemptsPer.filter((n) => n > 0).length).toBeGreaterThan(1);
  }, 90_000);

  it('an endpoint registered on one instance is heard at once by another that had looked its owner up', async () => {
    const [a, b] = await startInstances(2);
    const before = rx.received.length;
    const done = async (id: string): Promise<boolean> =>
      (await gql<{ videoGeneration: { status: string } }>(b!.url, `query($id: ID!) { videoGeneration(id: $id) { status } }`, { id })).videoGeneration.status === 'COMPLETED';
    // B commits this generation's transitions: it looks the owner's endpoints up (none) and caches that.
    const first = await gql<{ generateVideo: { generation: { id: string } } }>(b!.url, GENERATE, { input: { prompt: 'before any endpoint' } });
    for (let i = 0; i < 200 && !(await done(first.generateVideo.generation.id)); i++) await new Promise((r) => setTimeout(r, 50));
    // Registered on A: B must forget its cached "no endpoints" now, not when its cache expires.
    const created = await gql<{ createWebhookEndpoint: { secret: string | null } }>(
      a!.url,
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
      { input: { url: `${rx.url}/late` } },
    );
    rx.secret = created.createWebhookEndpoint.secret;
    const second = await gql<{ generateVideo: { generation: { id: string } } }>(b!.url, GENERATE, { input: { prompt: 'after the endpoint' } });
    const got = await rx.waitFor((r) => r.slice(before).some((x) => x.body.data.id === second.generateVideo.generation.id), 15_000, 'the second generation\'s event');
    expect(got.slice(before).every((x) => x.verified && x.body.data.id !== first.generateVideo.generation.id)).toBe(true);
  }, 60_000);

  it('a delivery pending when its instance is killed is sent by another instance', async () => {
    const [a, b] = await startInstances(2, { WEBHOOK_RETRY_SCHEDULE: '3000,3000', WEBHOOK_TIMEOUT_MS: '500' });
    const before = rx.received.length;
    // The receiver is unreachable for the first attempt (refused with 503), then fine.
    let n = 0;
    rx.respond = () => ({ status: ++n === 1 ? 503 : 200 });
    const created = await gql<{ createWebhookEndpoint: { secret: string | null } }>(
      a!.url,
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
      { input: { url: `${rx.url}/kill` } },
    );
    rx.secret = created.createWebhookEndpoint.secret;
    const d = await gql<{ generateVideo: { generation: { id: string } } }>(a!.url, GENERATE, { input: { prompt: 'handed over' } });
    const id = d.generateVideo.generation.id;
    await rx.waitFor((r) => r.length > before, 15_000, 'the first attempt');
    // Whichever instance made the first attempt (A, in practice: it polls what it created) holds
    // the retry, due in ~3 s. Kill it; the other must send the retry.
    const attempted = (p: GatewayProcess): boolean => p.stdout.some((l) => l.includes('"msg":"webhook attempt"') && l.includes('"outcome":"http_error"'));
    const first = await waitFor(() => (attempted(a!) ? a! : attempted(b!) ? b! : null), 5000, 'the attempt logged');
    const survivor = first === a ? b! : a!;
    first.kill('SIGKILL');
    await rx.waitFor((r) => r.slice(before).some((x) => x.body.data.id === id && x.headers['webhook-id'] === r[before]!.id && x.n > before + 1), 20_000, 'the retry from the survivor');
    const retries = rx.received.slice(before);
    expect(retries.length).toBe(2);
    expect(retries[0]!.id).toBe(retries[1]!.id);
    expect(retries.every((r) => r.verified)).toBe(true);
    // The survivor logs the attempt once its outcome is recorded, just after the receiver answered.
    await waitFor(() => survivor.stdout.some((l) => l.includes('"msg":"webhook attempt"') && l.includes('"outcome":"delivered"')), 5000, "the survivor's attempt");
    rx.respond = () => ({ status: 204 });
  }, 60_000);
});

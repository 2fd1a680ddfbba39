/**
 * Never lose a paid result: a generation becomes TIMED_OUT only on the provider's word, a
 * gateway that was down or a provider that could not be asked past the deadline still ends
 * with the finished video, a late result moves TIMED_OUT → COMPLETED, a subscription whose
 * generation disappears ends with NOT_FOUND, and the video URL a client saved keeps working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { collectWs, GENERATE, READ, startGateway, tempDir, UPDATES, waitFor, type TestGateway } from '../utils/gateway.js';
import { spawnGateway, type GatewayProcess } from '../utils/process.js';
import { skipRedisTests, startRedis } from '../utils/redis.js';

interface Read {
  videoGeneration: {
    id: string;
    status: string;
    video: { url: string; providerUrl: string | null } | null;
    error: { code: string; message: string } | null;
    transitions: { status: string }[];
  } | null;
}
interface Update {
  videoGenerationUpdates: { status: string; video: { url: string } | null; error: { code: string } | null };
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
});

async function sim(opts: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const s = await startSimulator({ queueMs: 100, generateMs: 400, ...opts });
  cleanup.push(() => s.stop());
  return s;
}

async function gateway(simulator: Simulator, env: Record<string, string> = {}, dataDir = tempDir()): Promise<TestGateway> {
  const gw = await startGateway({ simulator, dataDir, env });
  cleanup.push(() => gw.stop());
  return gw;
}

async function create(gw: { gql: TestGateway['gql'] }, prompt: string): Promise<string> {
  const r = await gw.gql<{ generateVideo: { generation: { id: string } | null } }>(GENERATE, { input: { prompt } });
  const id = r.body.data?.generateVideo.generation?.id;
  if (!id) throw new Error(`create failed: ${JSON.stringify(r.body)}`);
  return id;
}

async function post<T>(url: string, query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors?: unknown[] }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: T; errors?: unknown[] };
}

describe('TIMED_OUT only on the provider\'s word', () => {
  it('a generation the provider still shows in progress past the deadline is TIMED_OUT', async () => {
    const s = await sim();
    const gw = await gateway(s, { GENERATION_TIMEOUT_MS: '1000' });
    const id = await create(gw, 'a slow one [sim:never]');
    const done = await collectWs<Update>(gw.ws(), UPDATES, { id });
    expect(done.results.at(-1)?.videoGenerationUpdates.status).toBe('TIMED_OUT');
    expect(done.results.at(-1)?.videoGenerationUpdates.error?.code).toBe('TIMED_OUT');
  });

  it.each(['5xx', 'refuse'] as const)('a provider outage (%s) longer than the timeout ends COMPLETED once the provider answers', async (mode) => {
    const s = await sim({ queueMs: 50, generateMs: 300 });
    const gw = await gateway(s, { GENERATION_TIMEOUT_MS: '1000' });
    const id = await create(gw, 'through the storm');
    const outage = s.outage({ mode, durationMs: 2500 });
    const stream = collectWs<Update>(gw.ws(), UPDATES, { id });
    // Well past the deadline while nobody could ask: still not TIMED_OUT.
    await new Promise((r) => setTimeout(r, 1800));
    expect((await gw.gql<Read>(READ, { id })).body.data?.videoGeneration?.status).not.toBe('TIMED_OUT');
    await outage.ended;
    const done = await stream;
    expect(done.errors).toEqual([]);
    expect(done.results.map((r) => r.videoGenerationUpdates.status)).not.toContain('TIMED_OUT');
    expect(done.results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
    expect(done.results.at(-1)?.videoGenerationUpdates.video?.url).toBeTruthy();
  });
});

describe('late recovery', () => {
  it('a generation the provider finishes after the gateway timed it out moves TIMED_OUT → COMPLETED, seen by a query and the history', async () => {
    const s = await sim();
    const gw = await gateway(s, { GENERATION_TIMEOUT_MS: '1000', LATE_RESULT_SCHEDULE_MS: '300,600' });
    const id = await create(gw, 'fashionably late [sim:late=2000]');
    const first = await collectWs<Update>(gw.ws(), UPDATES, { id });
    expect(first.results.at(-1)?.videoGenerationUpdates.status).toBe('TIMED_OUT');
    const read = await waitFor(async () => {
      const r = (await gw.gql<Read>(READ, { id })).body.data?.videoGeneration;
      return r?.status === 'COMPLETED' ? r : null;
    }, 10_000, 'the late result');
    expect(read.transitions.map((t) => t.status)).toEqual(['QUEUED', 'GENERATING', 'TIMED_OUT', 'COMPLETED']);
    expect(read.error).toBeNull();
    expect(read.video?.url).toBeTruthy();
    const history = await gw.gql<{ videoGenerations: { edges: { node: { id: string; status: string } }[] } }>(
      '{ videoGenerations { edges { node { id status } } } }',
    );
    expect(history.body.data?.videoGenerations.edges).toEqual([{ node: { id, status: 'COMPLETED' } }]);
    // A subscription opened now gets the recovered state and completes.
    const again = await collectWs<Update>(gw.ws(), UPDATES, { id });
    expect(again.results.map((r) => r.videoGenerationUpdates.status)).toEqual(['COMPLETED']);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/^cinegraph_late_results_total 1$/m);
    await waitFor(async () => (await gw.gql<{ videoGeneration: { video: { archived: boolean } } }>(
      'query ($id: ID!) { videoGeneration(id: $id) { video { archived } } }', { id },
    )).body.data?.videoGeneration.video.archived, 5000, 'the late video to be archived');
  });
});

describe('a stable video URL', () => {
  it('the video.url of the COMPLETED event still answers with the video after the provider\'s URL stops answering', async () => {
    const s = await sim({ queueMs: 20, generateMs: 100 });
    const gw = await gateway(s);
    const id = await create(gw, 'keep this one');
    const done = await collectWs<Update>(gw.ws(), UPDATES, { id });
    const url = done.results.at(-1)?.videoGenerationUpdates.video?.url;
    expect(url?.startsWith(`${gw.url}/videos/`)).toBe(true);
    const early = await fetch(url!);
    expect(early.status).toBe(200);
    expect((await early.arrayBuffer()).byteLength).toBeGreaterThan(0);
    await waitFor(async () => (await gw.gql<{ videoGeneration: { video: { archived: boolean } } }>(
      'query ($id: ID!) { videoGeneration(id: $id) { video { archived } } }', { id },
    )).body.data?.videoGeneration.video.archived, 5000, 'the video to be archived');
    s.expireVideos();
    const read = (await gw.gql<Read>(READ, { id })).body.data?.videoGeneration;
    expect((await fetch(read!.video!.providerUrl!)).status).toBe(404);
    const later = await fetch(url!);
    expect(later.status).toBe(200);
    expect(later.headers.get('content-type')).toMatch(/^video\//);
    expect(read?.video?.url).toBe(url);
  });

  it('with ARCHIVE_VIDEOS=false the URL is the provider\'s', async () => {
    const s = await sim({ queueMs: 20, generateMs: 100 });
    const gw = await gateway(s, { ARCHIVE_VIDEOS: 'false' });
    const id = await create(gw, 'no archive');
    const done = await collectWs<Update>(gw.ws(), UPDATES, { id });
    expect(done.results.at(-1)?.videoGenerationUpdates.video?.url.startsWith(s.url)).toBe(true);
  });
});

describe.skipIf(skipRedisTests('the restart and store-loss tests on Redis'))('restart after downtime, and a store that loses a generation', () => {
  for (const storeKind of ['sqlite', 'redis'] as const) {
    it(`a gateway killed with SIGKILL and restarted after longer than the timeout ends the generation COMPLETED (${storeKind})`, async () => {
      const s = await sim({ queueMs: 200, generateMs: 800 });
      const env: Record<string, string> = {
        AIMLAPI_KEY: s.apiKey,
        AIMLAPI_BASE_URL: s.url,
        DATA_DIR: tempDir(),
        GENERATION_TIMEOUT_MS: '1000',
        POLL_INTERVAL_MS: '100',
      };
      if (storeKind === 'redis') {
        const redis = await startRedis();
        cleanup.push(() => redis.stop());
        env.REDIS_URL = redis.url;
      }
      let proc: GatewayProcess = await spawnGateway(env);
      cleanup.push(async () => proc.kill('SIGKILL'));
      const created = await post<{ generateVideo: { generation: { id: string } } }>(proc.url, GENERATE, { input: { prompt: 'while we were away' } });
      const id = created.data!.generateVideo.generation.id;
      proc.kill('SIGKILL');
      await proc.exited;
      // Down for longer than the timeout; the provider finishes meanwhile.
      await new Promise((r) => setTimeout(r, 2000));
      proc = await spawnGateway(env);
      const read = await waitFor(async () => {
        const r = await post<Read>(proc.url, READ, { id });
        const g = r.data?.videoGeneration;
        return g && g.status !== 'QUEUED' && g.status !== 'GENERATING' ? g : null;
      }, 10_000, 'a terminal status after the restart');
      expect(read.status).toBe('COMPLETED');
      expect(read.video?.url).toBeTruthy();
      expect(read.transitions.map((t) => t.status)).not.toContain('TIMED_OUT');
    });
  }

  it('a subscription whose generation is removed from the store ends with NOT_FOUND', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const s = await sim();
    const gw = await gateway(s, { REDIS_URL: redis.url, LEASE_MS: '300' });
    const id = await create(gw, 'here today [sim:never]');
    const client = gw.ws();
    const stream = collectWs<Update>(client, UPDATES, { id });
    await waitFor(async () => (await gw.gql<Read>(READ, { id })).body.data?.videoGeneration?.status === 'GENERATING', 5000, 'GENERATING');
    const r = new Redis(redis.url);
    await r.flushall();
    r.disconnect();
    const done = await stream;
    expect(done.errors).toHaveLength(1);
    expect(JSON.stringify(done.errors[0])).toContain('NOT_FOUND');
  });
});

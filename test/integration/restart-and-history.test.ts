import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { collectWs, GENERATE, READ, startGateway, tempDir, UPDATES, waitFor, type TestGateway } from '../utils/gateway.js';
import { runGatewayExpectingFailure } from '../utils/process.js';

interface UpdateData {
  videoGenerationUpdates: { status: string; video: { url: string } | null };
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function gateway(sim: Simulator, dataDir: string): Promise<TestGateway> {
  const gw = await startGateway({ simulator: sim, dataDir });
  cleanup.push(() => gw.stop());
  return gw;
}

describe('restart without loss', () => {
  it('a gateway stopped mid-generation completes it after a restart on the same DATA_DIR, and the reconnected subscriber gets COMPLETED', async () => {
    const sim = await startSimulator({ queueMs: 300, generateMs: 1500 });
    cleanup.push(() => sim.stop());
    const dataDir = tempDir();

    const first = await gateway(sim, dataDir);
    const { body } = await first.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'a train crossing a bridge' } });
    const id = body.data!.generateVideo.generation.id;
    const seen: string[] = [];
    const firstStream = collectWs<UpdateData>(first.ws(), UPDATES, { id });
    await waitFor(async () => {
      const r = await first.gql<{ videoGeneration: { status: string } }>(READ, { id });
      return r.body.data?.videoGeneration.status === 'GENERATING';
    }, 5000, 'GENERATING');
    await first.stop();
    const interrupted = await firstStream;
    seen.push(...interrupted.results.map((r) => r.videoGenerationUpdates.status));
    expect(seen).not.toContain('COMPLETED');

    // The generation finishes at the provider while no gateway is running.
    await new Promise((r) => setTimeout(r, 1600));

    const second = await gateway(sim, dataDir);
    const resumed = await collectWs<UpdateData>(second.ws(), UPDATES, { id });
    expect(resumed.errors).toEqual([]);
    const statuses = resumed.results.map((r) => r.videoGenerationUpdates.status);
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(resumed.results.at(-1)?.videoGenerationUpdates.video?.url).toBeTruthy();
    const read = await second.gql<{ videoGeneration: { status: string; transitions: { status: string }[] } }>(READ, { id });
    expect(read.body.data?.videoGeneration.transitions.map((t) => t.status)).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
  });

  it('keeps history, idempotency keys and learned timings across a restart', async () => {
    const sim = await startSimulator({ queueMs: 20, generateMs: 80 });
    cleanup.push(() => sim.stop());
    const dataDir = tempDir();
    const first = await gateway(sim, dataDir);
    const input = { prompt: 'a lantern festival', idempotencyKey: 'keep-me' };
    const a = await first.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input });
    const id = a.body.data!.generateVideo.generation.id;
    await collectWs(first.ws(), UPDATES, { id });
    await first.stop();

    const second = await gateway(sim, dataDir);
    const again = await second.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input });
    expect(again.body.data?.generateVideo.generation.id).toBe(id);
    expect(sim.stats.generations).toBe(1);
    const list = await second.gql<{ videoGenerations: { edges: { node: { id: string } }[] } }>('{ videoGenerations { edges { node { id } } } }');
    expect(list.body.data?.videoGenerations.edges.map((e) => e.node.id)).toEqual([id]);
    // The estimate for the next 720p/5 s generation comes from the one that completed (~0.1 s), not the published 35 s.
    const next = await second.gql<{ generateVideo: { generation: { id: string; estimatedCompletionAt: string; createdAt: string } } }>(
      `mutation { generateVideo(input: { prompt: "next" }) { generation { id estimatedCompletionAt createdAt } } }`,
    );
    const g = next.body.data!.generateVideo.generation;
    expect(Date.parse(g.estimatedCompletionAt) - Date.parse(g.createdAt)).toBeLessThan(5000);
  });
});

describe('history', () => {
  it('pages newest first across pages with stable cursors, and filters by status', async () => {
    const sim = await startSimulator({ queueMs: 20, generateMs: 50 });
    cleanup.push(() => sim.stop());
    const gw = await gateway(sim, tempDir());
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const prompt = i % 3 === 0 ? `clip ${i} [sim:fail]` : `clip ${i}`;
      const r = await gw.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt } });
      ids.push(r.body.data!.generateVideo.generation.id);
      await new Promise((res) => setTimeout(res, 3));
    }
    await waitFor(() => gw.app.scheduler.active === 0, 10_000, 'all finished');
    const PAGE = `query ($first: Int, $after: String, $status: [VideoGenerationStatus!]) {
      videoGenerations(first: $first, after: $after, status: $status) {
        edges { cursor node { id status } } pageInfo { hasNextPage hasPreviousPage endCursor }
      } }`;
    type PageData = { videoGenerations: { edges: { cursor: string; node: { id: string; status: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null } } };
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r: { body: { data?: PageData } } = await gw.gql<PageData>(PAGE, { first: 3, after });
      const page: PageData["videoGenerations"] = r.body.data!.videoGenerations;
      seen.push(...page.edges.map((e) => e.node.id));
      pages++;
      if (pages === 1) {
        // An insert between pages must not shift the next page.
        await gw.gql(GENERATE, { input: { prompt: 'inserted later' } });
      }
      if (!page.pageInfo.hasNextPage) break;
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const failed = await gw.gql<PageData>(PAGE, { first: 10, status: ['FAILED'] });
    expect(failed.body.data?.videoGenerations.edges.map((e) => e.node.id)).toEqual([ids[6], ids[3], ids[0]]);
    const bad = await gw.gql(PAGE, { first: 3, after: 'not-a-cursor' });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await gw.gql(PAGE, { first: 1000 });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('start-up refuses a bad DATA_DIR with one clear line', () => {
  it('a corrupt database', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'cinegraph.db'), Buffer.from('this is not a database, just some bytes '.repeat(200)));
    const r = await runGatewayExpectingFailure({ DATA_DIR: dir });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cinegraph\.db/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('a DATA_DIR that cannot be created', async () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const r = await runGatewayExpectingFailure({ DATA_DIR: path.join(blocker, 'data') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/DATA_DIR|data/);
  });

  it('a DATA_DIR that is read-only', async () => {
    const dir = path.join(tempDir(), 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    // Root ignores permission bits; a read-only bind is what a container would use. Both cases
    // must fail cleanly: as root, fall back to a path on a read-only file system.
    const target = process.getuid?.() === 0 ? '/proc/cinegraph-data' : dir;
    const r = await runGatewayExpectingFailure({ DATA_DIR: target });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad configuration value', async () => {
    const r = await runGatewayExpectingFailure({ PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('cinegraph: PORT must be a whole number, got "eighty"');
  });
});

/**
 * Provider faults in combination, with WebSocket and SSE subscribers on every generation at
 * once, while another client keeps being served. Single faults are covered in provider-faults.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collectSse, collectWs, GENERATE, READ, startGateway, UPDATES, type TestGateway } from '../utils/gateway.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdefgh';

interface Update {
  videoGenerationUpdates: { status: string; error: { code: string; message: string } | null; video: { url: string } | null };
}

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

async function create(g: TestGateway, prompt: string, token: string): Promise<string> {
  const r = await g.gql<{ generateVideo: { generation: { id: string } | null; userErrors: unknown[] } }>(
    GENERATE,
    { input: { prompt } },
    { authorization: `Bearer ${token}` },
  );
  const id = r.body.data?.generateVideo.generation?.id;
  if (!id) throw new Error(JSON.stringify(r.body));
  return id;
}

function watchBoth(g: TestGateway, id: string, token: string) {
  return Promise.all([
    collectWs<Update>(g.ws({ authorization: `Bearer ${token}` }), UPDATES, { id }),
    collectSse<Update>(g.url, UPDATES, { id }, { authorization: `Bearer ${token}` }),
  ]);
}

describe('fault matrix', () => {
  it('survives every read fault at once, ends each generation in its right terminal state, and keeps serving another client', async () => {
    gw = await startGateway({
      env: { GATEWAY_TOKENS: `alice:${ALICE},bob:${BOB}`, GENERATION_TIMEOUT_MS: '3000' },
      sim: { queueMs: 100, generateMs: 400 },
    });
    const sim = gw.sim;
    const cases: Array<{ prompt: string; expect: string; code?: string }> = [
      { prompt: 'plain', expect: 'COMPLETED' },
      { prompt: 'old words [sim:legacy]', expect: 'COMPLETED' },
      { prompt: 'new words [sim:unknown-status]', expect: 'COMPLETED' },
      { prompt: 'many files [sim:video-array]', expect: 'COMPLETED' },
      { prompt: 'broken [sim:fail]', expect: 'FAILED' },
      { prompt: 'broken detail [sim:fail-detail]', expect: 'FAILED' },
      { prompt: 'no url [sim:done-without-url]', expect: 'FAILED' },
      { prompt: 'old failure [sim:legacy-fail]', expect: 'FAILED' },
      { prompt: 'forever [sim:never]', expect: 'TIMED_OUT', code: 'TIMED_OUT' },
    ];
    const ids = await Promise.all(cases.map((c) => create(gw!, c.prompt, ALICE)));
    // Every kind of read fault, interleaved, for all generations at once.
    sim.inject({ type: 'status', status: 429, retryAfter: 1 }, { times: 3 });
    sim.inject({ type: 'status', status: 429 }, { times: 3 });
    for (const status of [500, 502, 503, 504] as const) sim.inject({ type: 'status', status }, { times: 4 });
    sim.inject({ type: 'hang' }, { times: 2 });
    sim.inject({ type: 'reset' }, { times: 3 });
    sim.inject({ type: 'non-json' }, { times: 3 });
    const streams = Promise.all(ids.map((id) => watchBoth(gw!, id, ALICE)));

    // Meanwhile Bob is served: a create that succeeds, reads and a list.
    const bobId = await create(gw, 'bob is unaffected', BOB);
    const bobRead = await gw.gql<{ videoGeneration: { status: string } | null }>(READ, { id: bobId }, { authorization: `Bearer ${BOB}` });
    expect(bobRead.status).toBe(200);
    expect(bobRead.body.data?.videoGeneration).not.toBeNull();

    const results = await streams;
    results.forEach(([ws, sse], i) => {
      for (const stream of [ws, sse]) {
        expect(stream.errors, cases[i]!.prompt).toEqual([]);
        const last = stream.results.at(-1)?.videoGenerationUpdates;
        expect(last?.status, cases[i]!.prompt).toBe(cases[i]!.expect);
        if (cases[i]!.expect === 'COMPLETED') expect(last?.video?.url).toBeTruthy();
        else expect(last?.error?.message).toBeTruthy();
        if (cases[i]!.code) expect(last?.error?.code).toBe(cases[i]!.code);
      }
    });
    // No create was ever sent twice: one per request made.
    expect(sim.stats.creates).toBe(cases.length + 1);
    expect(sim.stats.generations).toBe(cases.length + 1);
  });

  it('out of credits (403) is UPSTREAM_REJECTED with the provider message; a bad key (401) is UPSTREAM_UNAVAILABLE', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'status', status: 403, message: 'Insufficient credits: top up your balance' }, { on: 'create' });
    const r = await gw.gql<{ generateVideo: { userErrors: { code: string; message: string }[] } }>(GENERATE, { input: { prompt: 'x' } });
    expect(r.body.data?.generateVideo.userErrors[0]?.code).toBe('UPSTREAM_REJECTED');
    expect(r.body.data?.generateVideo.userErrors[0]?.message).toContain('Insufficient credits');
    gw.sim.inject({ type: 'status', status: 401 }, { on: 'create' });
    const u = await gw.gql<{ generateVideo: { userErrors: { code: string; message: string }[] } }>(GENERATE, { input: { prompt: 'y' } });
    expect(u.body.data?.generateVideo.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gw.sim.stats.creates).toBe(2);
  });
});

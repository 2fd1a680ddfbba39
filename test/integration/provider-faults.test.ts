/**
 * Provider faults through the gateway. Read faults strike while a generation runs and two
 * subscribers (one per transport) follow it: none of them may lose the subscription or the
 * terminal event. Create faults become the right userErrors, and a create is never sent twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Fault, InjectOptions } from '../../src/simulator/types.js';
import { startGateway, waitFor, type TestGateway } from '../utils/gateway.js';
import {
  expectLifecycleInvariants,
  GENERATE_FULL,
  generate,
  PHASE_MS,
  read,
  SimClock,
  statuses,
  watchSse,
  watchWs,
  type GeneratePayload,
} from '../utils/generation-helpers.js';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

interface ReadFault {
  name: string;
  fault: Fault;
  times: number;
}

// The harness's upstream client: read timeout 500 ms, 4 retries per read, 10..200 ms backoff.
// Bursts longer than 5 make a whole poll fail, so the hub's own backoff is exercised too.
const READ_FAULTS: ReadFault[] = [
  { name: '429 with Retry-After', fault: { type: 'status', status: 429, retryAfter: 1 }, times: 2 },
  { name: '429 without Retry-After', fault: { type: 'status', status: 429 }, times: 3 },
  { name: 'a burst of 500', fault: { type: 'status', status: 500 }, times: 7 },
  { name: 'a burst of 502', fault: { type: 'status', status: 502 }, times: 4 },
  { name: 'a burst of 503', fault: { type: 'status', status: 503, message: 'Service unavailable: maintenance' }, times: 6 },
  { name: 'a burst of 504', fault: { type: 'status', status: 504 }, times: 4 },
  { name: 'a hung read (past the read timeout)', fault: { type: 'hang' }, times: 1 },
  { name: 'connection resets', fault: { type: 'reset' }, times: 3 },
  { name: 'a non-JSON 200 (an HTML page from a proxy)', fault: { type: 'non-json' }, times: 3 },
];

describe('core faults: reads', () => {
  it.each(READ_FAULTS)('$name ($times×) while WS and SSE subscribers watch: both still get COMPLETED', async ({ fault, times }) => {
    const clock = new SimClock();
    gw = await startGateway({ sim: { queueMs: PHASE_MS, generateMs: PHASE_MS, now: clock.now } });
    const id = await generate(gw, { prompt: 'A fox running through snow' });
    const ws = watchWs(gw.ws(), id);
    const sse = watchSse(gw.url, id);
    // Both subscriptions are established (first event in hand) before the faults start.
    await Promise.all([ws.nth(1), sse.nth(1)]);
    const readsBefore = gw.sim.stats.readsFor(id);
    const opts: InjectOptions = { times, on: 'read' };
    gw.sim.inject(fault, opts);
    // The provider moves on while it is failing: the faults (first in line) are all consumed
    // before any read can report GENERATING.
    clock.advance(PHASE_MS);
    await Promise.all([ws.nth(2), sse.nth(2)]);
    clock.advance(PHASE_MS);

    const [wsEnd, sseEnd] = await Promise.all([ws.ended, sse.ended]);
    for (const [name, s, end] of [['ws', ws, wsEnd], ['sse', sse, sseEnd]] as const) {
      expect(end, name).toBe('complete');
      expect(s.errors, name).toEqual([]);
      expect(s.events.at(-1)?.status, name).toBe('COMPLETED');
      expect(s.events.at(-1)?.video?.url, name).toMatch(/\.mp4$/);
      expectLifecycleInvariants(s.events);
      // Faults delay transitions; they never invent or repeat one.
      expect(statuses(s.events).filter((x) => x === 'COMPLETED')).toHaveLength(1);
    }
    // Every fault was consumed by a read of this generation (faulted reads count too), and the
    // generation still finished: the faults really hit the running generation.
    expect(gw.sim.stats.readsFor(id)).toBeGreaterThanOrEqual(readsBefore + times + 1);
    expect((await read(gw, id))?.status).toBe('COMPLETED');
    await waitFor(() => gw!.app.scheduler.active === 0, 3000, 'the poller to stop');
  });

  it('a fault on the subscription-start read does not fail the subscription', async () => {
    const clock = new SimClock();
    gw = await startGateway({ sim: { queueMs: PHASE_MS, generateMs: PHASE_MS, now: clock.now } });
    const id = await generate(gw, { prompt: 'A windmill at sunrise' });
    // Enough 503s to exhaust one whole read call (1 + 4 retries).
    gw.sim.inject({ type: 'status', status: 503 }, { times: 5, on: 'read' });
    const ws = watchWs(gw.ws(), id);
    const sse = watchSse(gw.url, id);
    await Promise.all([ws.nth(1), sse.nth(1)]);
    clock.advance(2 * PHASE_MS);
    await Promise.all([ws.ended, sse.ended]);
    for (const s of [ws, sse]) {
      expect(s.end).toBe('complete');
      expect(s.errors).toEqual([]);
      expect(s.events.at(-1)?.status).toBe('COMPLETED');
      expectLifecycleInvariants(s.events);
    }
  });
});

async function createWith(g: TestGateway, prompt = 'A clock tower at noon'): Promise<{ status: number; text: string; payload: GeneratePayload['generateVideo'] }> {
  const res = await fetch(`${g.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: GENERATE_FULL, variables: { input: { prompt } } }),
  });
  const text = await res.text();
  const body = JSON.parse(text) as { data?: GeneratePayload; errors?: unknown[] };
  if (!body.data) throw new Error(`no data: ${text}`);
  return { status: res.status, text, payload: body.data.generateVideo };
}

describe('core faults: creates', () => {
  it('429 with Retry-After → RATE_LIMITED with retryAfterSeconds from the header', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'status', status: 429, retryAfter: 7 }, { on: 'create' });
    const { status, payload } = await createWith(gw);
    expect(status).toBe(200);
    expect(payload.generation).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    expect(payload.userErrors[0]).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 7, field: null });
    expect(gw.sim.stats.creates).toBe(1);
    expect(gw.sim.stats.generations).toBe(0);
  });

  it('429 without Retry-After → RATE_LIMITED with a positive retryAfterSeconds', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'status', status: 429 }, { on: 'create' });
    const { payload } = await createWith(gw);
    expect(payload.generation).toBeNull();
    expect(payload.userErrors[0]?.code).toBe('RATE_LIMITED');
    expect(payload.userErrors[0]?.retryAfterSeconds).toBeGreaterThan(0);
    expect(gw.sim.stats.creates).toBe(1);
  });

  it.each([400, 403] as const)('%i → UPSTREAM_REJECTED carrying the provider message', async (code) => {
    gw = await startGateway();
    const message = code === 400 ? 'prompt: violates the content policy' : 'Forbidden: not enough credits';
    gw.sim.inject({ type: 'status', status: code, message }, { on: 'create' });
    const { status, payload } = await createWith(gw);
    expect(status).toBe(200);
    expect(payload.generation).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    expect(payload.userErrors[0]?.code).toBe('UPSTREAM_REJECTED');
    expect(payload.userErrors[0]?.message).toContain(message);
    expect(gw.sim.stats.creates).toBe(1);
  });

  it('500 → UPSTREAM_UNAVAILABLE, and the create was sent exactly once', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'status', status: 500 }, { on: 'create', times: 5 });
    const { payload } = await createWith(gw);
    expect(payload.generation).toBeNull();
    expect(payload.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gw.sim.stats.creates).toBe(1);
    expect(gw.sim.stats.generations).toBe(0);
  });

  it.each([502, 503, 504] as const)('%i → UPSTREAM_UNAVAILABLE, sent once', async (code) => {
    gw = await startGateway();
    gw.sim.inject({ type: 'status', status: code }, { on: 'create', times: 5 });
    const { payload } = await createWith(gw);
    expect(payload.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gw.sim.stats.creates).toBe(1);
  });

  it('a connection reset on create → UPSTREAM_UNAVAILABLE, sent once (its fate is unknown)', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'reset' }, { on: 'create', times: 5 });
    const { payload } = await createWith(gw);
    expect(payload.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gw.sim.stats.creates).toBe(1);
  });

  it('a hung create → UPSTREAM_UNAVAILABLE after the create timeout, sent once', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'hang' }, { on: 'create', times: 5 });
    const started = Date.now();
    const { payload } = await createWith(gw);
    const took = Date.now() - started;
    expect(payload.generation).toBeNull();
    expect(payload.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    // The harness sets createTimeoutMs to 1000.
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(3000);
    expect(gw.sim.stats.creates).toBe(1);
  });

  it('401 → UPSTREAM_UNAVAILABLE, and the response never contains the API key', async () => {
    gw = await startGateway();
    // A provider that echoes the key it refused, as some do.
    gw.sim.inject({ type: 'status', status: 401, message: `Invalid API key ${gw.sim.apiKey}` }, { on: 'create' });
    const { text, payload } = await createWith(gw);
    expect(payload.generation).toBeNull();
    expect(payload.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(text).not.toContain(gw.sim.apiKey);
    expect(gw.sim.stats.creates).toBe(1);
  });

  it('a wrong key (real 401s) → UPSTREAM_UNAVAILABLE on create, null on lookup, and no response contains the key', async () => {
    const wrongKey = 'sk-wrong-key-0123456789abcdef';
    gw = await startGateway({ env: { AIMLAPI_KEY: wrongKey } });
    const { text, payload } = await createWith(gw);
    expect(payload.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(text).not.toContain(wrongKey);
    const lookup = await gw.gql('query { videoGeneration(id: "abc:pixverse/v5/text-to-video") { id } }');
    expect(JSON.stringify(lookup.body)).not.toContain(wrongKey);
    expect(lookup.status).toBeLessThan(500);
  });

  it('a 400 whose message echoes the key is passed on with the key redacted', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'status', status: 400, message: `bad request for key ${gw.sim.apiKey}: prompt rejected` }, { on: 'create' });
    const { text, payload } = await createWith(gw);
    expect(payload.userErrors[0]?.code).toBe('UPSTREAM_REJECTED');
    expect(payload.userErrors[0]?.message).toContain('prompt rejected');
    expect(text).not.toContain(gw.sim.apiKey);
  });

  it('after a failed create the gateway still creates normally', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'status', status: 503 }, { on: 'create' });
    const first = await createWith(gw);
    expect(first.payload.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    const id = await generate(gw, { prompt: 'A clock tower at noon' });
    const ws = watchWs(gw.ws(), id);
    expect(await ws.ended).toBe('complete');
    expect(ws.events.at(-1)?.status).toBe('COMPLETED');
    expect(gw.sim.stats.creates).toBe(2);
    expect(gw.sim.stats.generations).toBe(1);
  });
});

/**
 * Ids: unknown ones, ones the provider knows but the gateway never saw (with ':' and '/'), and
 * generations that are already over when someone subscribes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type TestGateway } from '../utils/gateway.js';
import {
  createAtSimulator,
  expectLifecycleInvariants,
  generate,
  PHASE_MS,
  read,
  READ_FULL,
  SimClock,
  statuses,
  watchSse,
  watchWs,
} from '../utils/generation-helpers.js';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

const UNKNOWN = '00000000-0000-4000-8000-000000000000:pixverse/v5/text-to-video';

describe('core ids: unknown ids', () => {
  it.each([UNKNOWN, 'not-an-id', 'a b/c?d=e&f#g%', ''])('videoGeneration(%j) is null, without errors', async (id) => {
    gw = await startGateway();
    const { status, body } = await gw.gql<{ videoGeneration: unknown }>(READ_FULL, { id });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.videoGeneration).toBeNull();
    // It was really asked (the provider answered 404/400), and nothing was adopted or polled.
    if (id !== '') expect(gw.sim.stats.readsFor(id)).toBeGreaterThanOrEqual(1);
    expect(gw.app.scheduler.active).toBe(0);
  });

  it('a subscription to an unknown id errors with a code and ends, on WebSocket', async () => {
    gw = await startGateway();
    const ws = watchWs(gw.ws(), UNKNOWN);
    const end = await ws.ended;
    expect(['error', 'complete']).toContain(end);
    expect(ws.events).toEqual([]);
    expect(ws.errors.length).toBeGreaterThan(0);
    expect(ws.errors[0]?.extensions?.code, JSON.stringify(ws.errors)).toBe('NOT_FOUND');
    expect(ws.errors[0]?.message).toContain(UNKNOWN);
    await waitFor(() => gw!.app.streams.active === 0, 2000, 'the subscription to be dropped');
    expect(gw.app.scheduler.active).toBe(0);
  });

  it('a subscription to an unknown id errors with a code and ends, on SSE', async () => {
    gw = await startGateway();
    const sse = watchSse(gw.url, UNKNOWN);
    const end = await sse.ended;
    expect(['complete', 'eof']).toContain(end);
    expect(sse.events).toEqual([]);
    expect(sse.errors.length).toBeGreaterThan(0);
    expect(sse.errors[0]?.extensions?.code, JSON.stringify(sse.errors)).toBe('NOT_FOUND');
    await waitFor(() => gw!.app.streams.active === 0, 2000, 'the subscription to be dropped');
  });

  it('the WebSocket stays usable after a subscription to an unknown id failed', async () => {
    gw = await startGateway({ sim: { queueMs: 150, generateMs: 250 } });
    const client = gw.ws();
    const bad = watchWs(client, UNKNOWN);
    await bad.ended;
    const id = await generate(gw, { prompt: 'A bonsai tree, time-lapse' });
    const good = watchWs(client, id);
    expect(await good.ended).toBe('complete');
    expect(good.errors).toEqual([]);
    expect(good.events.at(-1)?.status).toBe('COMPLETED');
    expectLifecycleInvariants(good.events);
  });
});

describe('core ids: adopting a generation the gateway did not create', () => {
  it("looks up an id with ':' and '/' that only the provider knows, adopts it and follows it to COMPLETED", async () => {
    // Queued long enough for the first read to find it queued on a loaded machine.
    gw = await startGateway({ sim: { queueMs: 1000, generateMs: 500 } });
    const id = await createAtSimulator(gw, 'A glacier calving into the sea');
    expect(id).toContain(':');
    expect(id).toContain('/');

    const first = await read(gw, id);
    expect(first?.id).toBe(id);
    expect(first?.status).toBe('QUEUED');
    expect(first?.providerStatus).toBe('queued');
    // The gateway cannot know the prompt of a generation it did not create.
    expect(first?.prompt).toBe('');
    expect(gw.app.scheduler.active).toBe(1);

    const ws = watchWs(gw.ws(), id);
    const sse = watchSse(gw.url, id);
    await Promise.all([ws.ended, sse.ended]);
    for (const s of [ws, sse]) {
      expect(s.end).toBe('complete');
      expect(s.errors).toEqual([]);
      expect(s.events.at(-1)?.status).toBe('COMPLETED');
      expect(s.events.every((e) => e.id === id)).toBe(true);
      expectLifecycleInvariants(s.events);
    }
    expect((await read(gw, id))?.status).toBe('COMPLETED');
    await waitFor(() => gw!.app.scheduler.active === 0, 3000, 'the poller to stop');
  });

  it('a subscription can be the first to see a provider-only id (adopts it)', async () => {
    const clock = new SimClock();
    gw = await startGateway({ sim: { queueMs: PHASE_MS, generateMs: PHASE_MS, now: clock.now } });
    const id = await createAtSimulator(gw, 'A lantern festival [sim:legacy]');
    const ws = watchWs(gw.ws(), id);
    await ws.nth(1);
    clock.advance(PHASE_MS);
    await ws.nth(2);
    clock.advance(PHASE_MS);
    expect(await ws.ended).toBe('complete');
    expect(statuses(ws.events)).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(ws.events.map((e) => e.providerStatus)).toEqual(['waiting', 'active', 'succeeded']);
  });

  it('an id adopted concurrently by many readers is adopted once', async () => {
    // Still unfinished when the poller is counted, on a loaded machine.
    gw = await startGateway({ sim: { queueMs: 2000, generateMs: 500 } });
    const id = await createAtSimulator(gw, 'A sand dune at noon');
    const results = await Promise.all(Array.from({ length: 10 }, () => read(gw!, id)));
    for (const r of results) expect(r?.id).toBe(id);
    const created = new Set(results.map((r) => r?.transitions[0]?.at));
    expect(created.size).toBe(1);
    expect(gw.app.scheduler.active).toBe(1);
  });
});

describe('core ids: finished generations', () => {
  it.each(['normal', 'fail', 'done-without-url'])('subscribing to a finished [sim:%s] generation gives exactly one event, then completes', async (tag) => {
    gw = await startGateway({ sim: { queueMs: 50, generateMs: 100 } });
    const id = await generate(gw, { prompt: `A comet over a city [sim:${tag}]` });
    await waitFor(async () => {
      const g = await read(gw!, id);
      return g !== null && ['COMPLETED', 'FAILED'].includes(g.status);
    }, 3000, 'a terminal status');
    await waitFor(() => gw!.app.scheduler.active === 0, 3000, 'the poller to stop');
    const finalState = await read(gw, id);
    const readsBefore = gw.sim.stats.readsFor(id);

    const ws = watchWs(gw.ws(), id);
    const sse = watchSse(gw.url, id);
    await Promise.all([ws.ended, sse.ended]);
    for (const s of [ws, sse]) {
      expect(s.end).toBe('complete');
      expect(s.errors).toEqual([]);
      expect(s.events).toHaveLength(1);
      expect(s.events[0]?.status).toBe(finalState?.status);
      expect(s.events[0]?.transitions).toEqual(finalState?.transitions);
    }
    // Nothing new is asked of the provider for a generation that is over.
    expect(gw.sim.stats.readsFor(id)).toBe(readsBefore);
    expect(gw.app.scheduler.active).toBe(0);
    await waitFor(() => gw!.app.streams.active === 0, 2000, 'subscriptions to end');
  });
});

/**
 * Fan-out: one poller per generation, however many subscribers follow it on however many
 * connections and transports.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type TestGateway } from '../utils/gateway.js';
import { expectLifecycleInvariants, generate, statuses, watchSse, watchWs, type StreamWatch } from '../utils/generation-helpers.js';

const gateways: TestGateway[] = [];
afterEach(async () => {
  await Promise.allSettled(gateways.splice(0).map((g) => g.stop()));
});

/** The same simulator timings for every scenario, so their read counts are comparable. */
// The queue phase is long enough for all 55 subscriptions to be established (they need ~100 ms
// on an idle machine), the generating phase spans several poll ticks (200 ms apart early on), so a
// loaded machine's poller still sees it.
const SIM = { queueMs: 800, generateMs: 1000 };

interface Scenario {
  reads: number;
  streams: StreamWatch[];
}

/**
 * One fresh gateway (so the duration estimator, which learns from completions, starts the same
 * in every scenario), one generation, `wsCount` graphql-ws subscribers spread over `wsClients`
 * connections and `sseCount` SSE subscribers, all started right after the create.
 */
async function scenario(wsCount: number, wsClients: number, sseCount: number): Promise<Scenario> {
  const gw = await startGateway({ sim: SIM });
  gateways.push(gw);
  const id = await generate(gw, { prompt: 'A murmuration of starlings at dusk' });
  const clients = Array.from({ length: wsClients }, () => gw.ws());
  const streams: StreamWatch[] = [];
  for (let i = 0; i < wsCount; i++) streams.push(watchWs(clients[i % wsClients]!, id));
  for (let i = 0; i < sseCount; i++) streams.push(watchSse(gw.url, id));
  await Promise.all(streams.map((s) => s.ended));
  await waitFor(() => gw.app.scheduler.active === 0, 3000, 'the poller to stop');
  await waitFor(() => gw.app.streams.active === 0, 3000, 'subscriptions to end');
  return { reads: gw.sim.stats.readsFor(id), streams };
}

describe('core fan-out', () => {
  it('50 WebSocket subscribers on 5 connections plus 5 SSE subscribers each get every transition once, for no more provider reads than 1 subscriber', async () => {
    const single = await scenario(1, 1, 0);
    const many = await scenario(50, 5, 5);

    expect(single.streams[0]!.end).toBe('complete');
    expect(statuses(single.streams[0]!.events)).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);

    expect(many.streams).toHaveLength(55);
    const reference = many.streams[0]!.events.map((e) => ({ status: e.status, providerStatus: e.providerStatus, transitions: e.transitions }));
    for (const [i, s] of many.streams.entries()) {
      const name = i < 50 ? `ws #${i}` : `sse #${i - 50}`;
      expect(s.end, name).toBe('complete');
      expect(s.errors, name).toEqual([]);
      expect(statuses(s.events), name).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
      expectLifecycleInvariants(s.events);
      // The same states (same transition timestamps): one poller's observations, fanned out.
      expect(s.events.map((e) => ({ status: e.status, providerStatus: e.providerStatus, transitions: e.transitions })), name).toEqual(reference);
      expect(s.events.at(-1)!.video?.url, name).toBe(many.streams[0]!.events.at(-1)!.video?.url);
    }

    // Polling is per generation, not per subscriber. Both scenarios use fresh gateways with the
    // same simulator timings, so their pollers follow the same schedule from createdAt; what can
    // differ is where the last tick lands against the simulator's (wall-clock) phase boundary,
    // which can cost at most one extra read. Anything above that means subscribers cause reads.
    expect(single.reads).toBeGreaterThan(0);
    expect(many.reads, `1 subscriber: ${single.reads} reads, 55 subscribers: ${many.reads} reads`).toBeLessThanOrEqual(single.reads + 1);
  });

  it('many subscribers on one generation are not reported as a listener leak', async () => {
    // Many listeners on one topic are the design, not a leak: Node must not warn about them
    // (a "possible memory leak" warning per popular generation would drown real ones in the logs).
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const gw = await startGateway({ sim: { queueMs: 100, generateMs: 200 } });
      gateways.push(gw);
      const id = await generate(gw, { prompt: 'A crowd at a stadium' });
      const client = gw.ws();
      const streams = Array.from({ length: 20 }, () => watchWs(client, id));
      await Promise.all(streams.map((s) => s.ended));
      for (const s of streams) expect(s.end).toBe('complete');
      // process warnings are emitted on the next tick
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
  });

  it('subscribers joining one by one while the generation runs cause no provider reads of their own', async () => {
    const gw = await startGateway({ sim: { queueMs: 300, generateMs: 600 } });
    gateways.push(gw);
    const id = await generate(gw, { prompt: 'Rain on a tin roof' });
    const client = gw.ws();
    const first = watchWs(client, id);
    await first.nth(1);
    // Joiners arrive at a steady pace through the whole run; a gateway that reads the provider
    // for each newcomer shows it here as one read per joiner.
    const joiners: StreamWatch[] = [];
    const readsAtStart = gw.sim.stats.readsFor(id);
    while (first.end === null && joiners.length < 30) {
      const j = watchWs(client, id);
      joiners.push(j);
      await j.nth(1).catch(() => undefined);
    }
    await first.ended;
    await Promise.all(joiners.map((j) => j.ended));
    const pollerOnly = gw.sim.stats.readsFor(id) - readsAtStart;
    for (const j of joiners) {
      expect(j.end).toBe('complete');
      expect(j.events.at(-1)?.status).toBe('COMPLETED');
      expectLifecycleInvariants(j.events);
    }
    expect(joiners.length).toBeGreaterThanOrEqual(10);
    // ~600 ms of generation at the test poll settings is a handful of poller reads at most
    // (a tick every 200 ms early on, plus a few retries' worth of slack); 30 joiners must not
    // add one each.
    expect(pollerOnly, `${joiners.length} joiners, ${pollerOnly} reads while they joined`).toBeLessThanOrEqual(8);
  });
});

/**
 * Concurrent readers of one in-progress generation share provider reads: a popular generation
 * does not multiply the (rate-limited) calls made to the provider.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type TestGateway } from '../utils/gateway.js';
import { generate, read } from '../utils/generation-helpers.js';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

describe('core shared reads', () => {
  it('20 concurrent videoGeneration queries for an in-progress generation cause at most 3 provider reads', async () => {
    // A long generation, so every query sees it in progress and refreshes it from the provider.
    gw = await startGateway({ sim: { queueMs: 5000, generateMs: 5000 } });
    const id = await generate(gw, { prompt: 'A ship in a bottle' });
    // The simulator answers in about a millisecond, far faster than the real provider; a 400 ms
    // delay on the next read gives it a realistic latency (still under the 500 ms read timeout),
    // so the 20 queries (sent together, on 20 connections) all arrive while that read is in flight.
    gw.sim.inject({ type: 'delay', ms: 400 }, { on: 'read', id });
    const before = gw.sim.stats.readsFor(id);
    const results = await Promise.all(Array.from({ length: 20 }, () => read(gw!, id)));
    const reads = gw.sim.stats.readsFor(id) - before;
    for (const r of results) {
      expect(r?.id).toBe(id);
      expect(r?.status).toBe('QUEUED');
    }
    // One shared read serves all 20. Allow two more: a poller tick that happens to start just
    // before the queries (it is shared too, but may complete before the last query arrives) and
    // one query that arrives just after the shared read landed. 20 unshared queries would be 20.
    expect(reads, `${reads} provider reads for 20 concurrent queries`).toBeGreaterThanOrEqual(1);
    expect(reads, `${reads} provider reads for 20 concurrent queries`).toBeLessThanOrEqual(3);
  });

  it('concurrent queries of a generation that is over make no provider reads at all', async () => {
    gw = await startGateway({ sim: { queueMs: 50, generateMs: 100 } });
    const id = await generate(gw, { prompt: 'A yo-yo [sim:fail]' });
    await waitFor(async () => (await read(gw!, id))?.status === 'FAILED', 3000, 'FAILED');
    const before = gw.sim.stats.readsFor(id);
    await Promise.all(Array.from({ length: 20 }, () => read(gw!, id)));
    expect(gw.sim.stats.readsFor(id)).toBe(before);
  });

  it('concurrent lookups of an id the gateway does not know share one provider read', async () => {
    gw = await startGateway();
    const id = '11111111-2222-4333-8444-555555555555:pixverse/v5/text-to-video';
    gw.sim.inject({ type: 'delay', ms: 400 }, { on: 'read', id });
    const results = await Promise.all(Array.from({ length: 20 }, () => read(gw!, id)));
    expect(results.every((r) => r === null)).toBe(true);
    expect(gw.sim.stats.readsFor(id)).toBeLessThanOrEqual(2);
  });
});

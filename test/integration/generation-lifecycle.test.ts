/**
 * Every provider behaviour the simulator knows, followed end to end on both subscription
 * transports at once: the statuses and provider words seen, how each stream ends, and what
 * `videoGeneration` reports afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type TestGateway } from '../utils/gateway.js';
import {
  expectLifecycleInvariants,
  generate,
  providerStatuses,
  PHASE_MS,
  read,
  SimClock,
  statuses,
  watchSse,
  watchWs,
  type Gen,
} from '../utils/generation-helpers.js';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

interface Case {
  tag: string;
  statuses: string[];
  providerStatuses: string[];
  check: (last: Gen) => void;
  env?: Record<string, string>;
}

const expectVideo = (last: Gen): void => {
  // The provider's URL, or the gateway's archived copy once downloaded: either way an mp4 over HTTP.
  expect(last.video?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+\.mp4$/);
  expect(last.video?.contentType).toBe('video/mp4');
  expect(last.video?.fileSize).toBeGreaterThan(0);
  expect(last.error).toBeNull();
  expect(last.progress).toBe(1);
  expect(last.completedAt).not.toBeNull();
};

const expectFailure = (code: string, message: RegExp) => (last: Gen): void => {
  expect(last.video).toBeNull();
  expect(last.error?.code).toBe(code);
  expect(last.error?.message).toMatch(message);
  expect(last.progress).toBeLessThan(1);
  expect(last.completedAt).not.toBeNull();
};

const CASES: Case[] = [
  {
    tag: 'normal',
    statuses: ['QUEUED', 'GENERATING', 'COMPLETED'],
    providerStatuses: ['queued', 'generating', 'completed'],
    check: expectVideo,
  },
  {
    tag: 'legacy',
    statuses: ['QUEUED', 'GENERATING', 'COMPLETED'],
    providerStatuses: ['waiting', 'active', 'succeeded'],
    check: expectVideo,
  },
  {
    tag: 'legacy-fail',
    statuses: ['QUEUED', 'GENERATING', 'FAILED'],
    providerStatuses: ['waiting', 'active', 'failed'],
    check: expectFailure('GenerationFailed', /simulated failure/),
  },
  {
    tag: 'unknown-status',
    statuses: ['QUEUED', 'GENERATING', 'COMPLETED'],
    providerStatuses: ['queued', 'rendering', 'completed'],
    check: expectVideo,
  },
  {
    tag: 'video-array',
    statuses: ['QUEUED', 'GENERATING', 'COMPLETED'],
    providerStatuses: ['queued', 'generating', 'completed'],
    check: expectVideo,
  },
  {
    tag: 'fail',
    statuses: ['QUEUED', 'GENERATING', 'FAILED'],
    providerStatuses: ['queued', 'generating', 'error'],
    check: expectFailure('GenerationFailed', /could not be generated/),
  },
  {
    tag: 'fail-detail',
    statuses: ['QUEUED', 'GENERATING', 'FAILED'],
    providerStatuses: ['queued', 'generating', 'error'],
    check: expectFailure('value_error', /body\.prompt: .*content filter/),
  },
  {
    tag: 'done-without-url',
    statuses: ['QUEUED', 'GENERATING', 'FAILED'],
    providerStatuses: ['queued', 'generating', 'completed'],
    check: expectFailure('NO_VIDEO', /no video URL/),
  },
  {
    tag: 'never',
    statuses: ['QUEUED', 'GENERATING', 'TIMED_OUT'],
    // The provider word stays the last one seen: it never said anything terminal.
    providerStatuses: ['queued', 'generating', 'generating'],
    check: expectFailure('TIMED_OUT', /No terminal answer from the provider within/),
    env: { GENERATION_TIMEOUT_MS: '1500' },
  },
];

describe('core lifecycle: every provider behaviour on WebSocket and SSE', () => {
  it.each(CASES)('[sim:$tag] → $statuses', async (c) => {
    // The simulator's clock is moved by hand: each phase lasts until both subscribers have seen
    // it, so every state is observed however slow the machine is.
    const clock = new SimClock();
    gw = await startGateway({ sim: { queueMs: PHASE_MS, generateMs: PHASE_MS, now: clock.now }, ...(c.env ? { env: c.env } : {}) });
    const started = Date.now();
    const id = await generate(gw, { prompt: `A lighthouse in a storm [sim:${c.tag}]` });
    const ws = watchWs(gw.ws(), id);
    const sse = watchSse(gw.url, id);
    await Promise.all([ws.nth(1), sse.nth(1)]);
    clock.advance(PHASE_MS);
    await Promise.all([ws.nth(2), sse.nth(2)]);
    clock.advance(PHASE_MS);
    const [wsEnd, sseEnd] = await Promise.all([ws.ended, sse.ended]);

    for (const [name, stream, end] of [['ws', ws, wsEnd], ['sse', sse, sseEnd]] as const) {
      expect(end, `${name} stream ended by ${end}`).toBe('complete');
      expect(stream.errors, name).toEqual([]);
      expect(statuses(stream.events), name).toEqual(c.statuses);
      expect(providerStatuses(stream.events), name).toEqual(c.providerStatuses);
      expect(stream.events.every((e) => e.id === id)).toBe(true);
      expectLifecycleInvariants(stream.events);
      const last = stream.events.at(-1)!;
      expect(last.transitions.map((t) => t.status)).toEqual(c.statuses);
      expect(last.transitions.map((t) => t.providerStatus)).toEqual(c.providerStatuses);
      c.check(last);
    }
    expect(await sse.status).toBe(200);
    if (c.tag === 'never') expect(Date.now() - started).toBeGreaterThanOrEqual(1500);

    const after = await read(gw, id);
    expect(after?.status).toBe(c.statuses.at(-1));
    expect(after?.transitions.map((t) => t.status)).toEqual(c.statuses);
    expect(after?.providerStatus).toBe(c.providerStatuses.at(-1));
    expect(after?.error).toEqual(ws.events.at(-1)!.error);
    // video.url may have switched to the archived copy meanwhile; the rest of the file is the same.
    expect({ ...after?.video, url: null }).toEqual({ ...ws.events.at(-1)!.video, url: null });
    expect(after?.progress).toBe(ws.events.at(-1)!.progress);
    // Terminal: nothing polls it any more, nothing listens.
    await waitFor(() => gw!.app.scheduler.active === 0, 3000, 'the poller to stop');
    await waitFor(() => gw!.app.streams.active === 0, 3000, 'subscriptions to end');
  });

  it('keeps reporting the same terminal state: later reads neither poll nor change it', async () => {
    gw = await startGateway({ sim: { queueMs: 50, generateMs: 100 } });
    const id = await generate(gw, { prompt: 'A paper boat on a river' });
    const ws = watchWs(gw.ws(), id);
    expect(await ws.ended).toBe('complete');
    const first = await read(gw, id);
    const readsBefore = gw.sim.stats.readsFor(id);
    const again = await Promise.all([read(gw, id), read(gw, id), read(gw, id)]);
    // The video URL may switch to the archived copy between reads; nothing else may change.
    const withoutUrl = (g: Gen | null) => ({ ...g, video: { ...g?.video, url: null } });
    for (const g of again) expect(withoutUrl(g)).toEqual(withoutUrl(first));
    expect(gw.sim.stats.readsFor(id)).toBe(readsBefore);
  });

  it('reports progress that rises while pending and is below 1 until COMPLETED (queries)', async () => {
    gw = await startGateway({ sim: { queueMs: 100, generateMs: 400 } });
    const id = await generate(gw, { prompt: 'A hot air balloon over a desert' });
    const seen: Gen[] = [];
    await waitFor(async () => {
      const g = await read(gw!, id);
      if (g) seen.push(g);
      return g?.status === 'COMPLETED';
    }, 5000, 'COMPLETED');
    const progresses = seen.map((g) => g.progress);
    expect([...progresses].sort((a, b) => a - b)).toEqual(progresses);
    for (const g of seen) {
      if (g.status === 'COMPLETED') expect(g.progress).toBe(1);
      else expect(g.progress).toBeLessThan(1);
    }
    const ranks = seen.map((g) => ['QUEUED', 'GENERATING', 'COMPLETED'].indexOf(g.status));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });
});

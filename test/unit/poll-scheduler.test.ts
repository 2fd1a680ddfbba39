/**
 * The poll scheduler and the tracker together, on fake timers with a scripted provider: TIMED_OUT
 * only on the provider's word, a bounded backoff through an outage, the give-up ceiling, late
 * recovery, and removal from the store.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderFailure } from '../../src/domain/errors.js';
import type { Generation } from '../../src/domain/generation.js';
import type { Provider, ProviderReading } from '../../src/domain/ports.js';
import { createTransitionBus } from '../../src/events/bus.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { PollScheduler } from '../../src/watch/scheduler.js';
import { GenerationTracker } from '../../src/watch/tracker.js';
import { generationFixture } from '../utils/generation-fixture.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const VIDEO = { url: 'https://cdn.example/v.mp4', contentType: 'video/mp4', fileName: null, fileSize: null };

type Answer = ProviderReading | 'down';

function reading(id: string, status: ProviderReading['status'], word: string): ProviderReading {
  return { id, status, providerStatus: word, video: status === 'COMPLETED' ? VIDEO : null, error: null, usage: null };
}

function scripted(answer: (id: string, now: number) => Answer): Provider & { reads: number } {
  const p = {
    reads: 0,
    async create(): Promise<ProviderReading> {
      throw new Error('not used');
    },
    async read(id: string): Promise<ProviderReading> {
      p.reads++;
      const a = answer(id, Date.now());
      if (a === 'down') {
        throw new ProviderFailure('HTTP 503', { reason: 'unavailable', mayHaveReachedProvider: false, status: 503, summary: 'HTTP 503' });
      }
      return a;
    },
  };
  return p;
}

function setup(provider: Provider, over: Partial<ConstructorParameters<typeof PollScheduler>[0]> = {}) {
  const store = new MemoryStore();
  const bus = createTransitionBus();
  const logger = pino({ level: 'silent' });
  const seen: string[] = [];
  const tracker = new GenerationTracker({
    store,
    provider,
    bus,
    logger,
    generationTimeoutMs: 60_000,
    onTransition: (g) => seen.push(g.status),
  });
  const scheduler = new PollScheduler({
    store,
    tracker,
    logger,
    pollIntervalMs: 5000,
    generationTimeoutMs: 60_000,
    giveUpMs: 600_000,
    lateResultWindowMs: 3_600_000,
    lateSchedule: [60_000, 300_000],
    adaptivePolling: false,
    random: () => 1,
    ...over,
  });
  return { store, bus, tracker, scheduler, seen };
}

async function add(store: MemoryStore, over: Partial<Generation> = {}): Promise<Generation> {
  const g = generationFixture('gen-1', { createdAt: Date.now(), updatedAt: Date.now(), transitions: [{ status: 'QUEUED', providerStatus: 'queued', at: Date.now() }], ...over });
  await store.save(g);
  return g;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TIMED_OUT only on the provider\'s word', () => {
  it('a generation still in progress at a read after its deadline is TIMED_OUT', async () => {
    const provider = scripted((id) => reading(id, 'GENERATING', 'generating'));
    const { store, scheduler, seen } = setup(provider);
    scheduler.track(await add(store));
    await vi.advanceTimersByTimeAsync(70_000);
    const g = await store.get('gen-1');
    expect(g?.status).toBe('TIMED_OUT');
    expect(g?.error?.code).toBe('TIMED_OUT');
    expect(seen).toEqual(['GENERATING', 'TIMED_OUT']);
    scheduler.stop();
  });

  it('an outage past the deadline does not time out; the answer after it is applied', async () => {
    // Down from 10 s to 130 s (past the 60 s deadline); finished at the provider at 40 s.
    const provider = scripted((id, now) => {
      const t = now - T0;
      if (t >= 10_000 && t < 130_000) return 'down';
      return t >= 40_000 ? reading(id, 'COMPLETED', 'completed') : reading(id, 'GENERATING', 'generating');
    });
    const { store, scheduler, seen } = setup(provider);
    scheduler.track(await add(store));
    await vi.advanceTimersByTimeAsync(125_000);
    expect((await store.get('gen-1'))?.status).toBe('GENERATING');
    await vi.advanceTimersByTimeAsync(70_000);
    const g = await store.get('gen-1');
    expect(g?.status).toBe('COMPLETED');
    expect(g?.video?.url).toBe(VIDEO.url);
    expect(seen).toEqual(['GENERATING', 'COMPLETED']);
    scheduler.stop();
  });

  it('keeps the backoff bounded through a 60 s outage', async () => {
    const provider = scripted(() => 'down');
    const { store, scheduler } = setup(provider, { maxBackoffMs: 60_000 });
    scheduler.track(await add(store));
    await vi.advanceTimersByTimeAsync(60_000);
    // Poll interval 5 s, doubling backoff (full jitter at its ceiling): reads at 5, 15, 35 s.
    expect(provider.reads).toBeGreaterThanOrEqual(3);
    expect(provider.reads).toBeLessThanOrEqual(5);
    const before = provider.reads;
    // Capped at 60 s between reads from then on: at most one read a minute.
    await vi.advanceTimersByTimeAsync(300_000);
    expect(provider.reads - before).toBeLessThanOrEqual(6);
    expect(provider.reads - before).toBeGreaterThanOrEqual(4);
    // Nothing was ever read: the generation is still waiting for the provider's word.
    expect((await store.get('gen-1'))?.status).toBe('QUEUED');
    scheduler.stop();
  });

  it.each([
    ['the longest', 1],
    ['the shortest', 0],
  ])('a 60 s outage costs a bounded number of reads even when jitter draws %s waits', async (_what, r) => {
    const provider = scripted(() => 'down');
    const { store, scheduler } = setup(provider, { maxBackoffMs: 60_000, random: () => r });
    scheduler.track(await add(store));
    await vi.advanceTimersByTimeAsync(5000);
    expect(provider.reads).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    // After the first failed read (at 5 s), waits of 5, 10, 20, 40 s at the ceiling (reads at
    // 10, 20, 40 s within the minute), and half of each at the floor (7.5, 12.5, 22.5, 42.5 s).
    expect(provider.reads - 1).toBe(r === 1 ? 3 : 4);
    scheduler.stop();
  });

  it('gives up at the ceiling with PROVIDER_UNREACHABLE, then still recovers a late result', async () => {
    let up = false;
    const provider = scripted((id) => (up ? reading(id, 'COMPLETED', 'completed') : 'down'));
    const { store, scheduler, seen } = setup(provider);
    scheduler.track(await add(store));
    await vi.advanceTimersByTimeAsync(610_000);
    const g = await store.get('gen-1');
    expect(g?.status).toBe('TIMED_OUT');
    expect(g?.error?.code).toBe('PROVIDER_UNREACHABLE');
    up = true;
    await vi.advanceTimersByTimeAsync(61_000);
    const after = await store.get('gen-1');
    expect(after?.status).toBe('COMPLETED');
    expect(after?.error).toBeNull();
    expect(after?.transitions.map((t) => t.status)).toEqual(['QUEUED', 'TIMED_OUT', 'COMPLETED']);
    expect(seen).toEqual(['TIMED_OUT', 'COMPLETED']);
    expect(scheduler.active).toBe(0);
  });
});

describe('late recovery', () => {
  it('checks a timed-out generation on the sparse schedule and stops after the window', async () => {
    const provider = scripted((id) => reading(id, 'GENERATING', 'generating'));
    const { store, scheduler } = setup(provider);
    scheduler.track(await add(store));
    await vi.advanceTimersByTimeAsync(61_000);
    expect((await store.get('gen-1'))?.status).toBe('TIMED_OUT');
    // No longer an unfinished generation, but still checked for a late result.
    expect([scheduler.active, scheduler.lateChecks]).toEqual([0, 1]);
    const atTimeout = provider.reads;
    // Late checks at +1 min, +5 min, then every 4 min (the last gap repeating) within one hour.
    await vi.advanceTimersByTimeAsync(3_600_000);
    const late = provider.reads - atTimeout;
    expect(late).toBeGreaterThanOrEqual(14);
    expect(late).toBeLessThanOrEqual(16);
    expect([scheduler.active, scheduler.lateChecks]).toEqual([0, 0]);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(provider.reads - atTimeout).toBe(late);
  });

  it('resumes late checks after a restart from the store', async () => {
    const provider = scripted((id) => reading(id, 'COMPLETED', 'completed'));
    const { store, scheduler } = setup(provider);
    await add(store, {
      status: 'TIMED_OUT',
      completedAt: Date.now() - 120_000,
      error: { code: 'TIMED_OUT', message: 'x' },
      transitions: [{ status: 'TIMED_OUT', providerStatus: 'generating', at: Date.now() - 120_000 }],
    });
    expect(await scheduler.resume()).toBe(1);
    await vi.advanceTimersByTimeAsync(300_000);
    expect((await store.get('gen-1'))?.status).toBe('COMPLETED');
    scheduler.stop();
  });
});

describe('a generation that disappears from the store', () => {
  it('tells its streams, and the poller stops', async () => {
    const provider = scripted((id) => reading(id, 'GENERATING', 'generating'));
    const { store, bus, scheduler } = setup(provider);
    scheduler.track(await add(store));
    const heard: (string | null)[] = [];
    bus.subscribe('gen-1', (g) => heard.push(g ? g.status : null));
    await vi.advanceTimersByTimeAsync(6000);
    expect(heard).toEqual(['GENERATING']);
    // The store loses it (as a Redis that restarted empty would).
    (store as unknown as { gens: Map<string, unknown> }).gens.clear();
    await vi.advanceTimersByTimeAsync(6000);
    expect(heard).toEqual(['GENERATING', null]);
    expect(scheduler.active).toBe(0);
  });
});

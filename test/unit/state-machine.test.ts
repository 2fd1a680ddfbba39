import { describe, expect, it } from 'vitest';
import { applyReading, expire, lost, newGeneration } from '../../src/domain/state.js';
import type { Generation, GenerationInput, GenerationStatus, VideoFile } from '../../src/domain/generation.js';
import { mapProviderStatus } from '../../src/provider/normalize.js';
import type { ProviderGeneration } from '../../src/provider/wire.js';
import { toReading } from '../../src/provider/adapter.js';
import type { ProviderReading } from '../../src/domain/ports.js';

const ID = 'abc-123:pixverse/v5/text-to-video';
const T0 = 1_700_000_000_000;
const VIDEO: VideoFile = { url: 'https://cdn.example/v.mp4', contentType: 'video/mp4', fileName: 'v.mp4', fileSize: 1000 };
const INPUT: GenerationInput = {
  prompt: 'A fox',
  negativePrompt: null,
  aspectRatio: '16:9',
  resolution: '720p',
  duration: 5,
  style: null,
  seed: null,
};

/** A provider answer as the provider adapter hands it to the domain (words mapped there). */
function reading(status: string, extra: Partial<ProviderGeneration> = {}): ProviderReading {
  return toReading({ id: ID, status, video: null, error: null, usage: null, ...extra });
}

function fresh(status = 'queued', extra: Partial<ProviderGeneration> = {}): Generation {
  return newGeneration({
    reading: reading(status, extra),
    owner: 'default',
    input: INPUT,
    inputKnown: true,
    idempotencyKey: null,
    expectedDurationMs: 35_000,
    now: T0,
  });
}

/** Drives a generation through a sequence of provider words, one second apart. */
function drive(words: (string | ProviderReading)[]): Generation {
  let g = fresh();
  words.forEach((w, i) => {
    g = applyReading(g, typeof w === 'string' ? reading(w) : w, T0 + (i + 1) * 1000).next;
  });
  return g;
}

describe('status mapping (schema.graphql)', () => {
  it.each([
    ['queued', false, 'QUEUED'],
    ['waiting', false, 'QUEUED'],
    ['generating', false, 'GENERATING'],
    ['active', false, 'GENERATING'],
    ['rendering', false, 'GENERATING'],
    ['processing', false, 'GENERATING'],
    ['unknown', false, 'GENERATING'],
    ['completed', true, 'COMPLETED'],
    ['succeeded', true, 'COMPLETED'],
    ['completed', false, 'FAILED'],
    ['succeeded', false, 'FAILED'],
    ['error', false, 'FAILED'],
    ['failed', false, 'FAILED'],
    ['error', true, 'FAILED'],
    [' Completed ', true, 'COMPLETED'],
    ['QUEUED', false, 'QUEUED'],
  ] as const)('%j (video url: %s) → %s', (word, hasUrl, status) => {
    expect(mapProviderStatus(word, hasUrl)).toBe(status);
  });
});

describe('newGeneration', () => {
  it('starts QUEUED with the provider word and one transition', () => {
    const g = fresh('queued');
    expect(g.status).toBe('QUEUED');
    expect(g.providerStatus).toBe('queued');
    expect(g.transitions).toEqual([{ status: 'QUEUED', providerStatus: 'queued', at: T0 }]);
    expect(g.createdAt).toBe(T0);
    expect(g.completedAt).toBeNull();
    expect(g.video).toBeNull();
    expect(g.error).toBeNull();
  });

  it.each([
    ['waiting', ['QUEUED']],
    ['generating', ['QUEUED', 'GENERATING']],
    ['rendering', ['QUEUED', 'GENERATING']],
  ])('a create answering %j starts at the right status', (word, transitions) => {
    const g = fresh(word);
    expect(g.transitions.map((t) => t.status)).toEqual(transitions);
    expect(g.status).toBe(transitions.at(-1));
    expect(g.providerStatus).toBe(word);
  });

  it('a create answering completed with a URL is COMPLETED at once', () => {
    const g = fresh('completed', { video: VIDEO });
    expect(g.status).toBe('COMPLETED');
    expect(g.video).toEqual(VIDEO);
    expect(g.completedAt).toBe(T0);
  });
});

describe('applyReading', () => {
  it('follows queued → generating → completed, recording each transition once', () => {
    const g = drive(['queued', 'generating', 'generating', reading('completed', { video: VIDEO })]);
    expect(g.status).toBe('COMPLETED');
    expect(g.video).toEqual(VIDEO);
    expect(g.error).toBeNull();
    expect(g.completedAt).toBe(T0 + 4000);
    expect(g.transitions).toEqual([
      { status: 'QUEUED', providerStatus: 'queued', at: T0 },
      { status: 'GENERATING', providerStatus: 'generating', at: T0 + 2000 },
      { status: 'COMPLETED', providerStatus: 'completed', at: T0 + 4000 },
    ]);
  });

  it('follows the legacy words waiting → active → succeeded', () => {
    const g = drive(['waiting', 'active', reading('succeeded', { video: VIDEO })]);
    expect(g.transitions.map((t) => [t.status, t.providerStatus])).toEqual([
      ['QUEUED', 'queued'],
      ['GENERATING', 'active'],
      ['COMPLETED', 'succeeded'],
    ]);
    // The word seen in between is kept as the last seen word, without a transition.
    expect(g.providerStatus).toBe('succeeded');
  });

  it('keeps an unknown word as the provider status and treats it as GENERATING', () => {
    const g = drive(['rendering']);
    expect(g.status).toBe('GENERATING');
    expect(g.providerStatus).toBe('rendering');
  });

  it('an error with details → FAILED with the provider error', () => {
    const g = drive(['generating', reading('error', { error: { code: 'GenerationFailed', message: 'nope' } })]);
    expect(g.status).toBe('FAILED');
    expect(g.error).toEqual({ code: 'GenerationFailed', message: 'nope' });
    expect(g.completedAt).toBe(T0 + 2000);
    expect(g.video).toBeNull();
  });

  it('failed without details → FAILED with a generic PROVIDER_ERROR', () => {
    const g = drive(['failed']);
    expect(g.status).toBe('FAILED');
    expect(g.error?.code).toBe('PROVIDER_ERROR');
    expect(g.error?.message).toContain('failed');
  });

  it.each(['completed', 'succeeded'])('%s without a URL → FAILED with NO_VIDEO', (word) => {
    const g = drive(['generating', word]);
    expect(g.status).toBe('FAILED');
    expect(g.error?.code).toBe('NO_VIDEO');
    expect(g.video).toBeNull();
  });

  it('never moves backwards: a stale queued after generating keeps GENERATING', () => {
    let g = drive(['generating']);
    const applied = applyReading(g, reading('queued'), T0 + 5000);
    g = applied.next;
    expect(g.status).toBe('GENERATING');
    expect(applied.transitioned).toBe(false);
    expect(g.transitions.map((t) => t.status)).toEqual(['QUEUED', 'GENERATING']);
  });

  it.each<[string, (string | ProviderReading)[]]>([
    ['COMPLETED', [reading('completed', { video: VIDEO })]],
    ['FAILED', ['error']],
    ['FAILED (no video)', ['completed']],
  ])('a terminal %s never changes again, whatever the provider says next', (_name, path) => {
    const done = drive(path);
    for (const next of ['queued', 'generating', 'error', 'completed', 'failed', 'whatever']) {
      const applied = applyReading(done, reading(next, { video: VIDEO, error: { code: 'x', message: 'y' } }), T0 + 99_000);
      expect(applied.changed).toBe(false);
      expect(applied.transitioned).toBe(false);
      expect(applied.next).toBe(done);
    }
    expect(expire(done, T0 + 99_000, 1000).changed).toBe(false);
    expect(lost(done, T0 + 99_000).changed).toBe(false);
  });

  it('the same reading twice changes nothing', () => {
    const g = drive(['generating']);
    const applied = applyReading(g, reading('generating'), T0 + 9000);
    expect(applied).toEqual({ next: g, changed: false, transitioned: false });
  });

  it('a usage update is a change but not a transition', () => {
    const g = drive(['generating']);
    const applied = applyReading(g, reading('generating', { usage: { creditsUsed: 5, tokensUsed: null, usdSpent: null } }), T0 + 9000);
    expect(applied.changed).toBe(true);
    expect(applied.transitioned).toBe(false);
    expect(applied.next.usage?.creditsUsed).toBe(5);
    expect(applied.next.updatedAt).toBe(T0 + 9000);
    expect(applied.next.transitions).toEqual(g.transitions);
  });

  it('does not mutate its input', () => {
    const g = drive(['generating']);
    const copy = structuredClone(g);
    applyReading(g, reading('completed', { video: VIDEO }), T0 + 9000);
    expect(g).toEqual(copy);
  });

  it('transition ranks never decrease for any sequence of words', () => {
    const words = ['queued', 'waiting', 'generating', 'active', 'rendering', 'queued', 'completed', 'error', 'failed', 'succeeded'];
    const rank: Record<GenerationStatus, number> = { QUEUED: 0, GENERATING: 1, COMPLETED: 2, FAILED: 2, TIMED_OUT: 2 };
    let seed = 42;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 200; run++) {
      let g = fresh();
      for (let i = 0; i < 8; i++) {
        const word = words[Math.floor(rand() * words.length)]!;
        const withUrl = rand() < 0.5;
        const before = g;
        g = applyReading(g, reading(word, withUrl ? { video: VIDEO } : {}), T0 + i * 100).next;
        expect(rank[g.status]).toBeGreaterThanOrEqual(rank[before.status]);
        if (before.status !== 'QUEUED' && before.status !== 'GENERATING') expect(g).toBe(before);
      }
      const ranks = g.transitions.map((t) => rank[t.status]);
      expect([...ranks].sort()).toEqual(ranks);
      expect(new Set(ranks).size).toBe(ranks.length);
    }
  });
});

describe('expire and lost', () => {
  it('expire turns a pending generation TIMED_OUT, keeping the last provider word', () => {
    const g = drive(['generating']);
    const applied = expire(g, T0 + 900_000, 900_000);
    expect(applied.changed).toBe(true);
    expect(applied.transitioned).toBe(true);
    expect(applied.next.status).toBe('TIMED_OUT');
    expect(applied.next.providerStatus).toBe('generating');
    expect(applied.next.error?.code).toBe('TIMED_OUT');
    expect(applied.next.error?.message).toContain('900 s');
    expect(applied.next.completedAt).toBe(T0 + 900_000);
    expect(applied.next.transitions.at(-1)).toEqual({ status: 'TIMED_OUT', providerStatus: 'generating', at: T0 + 900_000 });
  });

  it('expire works from QUEUED too', () => {
    expect(expire(fresh(), T0 + 5000, 5000).next.status).toBe('TIMED_OUT');
  });

  it('lost turns a pending generation FAILED with NOT_FOUND', () => {
    const applied = lost(drive(['generating']), T0 + 7000);
    expect(applied.transitioned).toBe(true);
    expect(applied.next.status).toBe('FAILED');
    expect(applied.next.error?.code).toBe('NOT_FOUND');
    expect(applied.next.completedAt).toBe(T0 + 7000);
  });

  it('a TIMED_OUT generation ignores a late completed answer', () => {
    const timedOut = expire(drive(['generating']), T0 + 10_000, 10_000).next;
    const applied = applyReading(timedOut, reading('completed', { video: VIDEO }), T0 + 11_000);
    expect(applied.changed).toBe(false);
    expect(applied.next.status).toBe('TIMED_OUT');
  });
});

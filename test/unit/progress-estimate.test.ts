import { describe, expect, it } from 'vitest';
import {
  DurationEstimator,
  estimatedCompletionAt,
  generationProgress,
  progressAt,
  publishedDurationMs,
} from '../../src/domain/progress.js';
import type { Generation, GenerationStatus } from '../../src/domain/generation.js';

const T0 = 1_700_000_000_000;

function gen(status: GenerationStatus, extra: Partial<Generation> = {}): Generation {
  return {
    id: 'g',
    owner: 'default',
    input: { prompt: 'p', negativePrompt: null, aspectRatio: '16:9', resolution: '720p', duration: 5, style: null, seed: null },
    inputKnown: true,
    status,
    providerStatus: status.toLowerCase(),
    video: null,
    error: null,
    usage: null,
    expectedDurationMs: 10_000,
    createdAt: T0,
    updatedAt: T0,
    completedAt: null,
    transitions: [],
    idempotencyKey: null,
    ...extra,
  };
}

describe('progressAt', () => {
  it('is 0 at the start and for nonsense inputs', () => {
    expect(progressAt(0, 10_000)).toBe(0);
    expect(progressAt(-5, 10_000)).toBe(0);
    expect(progressAt(5000, 0)).toBe(0);
    expect(progressAt(Number.NaN, 10_000)).toBe(0);
    expect(progressAt(5000, Number.NaN)).toBe(0);
  });

  it('is monotonic in elapsed time, from 0 to below 1, continuous at the expected end', () => {
    let prev = 0;
    for (let ms = 0; ms <= 200_000; ms += 37) {
      const p = progressAt(ms, 10_000);
      expect(p).toBeGreaterThanOrEqual(prev);
      expect(p).toBeLessThan(1);
      prev = p;
    }
    expect(progressAt(10_000, 10_000)).toBeCloseTo(0.9, 10);
    expect(progressAt(10_001, 10_000) - progressAt(9_999, 10_000)).toBeLessThan(0.001);
  });

  it('keeps moving but stays below 1 when overdue (asymptote at 0.99)', () => {
    const overdue = [1.5, 2, 5, 10, 100, 1e6].map((r) => progressAt(r * 10_000, 10_000));
    for (let i = 1; i < overdue.length; i++) expect(overdue[i]!).toBeGreaterThanOrEqual(overdue[i - 1]!);
    expect(overdue[0]!).toBeGreaterThan(0.9);
    expect(overdue[1]!).toBeGreaterThan(overdue[0]!);
    for (const p of overdue) expect(p).toBeLessThanOrEqual(0.99);
    expect(progressAt(Number.MAX_SAFE_INTEGER, 1)).toBeLessThan(1);
  });
});

describe('generationProgress', () => {
  it('is exactly 1 when COMPLETED, whatever the time', () => {
    expect(generationProgress(gen('COMPLETED', { completedAt: T0 + 1 }), T0 + 1)).toBe(1);
    expect(generationProgress(gen('COMPLETED', { completedAt: T0 + 1_000_000 }), T0 + 1_000_000)).toBe(1);
  });

  it.each(['QUEUED', 'GENERATING'] as const)('is below 1 while %s, however late', (status) => {
    for (const dt of [0, 1, 5000, 10_000, 20_000, 1e9]) {
      const p = generationProgress(gen(status), T0 + dt);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(1);
    }
  });

  it.each(['FAILED', 'TIMED_OUT'] as const)('is below 1 when %s and frozen at completedAt', (status) => {
    const g = gen(status, { completedAt: T0 + 4000 });
    const p = generationProgress(g, T0 + 4000);
    expect(p).toBeLessThan(1);
    expect(generationProgress(g, T0 + 100_000)).toBe(p);
  });

  it('never goes backwards across a lifecycle sampled over time', () => {
    const samples: number[] = [];
    const completedAt = T0 + 14_000;
    for (let t = T0; t <= T0 + 20_000; t += 250) {
      const g = t < T0 + 2000 ? gen('QUEUED') : t < completedAt ? gen('GENERATING') : gen('COMPLETED', { completedAt });
      samples.push(generationProgress(g, t));
    }
    expect([...samples].sort((a, b) => a - b)).toEqual(samples);
    expect(samples.filter((p) => p === 1).length).toBe(samples.filter((_, i) => T0 + i * 250 >= completedAt).length);
  });
});

describe('estimatedCompletionAt', () => {
  it('is createdAt + expected while on schedule, never in the past, null once over', () => {
    expect(estimatedCompletionAt(gen('QUEUED'), T0)).toBe(T0 + 10_000);
    expect(estimatedCompletionAt(gen('GENERATING'), T0 + 60_000)).toBe(T0 + 61_000);
    expect(estimatedCompletionAt(gen('GENERATING'), T0 + 9_500)).toBeGreaterThanOrEqual(T0 + 9_500 + 1000);
    expect(estimatedCompletionAt(gen('COMPLETED', { completedAt: T0 + 5 }), T0 + 5)).toBeNull();
    expect(estimatedCompletionAt(gen('FAILED', { completedAt: T0 + 5 }), T0 + 5)).toBeNull();
  });
});

describe('DurationEstimator', () => {
  it('starts from the published timings', () => {
    const e = new DurationEstimator();
    expect(e.expectedMs('720p', 5)).toBe(publishedDurationMs('720p', 5));
    expect(publishedDurationMs('720p', 5)).toBeGreaterThanOrEqual(30_000);
    expect(publishedDurationMs('720p', 5)).toBeLessThanOrEqual(40_000);
    expect(publishedDurationMs('1080p', 5)).toBe(75_000);
    expect(publishedDurationMs('720p', 8)).toBeGreaterThan(publishedDurationMs('720p', 5));
    expect(publishedDurationMs('360p', 5)).toBeLessThan(publishedDurationMs('1080p', 5));
  });

  it('learns per resolution and duration: the first sample replaces the default, then a mean', () => {
    const e = new DurationEstimator();
    e.observe('720p', 5, 20_000);
    expect(e.expectedMs('720p', 5)).toBe(20_000);
    e.observe('720p', 5, 30_000);
    expect(e.expectedMs('720p', 5)).toBe(25_000);
    e.observe('720p', 5, 40_000);
    expect(e.expectedMs('720p', 5)).toBeCloseTo(30_000, 5);
    // Other shapes are untouched.
    expect(e.expectedMs('720p', 8)).toBe(publishedDurationMs('720p', 8));
    expect(e.expectedMs('1080p', 5)).toBe(publishedDurationMs('1080p', 5));
    expect(e.snapshot()['720p/5']?.samples).toBe(3);
  });

  it('follows the provider when it speeds up (exponential weighting once warmed up)', () => {
    const e = new DurationEstimator();
    for (let i = 0; i < 50; i++) e.observe('1080p', 5, 80_000);
    expect(e.expectedMs('1080p', 5)).toBeCloseTo(80_000, 0);
    for (let i = 0; i < 30; i++) e.observe('1080p', 5, 40_000);
    // With weight 0.2, thirty samples leave under 0.1% of the old level.
    expect(e.expectedMs('1080p', 5)).toBeLessThan(40_100);
    // One outlier moves it by its weight, not all the way.
    e.observe('1080p', 5, 140_000);
    expect(e.expectedMs('1080p', 5)).toBeGreaterThan(55_000);
    expect(e.expectedMs('1080p', 5)).toBeLessThan(65_000);
  });

  it('ignores samples that are not positive durations', () => {
    const e = new DurationEstimator();
    for (const bad of [0, -1000, Number.NaN, Number.NEGATIVE_INFINITY]) e.observe('540p', 5, bad);
    expect(e.expectedMs('540p', 5)).toBe(publishedDurationMs('540p', 5));
    expect(e.snapshot()).toEqual({});
  });
});

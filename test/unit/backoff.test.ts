import { describe, expect, it } from 'vitest';
import { computeBackoff, parseRetryAfter } from '../../src/lib/backoff.js';

describe('computeBackoff', () => {
  const opts = (random: number) => ({ baseMs: 100, maxMs: 1000, random: () => random });

  it('doubles the ceiling per retry and scales it by the jitter source (full jitter)', () => {
    expect([1, 2, 3, 4].map((a) => computeBackoff(a, opts(1)))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3, 4].map((a) => computeBackoff(a, opts(0.5)))).toEqual([50, 100, 200, 400]);
    expect(computeBackoff(3, opts(0))).toBe(0);
  });

  it('never exceeds maxMs, even for huge attempt numbers', () => {
    expect(computeBackoff(5, opts(1))).toBe(1000);
    expect(computeBackoff(50, opts(0.999))).toBe(999);
    expect(computeBackoff(5000, opts(1))).toBe(1000);
  });

  it('treats attempt 0 or below like the first retry', () => {
    expect(computeBackoff(0, opts(1))).toBe(100);
    expect(computeBackoff(-3, opts(1))).toBe(100);
  });

  it('clamps a misbehaving jitter source', () => {
    expect(computeBackoff(1, opts(-5))).toBe(0);
    expect(computeBackoff(1, opts(7))).toBe(100);
    expect(computeBackoff(1, opts(Number.NaN))).toBe(100);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('returns null for absent or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('-1', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('2025', now)).toBe(2_025_000);
  });
});

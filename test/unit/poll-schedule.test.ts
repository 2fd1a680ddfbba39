import { describe, expect, it } from 'vitest';
import { MIN_POLL_MS, nextPollDelay } from '../../src/watch/schedule.js';

const T0 = 1_700_000_000_000;
const EXPECTED = 35_000;
const gen = { createdAt: T0, expectedDurationMs: EXPECTED };
const adaptive = (baseMs: number) => ({ baseMs, adaptive: true });

/** Delays of a poller that follows the schedule from creation until `untilMs` after it. */
function pollTimes(baseMs: number, untilMs: number): number[] {
  const times: number[] = [];
  let t = T0;
  while (t - T0 < untilMs) {
    t += nextPollDelay(gen, t, adaptive(baseMs));
    times.push(t - T0);
  }
  return times;
}

describe('nextPollDelay: fixed', () => {
  it.each([50, 1000, 5000, 10_000])('is the base interval (%i ms) at every point when not adaptive', (baseMs) => {
    for (const dt of [0, 1000, EXPECTED - 1, EXPECTED, EXPECTED + 1, 10 * EXPECTED]) {
      expect(nextPollDelay(gen, T0 + dt, { baseMs, adaptive: false })).toBe(baseMs);
    }
  });
});

describe('nextPollDelay: adaptive', () => {
  it.each([50, 250, 1000, 5000])('early on it polls sparsely: never more often than the base interval (%i ms), at most 4×', (baseMs) => {
    for (let dt = 0; EXPECTED - dt > baseMs; dt += 500) {
      const d = nextPollDelay(gen, T0 + dt, adaptive(baseMs));
      expect(d).toBeGreaterThanOrEqual(baseMs);
      expect(d).toBeLessThanOrEqual(4 * baseMs);
    }
    expect(nextPollDelay(gen, T0, adaptive(baseMs))).toBe(Math.min(4 * baseMs, Math.max(baseMs, EXPECTED / 2)));
  });

  it('early polls never jump past the expected completion', () => {
    for (const baseMs of [50, 1000, 5000, 10_000]) {
      for (let dt = 0; EXPECTED - dt > baseMs; dt += 250) {
        expect(T0 + dt + nextPollDelay(gen, T0 + dt, adaptive(baseMs))).toBeLessThanOrEqual(T0 + EXPECTED);
      }
    }
  });

  it.each([50, 100, 250, 1000, 5000, 10_000])(
    'around the expected completion it polls densely: no sparser than the base interval (%i ms), never below MIN_POLL_MS unless the base is',
    (baseMs) => {
      for (const dt of [EXPECTED - baseMs, EXPECTED - 1, EXPECTED, EXPECTED + baseMs, EXPECTED + 2 * baseMs - 1]) {
        const d = nextPollDelay(gen, T0 + dt, adaptive(baseMs));
        expect(d, `at ${dt - EXPECTED} ms from the expected end, base ${baseMs}`).toBeLessThanOrEqual(baseMs);
        expect(d).toBeGreaterThanOrEqual(Math.min(baseMs, MIN_POLL_MS));
        // And denser than early on.
        expect(d).toBeLessThanOrEqual(nextPollDelay(gen, T0, adaptive(baseMs)));
      }
    },
  );

  it('is denser around the expected end than early on, at the default base (5000 ms)', () => {
    const early = nextPollDelay(gen, T0, adaptive(5000));
    const near = nextPollDelay(gen, T0 + EXPECTED, adaptive(5000));
    expect(early).toBe(17_500);
    expect(near).toBe(1250);
  });

  it.each([50, 1000, 5000])('settles back to the base interval (%i ms) once well overdue', (baseMs) => {
    for (const over of [2 * baseMs, 3 * baseMs, 10 * EXPECTED]) {
      expect(nextPollDelay(gen, T0 + EXPECTED + over, adaptive(baseMs))).toBe(baseMs);
    }
  });

  it('a whole run at the default base polls a handful of times before the expected end and densely around it', () => {
    const times = pollTimes(5000, EXPECTED + 10_000);
    const before = times.filter((t) => t < EXPECTED - 5000);
    const around = times.filter((t) => t >= EXPECTED - 5000 && t <= EXPECTED + 10_000);
    // A fixed 5 s schedule would make 6 polls before 30 s; the adaptive one makes fewer.
    expect(before.length).toBeLessThanOrEqual(6);
    expect(around.length).toBeGreaterThan(3);
    const sorted = [...times].sort((a, b) => a - b);
    expect(sorted).toEqual(times);
  });
});

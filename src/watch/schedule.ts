/**
 * When to poll next. A fixed interval wastes reads early and reacts late at the end; the
 * adaptive schedule polls sparsely while the video cannot be ready and densely around the time
 * it is expected, then settles back to the base interval once it is overdue.
 */
import type { Generation } from '../domain/generation.js';

export interface ScheduleOptions {
  baseMs: number;
  adaptive: boolean;
}

/** Never poll faster than this, whatever the schedule says. */
export const MIN_POLL_MS = 250;

export function nextPollDelay(gen: Pick<Generation, 'createdAt' | 'expectedDurationMs'>, now: number, opts: ScheduleOptions): number {
  const base = opts.baseMs;
  if (!opts.adaptive) return base;
  const expectedEnd = gen.createdAt + gen.expectedDurationMs;
  const remaining = expectedEnd - now;
  const dense = Math.min(base, Math.max(MIN_POLL_MS, Math.round(base / 4)));
  if (remaining > base) {
    // Early: halve the distance to the expected end, never below the base interval, and never
    // above four of them so an early failure is still noticed soon.
    return Math.min(4 * base, Math.max(base, Math.round(remaining / 2)));
  }
  if (remaining > -2 * base) {
    // Around the expected completion: poll densely.
    return dense;
  }
  return base;
}

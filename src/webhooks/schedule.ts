/**
 * When a failed delivery is tried again: the retry schedule (WEBHOOK_RETRY_SCHEDULE, delays in
 * ms between attempts, growing roughly exponentially: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h by
 * default) with jitter, so deliveries that failed together (a receiver's outage) do not all come
 * back in the same instant, and never sooner than the receiver's `Retry-After` asked.
 */

/** The default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h (eight attempts in all). */
export const DEFAULT_RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 86_400_000];

/** A `Retry-After` longer than this is read as this. @default 86400000 // 24 h */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/** Jitter: each delay is drawn uniformly from ±this fraction of its scheduled value. */
export const JITTER = 0.1;

/**
 * The delay before the next attempt after the `failures`-th failed attempt of a round (1 after
 * the first failure), or null when the schedule is exhausted and the delivery has FAILED.
 * `random` is uniform in [0, 1).
 */
export function retryDelay(failures: number, schedule: readonly number[], retryAfterMs: number | null, random: () => number): number | null {
  const base = schedule[failures - 1];
  if (base === undefined || failures < 1) return null;
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0.5;
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * unit));
  const asked = retryAfterMs === null ? 0 : Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
  return Math.max(jittered, asked);
}

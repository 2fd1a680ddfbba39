/**
 * Progress and completion estimates. Progress is a function of elapsed time over the duration
 * expected when the generation was created, so it rises monotonically and reaches 1 only when
 * the generation is COMPLETED.
 */
import type { Duration, Generation, Resolution, VideoModel } from './generation.js';

/**
 * The provider's published timings: about 30–40 s for 720p/5 s and about 75 s for 1080p.
 * Lower resolutions are faster; 8-second clips take roughly 1.6× as long.
 */
const PUBLISHED_MS: Record<Resolution, number> = {
  '360p': 25_000,
  '540p': 30_000,
  '720p': 35_000,
  '1080p': 75_000,
};

export function publishedDurationMs(resolution: Resolution, duration: Duration): number {
  return Math.round(PUBLISHED_MS[resolution] * (duration === 8 ? 1.6 : 1));
}

/** Reported progress never exceeds this until the provider says the video is done. */
const MAX_PENDING_PROGRESS = 0.99;
/** Share of the bar that fills linearly while on schedule; the rest is approached slowly. */
const ON_SCHEDULE_SHARE = 0.9;

/** Progress of a generation that has run for `elapsedMs` of an expected `expectedMs`. */
export function progressAt(elapsedMs: number, expectedMs: number): number {
  if (!(elapsedMs > 0) || !(expectedMs > 0)) return 0;
  const ratio = elapsedMs / expectedMs;
  if (ratio <= 1) return ON_SCHEDULE_SHARE * ratio;
  // Overdue: keep moving (a frozen bar looks broken) but approach the cap asymptotically.
  const overdue = 1 - Math.exp(-(ratio - 1) * 2);
  return ON_SCHEDULE_SHARE + (MAX_PENDING_PROGRESS - ON_SCHEDULE_SHARE) * overdue;
}

export function generationProgress(gen: Generation, now: number): number {
  if (gen.status === 'COMPLETED') return 1;
  const end = gen.completedAt ?? now;
  return Math.min(MAX_PENDING_PROGRESS, progressAt(end - gen.createdAt, gen.expectedDurationMs));
}

/** When the video is expected: null once terminal; never in the past while pending. */
export function estimatedCompletionAt(gen: Generation, now: number, minAheadMs = 1000): number | null {
  if (gen.completedAt !== null) return null;
  return Math.max(gen.createdAt + gen.expectedDurationMs, now + minAheadMs);
}

/**
 * Learns expected durations from completed generations of the same model, resolution and
 * duration (an exponentially weighted mean, so the estimate follows the provider when it speeds
 * up or slows down). A model not seen at that shape yet borrows what text-to-video taught (the
 * provider publishes no separate timings for the image models), then the published timings.
 */
export class DurationEstimator {
  private readonly learned = new Map<string, { meanMs: number; samples: number }>();

  /** Weight of the newest sample once warmed up. */
  constructor(private readonly alpha = 0.2) {}

  /** Text-to-video keeps the keys it always had (`720p/5`); the image models are prefixed. */
  private static key(resolution: Resolution, duration: Duration, model: VideoModel): string {
    return model === 'text-to-video' ? `${resolution}/${duration}` : `${model}/${resolution}/${duration}`;
  }

  expectedMs(resolution: Resolution, duration: Duration, model: VideoModel = 'text-to-video'): number {
    return (
      this.learned.get(DurationEstimator.key(resolution, duration, model))?.meanMs ??
      this.learned.get(DurationEstimator.key(resolution, duration, 'text-to-video'))?.meanMs ??
      publishedDurationMs(resolution, duration)
    );
  }

  observe(resolution: Resolution, duration: Duration, tookMs: number, model: VideoModel = 'text-to-video'): void {
    if (!(tookMs > 0)) return;
    const key = DurationEstimator.key(resolution, duration, model);
    const cur = this.learned.get(key);
    if (!cur) {
      this.learned.set(key, { meanMs: tookMs, samples: 1 });
      return;
    }
    // Plain mean for the first samples, then exponential weighting.
    const w = Math.max(this.alpha, 1 / (cur.samples + 1));
    this.learned.set(key, { meanMs: cur.meanMs + w * (tookMs - cur.meanMs), samples: cur.samples + 1 });
  }

  snapshot(): Record<string, { meanMs: number; samples: number }> {
    return Object.fromEntries(this.learned);
  }
}

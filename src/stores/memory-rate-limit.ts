/**
 * Per-client create budget: a sliding one-minute window. The interface is async so cluster mode
 * can keep the window in Redis.
 */
import type { RateLimiter } from '../domain/ports.js';

const WINDOW_MS = 60_000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly perMinute: number) {}

  async take(client: string, now: number): Promise<number> {
    const times = (this.windows.get(client) ?? []).filter((t) => t > now - WINDOW_MS);
    if (times.length >= this.perMinute) {
      this.windows.set(client, times);
      return Math.max(1, (times[0] ?? now) + WINDOW_MS - now);
    }
    times.push(now);
    this.windows.set(client, times);
    return 0;
  }
}

/**
 * The per-client create budget in cluster mode: the same one-minute sliding window as
 * MemoryRateLimiter, kept in Redis so every instance draws from one budget. Each client has a
 * sorted set of the times it was allowed; one Lua script drops entries that left the window,
 * counts, and either records this take or says how long until the oldest entry leaves, so
 * concurrent takes on different instances can never exceed the limit together.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimiter } from '../domain/ports.js';
import { LuaScript, redisKey } from '../stores/redis/index.js';

const WINDOW_MS = 60_000;

/**
 * KEYS: 1 the client's window. ARGV: 1 now, 2 window, 3 limit, 4 a unique member.
 * Entries at or before `now - window` have left (MemoryRateLimiter keeps `t > now - window`).
 * Returns 0 when allowed, else the milliseconds until the oldest entry leaves (at least 1).
 */
const TAKE = new LuaScript(`
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = window
if oldest[2] then wait = tonumber(oldest[2]) + window - now end
if wait < 1 then wait = 1 end
return math.ceil(wait)
`);

export interface RedisRateLimiterOptions {
  /** An ioredis client, owned by the caller. */
  redis: Redis;
  /** Creates allowed per client in any sliding minute, across all instances. */
  perMinute: number;
  /**
   * First part of every key.
   * @default 'cinegraph'
   */
  prefix?: string;
  /**
   * Which budget this is, as the part of the key after the prefix: limiters with different names
   * count apart (creates, lookups of ids not in the store).
   * @default 'rate'
   */
  name?: string;
}

export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly opts: RedisRateLimiterOptions) {}

  async take(client: string, now: number): Promise<number> {
    // Two takes in the same millisecond must be two entries: the member carries a random suffix.
    const member = `${now}:${randomBytes(8).toString('hex')}`;
    const wait = await TAKE.run(
      this.opts.redis,
      [redisKey(this.opts.prefix, this.opts.name ?? 'rate', client)],
      [String(now), String(WINDOW_MS), String(this.opts.perMinute), member],
    );
    return Number(wait);
  }
}

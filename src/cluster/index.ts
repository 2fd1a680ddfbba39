/**
 * Cluster mode: with REDIS_URL set, the store, idempotency keys, budgets, pub/sub and poll leases
 * all live in Redis, so several gateway instances behind a load balancer behave as one.
 */
import { randomUUID } from 'node:crypto';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from '../config.js';
import type { TransitionEventTarget } from '../events/bus.js';
import { RedisLease } from './lease.js';
import { RedisRateLimiter } from './redis-rate-limit.js';
import { RedisStore } from '../stores/redis/index.js';

export class ClusterStartError extends Error {
  override readonly name = 'ClusterStartError';
}

export interface ClusterOptions {
  redisUrl: string;
  logger: Logger;
  /** Poll lease length. @default 30000 */
  leaseMs: number;
  /** Per client creates per minute, shared by every instance. */
  generateRatePerMinute: number;
  /** Per owner lookups of ids not in the store, per minute, shared by every instance. @default 30 */
  foreignLookupsPerMinute?: number;
  /** How long records of finished generations are kept. @default 30 days */
  retentionMs: number;
  /** Give up connecting at start-up after this. @default 5000 */
  connectTimeoutMs?: number;
  prefix?: string;
}

export interface Cluster {
  instanceId: string;
  store: RedisStore;
  rateLimiter: RedisRateLimiter;
  /** The budget of lookups of ids not in the store (generations/lookups.ts). */
  lookupRateLimiter: RedisRateLimiter;
  lease: RedisLease;
  eventTarget: TransitionEventTarget;
  /** Called after Redis comes back from an outage (resync subscribers). */
  onReconnect(listener: () => void): void;
  /** Null when healthy, otherwise what is wrong (for readiness). */
  problem(): string | null;
  close(): Promise<void>;
}

function client(url: string, name: string, connectTimeoutMs: number): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    connectTimeout: connectTimeoutMs,
    // Keep commands queued through a short outage rather than failing at once; readiness reports it.
    maxRetriesPerRequest: 3,
    // Reconnect forever with a capped backoff: Redis restarts must heal on their own.
    retryStrategy: (times) => Math.min(2000, 50 * 2 ** Math.min(times, 6)),
  });
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  const instanceId = randomUUID();
  const commands = client(opts.redisUrl, `cinegraph:${instanceId}:cmd`, connectTimeoutMs);
  const subscriber = client(opts.redisUrl, `cinegraph:${instanceId}:sub`, connectTimeoutMs);
  // ioredis logs unhandled 'error' events loudly; outages are reported through readiness instead.
  let lastError: string | null = null;
  for (const c of [commands, subscriber]) {
    c.on('error', (err: Error) => {
      if (lastError !== err.message) opts.logger.warn({ err: err.message }, 'Redis connection problem');
      lastError = err.message;
    });
  }
  try {
    await Promise.race([
      Promise.all([commands.connect(), subscriber.connect()]),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs).unref()),
    ]);
    await commands.ping();
  } catch (err) {
    commands.disconnect();
    subscriber.disconnect();
    const why = err instanceof Error ? err.message : String(err);
    throw new ClusterStartError(`REDIS_URL ${redactUrl(opts.redisUrl)} is unreachable (${why})`);
  }
  const reconnectListeners: Array<() => void> = [];
  let wasDown = false;
  subscriber.on('close', () => (wasDown = true));
  subscriber.on('ready', () => {
    if (!wasDown) return;
    wasDown = false;
    lastError = null;
    opts.logger.info('Redis is back: re-reading the state of open subscriptions');
    for (const l of reconnectListeners) l();
  });
  const store = new RedisStore({ redis: commands, retentionMs: opts.retentionMs, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
  return {
    instanceId,
    store,
    rateLimiter: new RedisRateLimiter({ redis: commands, perMinute: opts.generateRatePerMinute, ...(opts.prefix ? { prefix: opts.prefix } : {}) }),
    lookupRateLimiter: new RedisRateLimiter({
      redis: commands,
      name: 'lookups',
      perMinute: opts.foreignLookupsPerMinute ?? 30,
      ...(opts.prefix ? { prefix: opts.prefix } : {}),
    }),
    lease: new RedisLease({ redis: commands, instanceId, leaseMs: opts.leaseMs, ...(opts.prefix ? { prefix: opts.prefix } : {}) }),
    eventTarget: createRedisEventTarget({ publishClient: commands, subscribeClient: subscriber }) as unknown as TransitionEventTarget,
    onReconnect: (l) => reconnectListeners.push(l),
    problem: () => {
      if (commands.status !== 'ready' || subscriber.status !== 'ready') {
        return `redis unavailable (${commands.status}/${subscriber.status}${lastError ? `: ${lastError}` : ''})`;
      }
      return null;
    },
    async close() {
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}

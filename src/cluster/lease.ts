/**
 * Poll leases on Redis: exactly one instance in the cluster polls a given generation. A lease is
 * a key holding the instance id with an expiry (SET NX PX). The holder renews it before every
 * poll; when the holder dies, the key expires and another instance takes over within the lease
 * time. Renewal and release compare the holder first (Lua), so an instance never extends or
 * frees a lease that another instance took over.
 */
import type { Redis } from 'ioredis';
import type { PollLease } from '../domain/ports.js';
import { redisKey } from '../stores/redis/index.js';

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export interface RedisLeaseOptions {
  redis: Redis;
  /** This instance's unique id. */
  instanceId: string;
  /** How long a lease lasts without renewal. @default 30000 */
  leaseMs: number;
  prefix?: string;
}

export class RedisLease implements PollLease {
  readonly retryMs: number;

  constructor(private readonly opts: RedisLeaseOptions) {
    // Ask again a little more often than the lease expires, so a dead holder's work resumes soon.
    this.retryMs = Math.max(50, Math.round(opts.leaseMs / 3));
  }

  private key(id: string): string {
    return redisKey(this.opts.prefix, 'lease', id);
  }

  async acquire(id: string): Promise<boolean> {
    const key = this.key(id);
    const { redis, instanceId, leaseMs } = this.opts;
    const set = await redis.set(key, instanceId, 'PX', leaseMs, 'NX');
    if (set === 'OK') return true;
    const renewed = (await redis.eval(RENEW, 1, key, instanceId, String(leaseMs))) as number;
    return renewed === 1;
  }

  async release(id: string): Promise<void> {
    await this.opts.redis.eval(RELEASE, 1, this.key(id), this.opts.instanceId);
  }

  /** Who holds a lease (tests and diagnostics). */
  holder(id: string): Promise<string | null> {
    return this.opts.redis.get(this.key(id));
  }
}

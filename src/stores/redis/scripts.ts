/**
 * The Redis store's Lua scripts: each write of a generation or an idempotency key is one script,
 * so Redis applies it atomically. Scripts touch only the keys passed in KEYS, as Redis asks.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { OUTBOX_LUA } from './outbox-lua.js';

/**
 * A Lua script run by digest (EVALSHA), falling back to EVAL when the server does not know it
 * yet (first use, or after a Redis restart flushed the script cache).
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Writes a generation and every index entry in one step.
 * KEYS: 1 record, 2 seq counter, 3 history (owner), 4 active, 5 active-owner (owner),
 *       6 unarchived, 7 recent, 8 timed-out
 * ARGV: 1 json, 2 owner, 3 createdAt, 4 id, 5 '1' when active, 6 '1' when unarchived,
 *       7 completedAt of a completion sample or '', 8 the sample ('<resolution>|<duration>|<tookMs>', plus '|<model>' for the image models),
 *       9 retentionMs, 10 recent cap, 11 completedAt when TIMED_OUT or ''
 * then, at the very end of KEYS and ARGV, the webhook outbox's own (OUTBOX_LUA: keep them last).
 * Returns 0, writing nothing, when the record belongs to another owner (an owner never changes),
 * 1 when written.
 */
export const SAVE = new LuaScript(`
local old = redis.call('HGET', KEYS[1], 'owner')
if old and old ~= ARGV[2] then return 0 end
local id = ARGV[4]
local seq = redis.call('HGET', KEYS[1], 'seq')
if not seq then seq = tostring(redis.call('INCR', KEYS[2])) end
local oldRecent = redis.call('HGET', KEYS[1], 'rc')
if oldRecent then redis.call('ZREM', KEYS[7], oldRecent) end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'owner', ARGV[2], 'seq', seq)
redis.call('ZADD', KEYS[3], ARGV[3], id)
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[4], seq, id)
  redis.call('SADD', KEYS[5], id)
  redis.call('PERSIST', KEYS[1])
else
  redis.call('ZREM', KEYS[4], id)
  redis.call('SREM', KEYS[5], id)
  redis.call('PEXPIRE', KEYS[1], ARGV[9])
end
if ARGV[6] == '1' then
  redis.call('ZADD', KEYS[6], seq, id)
else
  redis.call('ZREM', KEYS[6], id)
end
if ARGV[11] ~= '' then
  redis.call('ZADD', KEYS[8], ARGV[11], id)
else
  redis.call('ZREM', KEYS[8], id)
end
if ARGV[7] ~= '' then
  local member = string.rep('0', 16 - #seq) .. seq .. '|' .. ARGV[8]
  redis.call('ZADD', KEYS[7], ARGV[7], member)
  redis.call('HSET', KEYS[1], 'rc', member)
  redis.call('ZREMRANGEBYRANK', KEYS[7], 0, -(tonumber(ARGV[10]) + 1))
else
  redis.call('HDEL', KEYS[1], 'rc')
end
` + OUTBOX_LUA + `
return 1
`);

/**
 * Removes sorted-set index members whose record is gone (or, with ARGV[1] = '1', belongs to another owner
 * than ARGV[2]: it expired and another client created it again), checking each record at removal time.
 * KEYS: 1 the index, 2.. the records; ARGV: 1 check owner, 2 owner, 3.. the ids.
 */
export const CLEAN = new LuaScript(`
local removed = 0
for i = 2, #KEYS do
  local owner = redis.call('HGET', KEYS[i], 'owner')
  if (not owner) or (ARGV[1] == '1' and owner ~= ARGV[2]) then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i + 1])
  end
end
return removed
`);

/**
 * Claims an idempotency key unless a live record holds it. Liveness compares the record's
 * `expiresAt` with the caller's clock (like the other stores); the Redis TTL only cleans up.
 * KEYS: 1 the key; ARGV: 1 now, 2 fingerprint, 3 expiresAt, 4 ttl for PEXPIRE.
 * Returns 1 when claimed, else the holder's fields (HGETALL).
 */
export const CLAIM = new LuaScript(`
local exp = redis.call('HGET', KEYS[1], 'expiresAt')
if exp and tonumber(exp) > tonumber(ARGV[1]) then
  return redis.call('HGETALL', KEYS[1])
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'fingerprint', ARGV[2], 'state', 'pending', 'createdAt', ARGV[1], 'expiresAt', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

/** Sets fields of an existing hash only (HSET keeps the TTL); unknown keys stay unknown. */
export const UPDATE_EXISTING = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`);

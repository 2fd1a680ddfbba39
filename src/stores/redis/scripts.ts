/**
 * The Redis store's Lua scripts: each write of a generation or an idempotency key is one script,
 * so Redis applies it atomically. Scripts touch only the keys passed in KEYS, as Redis asks.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

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
 *       6 unarchived, 7 recent, 8 history (previous owner), 9 active-owner (previous owner)
 * ARGV: 1 '1' when a record is expected, 2 its expected owner, 3 json, 4 owner, 5 createdAt,
 *       6 id, 7 '1' when active, 8 '1' when unarchived, 9 completedAt of a completion sample
 *       or '', 10 the sample ('<resolution>|<duration>|<tookMs>'), 11 retentionMs, 12 recent cap
 * Returns 0 when the record's owner is not the expected one (the caller re-reads and retries:
 * the previous owner's index keys must be passed in KEYS), 1 when written.
 */
export const SAVE = new LuaScript(`
local old = redis.call('HGET', KEYS[1], 'owner')
if ARGV[1] == '1' then
  if old ~= ARGV[2] then return 0 end
elseif old then
  return 0
end
local id = ARGV[6]
local seq = redis.call('HGET', KEYS[1], 'seq')
if not seq then seq = tostring(redis.call('INCR', KEYS[2])) end
if old and old ~= ARGV[4] then
  redis.call('ZREM', KEYS[8], id)
  redis.call('SREM', KEYS[9], id)
end
local oldRecent = redis.call('HGET', KEYS[1], 'rc')
if oldRecent then redis.call('ZREM', KEYS[7], oldRecent) end
redis.call('HSET', KEYS[1], 'json', ARGV[3], 'owner', ARGV[4], 'seq', seq)
redis.call('ZADD', KEYS[3], ARGV[5], id)
if ARGV[7] == '1' then
  redis.call('ZADD', KEYS[4], seq, id)
  redis.call('SADD', KEYS[5], id)
  redis.call('PERSIST', KEYS[1])
else
  redis.call('ZREM', KEYS[4], id)
  redis.call('SREM', KEYS[5], id)
  redis.call('PEXPIRE', KEYS[1], ARGV[11])
end
if ARGV[8] == '1' then
  redis.call('ZADD', KEYS[6], seq, id)
else
  redis.call('ZREM', KEYS[6], id)
end
if ARGV[9] ~= '' then
  local member = string.rep('0', 16 - #seq) .. seq .. '|' .. ARGV[10]
  redis.call('ZADD', KEYS[7], ARGV[9], member)
  redis.call('HSET', KEYS[1], 'rc', member)
  redis.call('ZREMRANGEBYRANK', KEYS[7], 0, -(tonumber(ARGV[12]) + 1))
else
  redis.call('HDEL', KEYS[1], 'rc')
end
return 1
`);

/**
 * Removes sorted-set index members whose record is gone (or, with ARGV[1] = '1', belongs to another owner
 * than ARGV[2]), checking each record at removal time.
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

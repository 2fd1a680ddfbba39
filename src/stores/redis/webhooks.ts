/**
 * Webhook endpoints and deliveries in Redis (cluster mode), shared by every instance.
 *
 * | key                          | type | holds                                                      |
 * |------------------------------|------|------------------------------------------------------------|
 * | `wh-endpoint:<id>`           | hash | the endpoint's fields (`events` as JSON)                   |
 * | `wh-endpoints:<owner>`       | zset | endpoint id → createdAt                                    |
 * | `wh-delivery:<id>`           | hash | `json` (the fixed part: ids, event, payload, createdAt),   |
 * |                              |      | the changing fields (status, attempts, …) and `token`, the |
 * |                              |      | claim of the instance attempting it                        |
 * | `wh-deliveries:<endpointId>` | zset | delivery id → createdAt (webhookDeliveries)                |
 * | `wh-due`                     | zset | delivery id → when it may be claimed, PENDING only         |
 *
 * The outbox rows are written by the generation save script itself (OUTBOX_LUA, appended to
 * SAVE in scripts.ts), so a transition and its deliveries land in one atomic step. A claim moves
 * a delivery's `wh-due` score to the end of its lease: no other instance sees it due until then,
 * and if the claiming instance dies the delivery is due again when the lease ends. Ended
 * deliveries expire `retentionMs` after their last change; listing skips (and unindexes) those.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PagePosition } from '../../domain/ports.js';
import type {
  ClaimBatch,
  ClaimedDelivery,
  DeliveryPage,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEventType,
  WebhookStore,
} from '../../domain/webhooks.js';
import { redisKey } from './keys.js';
import { LuaScript } from './scripts.js';

export { OUTBOX_LUA } from './outbox-lua.js';

/**
 * Claims up to `limit` of the given due deliveries that are still due (another instance may have
 * claimed some since they were read). KEYS: 1 due, 2.. the records; ARGV: 1 now, 2 lease end,
 * then per record its id and a fresh token, then the limit. Returns the claimed ids with their
 * fields.
 */
const CLAIM_DUE = new LuaScript(`
local out = {}
local limit = tonumber(ARGV[#ARGV])
for i = 2, #KEYS do
  if #out >= 2 * limit then break end
  local id = ARGV[2 * i - 1]
  local score = redis.call('ZSCORE', KEYS[1], id)
  if score and tonumber(score) <= tonumber(ARGV[1]) and redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    redis.call('HSET', KEYS[i], 'token', ARGV[2 * i])
    out[#out + 1] = id
    out[#out + 1] = redis.call('HGETALL', KEYS[i])
  elseif score and redis.call('EXISTS', KEYS[i]) == 0 then
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`);

/**
 * Records an attempt's outcome if the claim is still held. KEYS: 1 record, 2 due; ARGV: 1 token,
 * 2 id, 3 due score or '' when no longer pending, 4 retention ms, then field/value pairs ('' =
 * no value).
 */
const FINISH = new LuaScript(`
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'token')
for i = 5, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
  redis.call('PERSIST', KEYS[1])
else
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return 1
`);

/** KEYS: 1 record, 2 due; ARGV: 1 id, 2 now. Pending again, due now, a new round. */
const REDELIVER = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[1], 'token')
redis.call('HSET', KEYS[1], 'status', 'PENDING', 'failures', '0', 'nextAttemptAt', ARGV[2], 'updatedAt', ARGV[2])
redis.call('PERSIST', KEYS[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`);

/** KEYS: 1 endpoint, 2 owner's index; ARGV: 1 owner, 2 id. */
const DELETE_ENDPOINT = new LuaScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
`);

/** KEYS: 1 endpoint; ARGV: 1 at, 2 reason. */
const DISABLE_ENDPOINT = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'disabledAt') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'disabledAt', ARGV[1], 'disabledReason', ARGV[2])
return 1
`);

/** The fixed part of a delivery, written once. */
type FixedPart = Pick<WebhookDelivery, 'id' | 'endpointId' | 'owner' | 'eventType' | 'generationId' | 'payload' | 'createdAt'>;

const CHUNK = 200;

function fields(flat: unknown): Map<string, string> {
  const f = new Map<string, string>();
  const arr = Array.isArray(flat) ? (flat as string[]) : [];
  for (let i = 0; i + 1 < arr.length; i += 2) f.set(arr[i] as string, arr[i + 1] as string);
  return f;
}

const numOrNull = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

function toDelivery(f: Map<string, string>): WebhookDelivery | null {
  const json = f.get('json');
  if (json === undefined) return null;
  const fixed = JSON.parse(json) as FixedPart;
  return {
    ...fixed,
    status: (f.get('status') ?? 'PENDING') as WebhookDeliveryStatus,
    attempts: Number(f.get('attempts') ?? 0),
    failures: Number(f.get('failures') ?? 0),
    lastStatusCode: numOrNull(f.get('lastStatusCode')),
    lastError: f.get('lastError') ?? null,
    nextAttemptAt: numOrNull(f.get('nextAttemptAt')),
    deliveredAt: numOrNull(f.get('deliveredAt')),
    updatedAt: Number(f.get('updatedAt') ?? fixed.createdAt),
  };
}

function toEndpoint(f: Record<string, string>): WebhookEndpoint | null {
  if (f.id === undefined) return null;
  return {
    id: f.id,
    owner: f.owner ?? '',
    url: f.url ?? '',
    events: JSON.parse(f.events ?? '[]') as WebhookEventType[],
    sealedSecret: f.sealedSecret ?? '',
    createdAt: Number(f.createdAt),
    disabledAt: numOrNull(f.disabledAt),
    disabledReason: f.disabledReason ?? null,
  };
}

export interface RedisWebhookStoreOptions {
  redis: Redis;
  prefix?: string | undefined;
  /** How long an ended delivery is kept after its last change. */
  retentionMs: number;
}

export class RedisWebhookStore implements WebhookStore {
  private readonly redis: Redis;

  constructor(
    private readonly opts: RedisWebhookStoreOptions,
    private readonly assertOpen: () => void,
  ) {
    this.redis = opts.redis;
  }

  private key(kind: 'wh-endpoint' | 'wh-endpoints' | 'wh-delivery' | 'wh-deliveries' | 'wh-due', ...parts: string[]): string {
    return redisKey(this.opts.prefix, kind, ...parts);
  }

  /** KEYS and ARGV to append to the generation save script's own for {@link OUTBOX_LUA}. */
  outboxArguments(deliveries: readonly WebhookDelivery[]): { keys: string[]; args: string[] } {
    const keys = [this.key('wh-due')];
    const args: string[] = [];
    for (const d of deliveries) {
      const fixed: FixedPart = {
        id: d.id,
        endpointId: d.endpointId,
        owner: d.owner,
        eventType: d.eventType,
        generationId: d.generationId,
        payload: d.payload,
        createdAt: d.createdAt,
      };
      keys.push(this.key('wh-delivery', d.id), this.key('wh-deliveries', d.endpointId));
      args.push(d.id, JSON.stringify(fixed), String(d.createdAt), String(d.nextAttemptAt ?? d.createdAt));
    }
    args.push('__outbox__', String(deliveries.length));
    return { keys, args };
  }

  async createEndpoint(e: WebhookEndpoint): Promise<void> {
    this.assertOpen();
    const rec = this.key('wh-endpoint', e.id);
    const values: Record<string, string> = {
      id: e.id,
      owner: e.owner,
      url: e.url,
      events: JSON.stringify(e.events),
      sealedSecret: e.sealedSecret,
      createdAt: String(e.createdAt),
    };
    if (e.disabledAt !== null) values.disabledAt = String(e.disabledAt);
    if (e.disabledReason !== null) values.disabledReason = e.disabledReason;
    const res = await this.redis
      .multi()
      .hset(rec, values)
      .zadd(this.key('wh-endpoints', e.owner), e.createdAt, e.id)
      .exec();
    const failed = res?.find(([err]) => err)?.[0];
    if (!res || failed) throw failed ?? new Error('no reply from Redis');
  }

  async getEndpoint(id: string): Promise<WebhookEndpoint | null> {
    this.assertOpen();
    return toEndpoint(await this.redis.hgetall(this.key('wh-endpoint', id)));
  }

  async listEndpoints(owner: string): Promise<WebhookEndpoint[]> {
    this.assertOpen();
    const ids = await this.redis.zrange(this.key('wh-endpoints', owner), 0, -1);
    if (ids.length === 0) return [];
    const results = (await this.redis.pipeline(ids.map((id) => ['hgetall', this.key('wh-endpoint', id)])).exec()) ?? [];
    const out: WebhookEndpoint[] = [];
    for (const [err, value] of results) {
      if (err) throw err;
      const e = toEndpoint(value as Record<string, string>);
      if (e && e.owner === owner) out.push(e);
    }
    return out;
  }

  async deleteEndpoint(owner: string, id: string): Promise<boolean> {
    this.assertOpen();
    const done = await DELETE_ENDPOINT.run(this.redis, [this.key('wh-endpoint', id), this.key('wh-endpoints', owner)], [owner, id]);
    if (done !== 1) return false;
    // Its deliveries go with it, a chunk at a time.
    const index = this.key('wh-deliveries', id);
    for (;;) {
      const ids = await this.redis.zrange(index, 0, CHUNK - 1);
      if (ids.length === 0) break;
      await this.redis
        .multi()
        .del(...ids.map((d) => this.key('wh-delivery', d)))
        .zrem(this.key('wh-due'), ...ids)
        .zrem(index, ...ids)
        .exec();
    }
    return true;
  }

  async disableEndpoint(id: string, at: number, reason: string): Promise<void> {
    this.assertOpen();
    await DISABLE_ENDPOINT.run(this.redis, [this.key('wh-endpoint', id)], [String(at), reason]);
  }

  async getDelivery(id: string): Promise<WebhookDelivery | null> {
    this.assertOpen();
    const f = await this.redis.hgetall(this.key('wh-delivery', id));
    return toDelivery(new Map(Object.entries(f)));
  }

  async listDeliveries(endpointId: string, page: { first: number; after: PagePosition | null }): Promise<DeliveryPage> {
    this.assertOpen();
    const first = Math.max(0, Math.floor(page.first));
    const want = first + 1;
    const index = this.key('wh-deliveries', endpointId);
    const found: WebhookDelivery[] = [];
    let after = page.after;
    for (let round = 0; round < 50 && found.length < want; round++) {
      const batch = await this.positionsAfter(index, after, Math.max(32, want * 2));
      if (batch.length === 0) break;
      const results = (await this.redis.pipeline(batch.map((p) => ['hgetall', this.key('wh-delivery', p.id)])).exec()) ?? [];
      const stale: string[] = [];
      batch.forEach((p, i) => {
        const [err, value] = results[i] ?? [new Error('no reply from Redis'), null];
        if (err) throw err;
        const d = toDelivery(new Map(Object.entries((value ?? {}) as Record<string, string>)));
        if (d) {
          if (found.length < want) found.push(d);
        } else stale.push(p.id);
      });
      // Records that expired leave the index as they are met.
      if (stale.length > 0) await this.redis.zrem(index, ...stale);
      after = batch.at(-1) ?? null;
    }
    return { items: found.slice(0, first), hasNextPage: found.length > first };
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimBatch> {
    this.assertOpen();
    const due = this.key('wh-due');
    const claimed: ClaimedDelivery[] = [];
    if (limit > 0) {
      // Read more candidates than wanted: instances claiming at the same time read the same
      // head of the index, and the script skips what another has just taken.
      const ids = await this.redis.zrangebyscore(due, '-inf', now, 'LIMIT', 0, Math.floor(limit) * 4);
      if (ids.length > 0) {
        const tokens = ids.map(() => randomUUID());
        const res = (await CLAIM_DUE.run(
          this.redis,
          [due, ...ids.map((id) => this.key('wh-delivery', id))],
          [String(now), String(now + leaseMs), ...ids.flatMap((id, i) => [id, tokens[i] as string]), String(Math.floor(limit))],
        )) as unknown[];
        for (let i = 0; i + 1 < res.length; i += 2) {
          const f = fields(res[i + 1]);
          const d = toDelivery(f);
          const token = f.get('token');
          if (d && token) claimed.push({ delivery: d, token });
        }
      }
    }
    const next = await this.redis.zrange(due, 0, 0, 'WITHSCORES');
    return { claimed, nextDueAt: next[1] !== undefined ? Number(next[1]) : null };
  }

  async finishAttempt(token: string, d: WebhookDelivery): Promise<boolean> {
    this.assertOpen();
    const str = (v: number | string | null): string => (v === null ? '' : String(v));
    const done = await FINISH.run(
      this.redis,
      [this.key('wh-delivery', d.id), this.key('wh-due')],
      [
        token,
        d.id,
        d.status === 'PENDING' ? String(d.nextAttemptAt ?? d.updatedAt) : '',
        String(this.opts.retentionMs),
        'status', d.status,
        'attempts', String(d.attempts),
        'failures', String(d.failures),
        'lastStatusCode', str(d.lastStatusCode),
        'lastError', str(d.lastError),
        'nextAttemptAt', str(d.nextAttemptAt),
        'deliveredAt', str(d.deliveredAt),
        'updatedAt', String(d.updatedAt),
      ],
    );
    return done === 1;
  }

  async redeliver(id: string, now: number): Promise<WebhookDelivery | null> {
    this.assertOpen();
    const done = await REDELIVER.run(this.redis, [this.key('wh-delivery', id), this.key('wh-due')], [id, String(now)]);
    return done === 1 ? this.getDelivery(id) : null;
  }

  /** Ended deliveries expire on their own (PEXPIRE at their last change): nothing to do here. */
  async pruneDeliveries(): Promise<number> {
    this.assertOpen();
    return 0;
  }

  /** Positions of an index after `after`, newest first (ties: descending id bytes, as Redis orders members). */
  private async positionsAfter(index: string, after: PagePosition | null, count: number): Promise<PagePosition[]> {
    const parse = (flat: string[]): PagePosition[] => {
      const out: PagePosition[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i] as string, createdAt: Number(flat[i + 1]) });
      return out;
    };
    if (!after) return parse(await this.redis.zrevrangebyscore(index, '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, count));
    const at = String(after.createdAt);
    const id = Buffer.from(after.id);
    const [tied, older] = await Promise.all([
      this.redis.zrevrangebyscore(index, at, at),
      this.redis.zrevrangebyscore(index, `(${at}`, '-inf', 'WITHSCORES', 'LIMIT', 0, count),
    ]);
    const rest = tied.filter((m) => Buffer.compare(Buffer.from(m), id) < 0).map((m) => ({ createdAt: after.createdAt, id: m }));
    return [...rest, ...parse(older)].slice(0, count);
  }
}

/**
 * The cluster-mode store: generations and idempotency keys in Redis, shared by every gateway
 * instance. What Redis adds to the other stores is retention: records of finished generations
 * expire `retentionMs` after their last save.
 *
 * Layout (every variable part URI-encoded by `redisKey`):
 *
 * | key                        | type   | holds                                                     |
 * |----------------------------|--------|-----------------------------------------------------------|
 * | `gen:<id>`                 | hash   | `json` (the Generation), `owner`, `seq` (first-save       |
 * |                            |        | number), `rc` (its member in `recent`, when any)          |
 * | `seq`                      | string | counter behind `seq`                                      |
 * | `history:<owner>`          | zset   | id → createdAt (list)                                     |
 * | `active`                   | zset   | id → seq, non-terminal only (listActive, first-save order)|
 * | `active-owner:<owner>`     | set    | ids, non-terminal only (countActive)                      |
 * | `unarchived`               | zset   | id → seq, completed with a video not archived yet         |
 * | `timed-out`                | zset   | id → completedAt, TIMED_OUT only (listTimedOutSince)      |
 * | `recent`                   | zset   | `<seq>|<resolution>|<duration>|<tookMs>` → completedAt,   |
 * |                            |        | capped (recentCompletions)                                |
 * | `idem:<owner>:<key>`       | hash   | an idempotency record, with a Redis TTL                   |
 *
 * Every write of a generation is one Lua script, so the record and all its index entries change
 * together (a crash or a concurrent reader never sees one without the other). Records expire on
 * their own; index members whose record has gone are skipped on read and removed then (with a
 * check-and-remove script, so a record re-created meanwhile keeps its member), plus a small
 * sweep of the oldest members after each terminal save so indexes nobody reads stay bounded.
 *
 * Scripts touch only the keys passed in KEYS, as Redis asks of scripts. A generation's owner
 * never changes (the save script refuses another owner), so a save names only its owner's keys.
 *
 * Ordering. `list` answers in the history index's own order, reversed: Redis orders a sorted set
 * by score (createdAt), then by member bytes (the id in UTF-8), so generations created in the
 * same millisecond come in descending byte order of their ids, and a cursor continues after its
 * id in that order. `seq` (the first-save number, kept across updates) orders listActive,
 * listUnarchived and ties in recentCompletions (zero-padded in `recent`, so byte order is
 * numeric order).
 */
import type { Redis } from 'ioredis';
import type {
  ClaimResult,
  CompletedSample,
  GenerationStore,
  IdempotencyRecord,
  IdempotencyState,
  Page,
  PagePosition,
  PageRequest,
} from '../../domain/ports.js';
import type { Duration, Generation, Resolution, VideoModel } from '../../domain/generation.js';
import { isActive, isCompletionSample, needsArchiving, toCompletionSample } from '../../domain/predicates.js';
import { toSpendRecord, type SpendRecord } from '../../domain/cost.js';
import { redisKey } from './keys.js';
import { CLAIM, CLEAN, SAVE, UPDATE_EXISTING } from './scripts.js';
import type { WebhookDelivery } from '../../domain/webhooks.js';
import { RedisWebhookStore } from './webhooks.js';

/** @default 30 days */
export const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Completion samples kept for the duration estimator (it reads the last 500 at start-up).
 * @default 1000
 */
export const DEFAULT_RECENT_COMPLETIONS_CAP = 1000;

export interface RedisStoreOptions {
  /** An ioredis client, owned by the caller: `close()` does not quit it. */
  redis: Redis;
  /**
   * First part of every key, so several gateways (or tests) can share one Redis.
   * @default 'cinegraph'
   */
  prefix?: string;
  /**
   * How long the record of a finished (terminal) generation is kept after its last save.
   * Active generations never expire.
   * @default 2_592_000_000 // 30 days
   */
  retentionMs?: number;
  /**
   * How many completion samples `recentCompletions` can answer from (the newest are kept).
   * @default 1000
   */
  recentCompletionsCap?: number;
  /**
   * How long `healthy()` waits for PING before answering false.
   * @default 1000 // 1 s
   */
  healthTimeoutMs?: number;
}

/** Members of the history and unarchived indexes checked after each terminal save. */
const SWEEP_COUNT = 8;
/** Records fetched per pipeline. */
const FETCH_CHUNK = 200;

interface Entry {
  id: string;
  /** The raw score, as Redis formats it (reused verbatim in range arguments). */
  raw: string;
  score: number;
}

function entries(flat: string[]): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const raw = flat[i + 1] as string;
    out.push({ id: flat[i] as string, raw, score: Number(raw) });
  }
  return out;
}

const position = (e: Entry): PagePosition => ({ createdAt: e.score, id: e.id });

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`RedisStore: ${name} must be a positive integer, got ${String(value)}`);
  return v;
}

export class RedisStore implements GenerationStore {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private readonly prefix: string | undefined;
  private readonly retentionMs: number;
  private readonly recentCap: number;
  private readonly healthTimeoutMs: number;
  private closed = false;
  /** Webhook endpoints and deliveries (webhooks.ts); deliveries are written by `save`. */
  readonly webhooks: RedisWebhookStore;

  constructor(opts: RedisStoreOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix;
    this.retentionMs = positiveInt('retentionMs', opts.retentionMs, DEFAULT_RETENTION_MS);
    this.recentCap = positiveInt('recentCompletionsCap', opts.recentCompletionsCap, DEFAULT_RECENT_COMPLETIONS_CAP);
    this.healthTimeoutMs = positiveInt('healthTimeoutMs', opts.healthTimeoutMs, 1000);
    this.webhooks = new RedisWebhookStore({ redis: this.redis, prefix: this.prefix, retentionMs: this.retentionMs }, () => this.assertOpen());
  }

  /** The Redis key of one kind (tests and diagnostics). */
  key(kind: 'gen' | 'seq' | 'history' | 'active' | 'active-owner' | 'unarchived' | 'recent' | 'timed-out' | 'idem', ...parts: string[]): string {
    return redisKey(this.prefix, kind, ...parts);
  }

  async get(id: string): Promise<Generation | null> {
    this.assertOpen();
    const json = await this.redis.hget(this.key('gen', id), 'json');
    return json === null ? null : (JSON.parse(json) as Generation);
  }

  async save(gen: Generation, outbox: readonly WebhookDelivery[] = []): Promise<void> {
    this.assertOpen();
    const rec = this.key('gen', gen.id);
    // The webhook outbox rides in the same script, after the save's own keys and arguments.
    const deliveries = this.webhooks.outboxArguments(outbox);
    const active = isActive(gen);
    const unarchived = needsArchiving(gen);
    const sample = isCompletionSample(gen) ? toCompletionSample(gen) : null;
    const done = await SAVE.run(
      this.redis,
      [
        rec,
        this.key('seq'),
        this.key('history', gen.owner),
        this.key('active'),
        this.key('active-owner', gen.owner),
        this.key('unarchived'),
        this.key('recent'),
        this.key('timed-out'),
        ...deliveries.keys,
      ],
      [
        JSON.stringify(gen),
        gen.owner,
        String(gen.createdAt),
        gen.id,
        active ? '1' : '0',
        unarchived ? '1' : '0',
        sample ? String(gen.completedAt) : '',
        // The image models append their model; text-to-video members keep their original form.
        sample ? `${sample.resolution}|${sample.duration}|${sample.tookMs}${sample.model ? `|${sample.model}` : ''}` : '',
        String(this.retentionMs),
        String(this.recentCap),
        gen.status === 'TIMED_OUT' && gen.completedAt !== null ? String(gen.completedAt) : '',
        ...deliveries.args,
      ],
    );
    if (done !== 1) {
      throw new Error(`RedisStore: generation ${JSON.stringify(gen.id)} belongs to another owner than ${JSON.stringify(gen.owner)}; an owner never changes`);
    }
    if (!active) await this.sweep(gen.owner);
  }

  async listActive(): Promise<Generation[]> {
    this.assertOpen();
    const ids = await this.redis.zrange(this.key('active'), 0, -1);
    const gens = await this.fetchLive(this.key('active'), ids, null);
    return gens.filter(isActive);
  }

  async listTimedOutSince(since: number): Promise<Generation[]> {
    this.assertOpen();
    const index = this.key('timed-out');
    // Older members are of no more use to anyone: drop them as we go.
    await this.redis.zremrangebyscore(index, '-inf', `(${since}`);
    const ids = await this.redis.zrangebyscore(index, since, '+inf');
    const gens = await this.fetchLive(index, ids, null);
    return gens.filter((g) => g.status === 'TIMED_OUT' && g.completedAt !== null && g.completedAt >= since);
  }

  async listUnarchived(limit: number): Promise<Generation[]> {
    this.assertOpen();
    const want = Math.floor(limit);
    if (!(want > 0)) return [];
    const index = this.key('unarchived');
    const out: Generation[] = [];
    let min = '-inf';
    while (out.length < want) {
      const count = Math.max(16, want - out.length);
      const batch = entries(await this.redis.zrangebyscore(index, min, '+inf', 'WITHSCORES', 'LIMIT', 0, count));
      const live = await this.fetchLive(index, batch.map((e) => e.id), null);
      for (const g of live) {
        if (out.length < want && needsArchiving(g)) out.push(g);
      }
      const last = batch.at(-1);
      if (batch.length < count || !last) break;
      min = `(${last.raw}`;
    }
    return out;
  }

  async list(owner: string, page: PageRequest): Promise<Page> {
    this.assertOpen();
    const first = Math.max(0, Math.floor(page.first));
    // One extra item tells whether another page exists.
    const want = first + 1;
    const statuses = page.statuses && page.statuses.length > 0 ? new Set(page.statuses) : null;
    const index = this.key('history', owner);
    const batchSize = Math.min(1000, Math.max(32, want * (statuses ? 4 : 2)));
    const found: Generation[] = [];
    let after = page.after;
    while (found.length < want) {
      const batch = await this.historyAfter(index, after, batchSize);
      for (let i = 0; i < batch.length && found.length < want; ) {
        const chunk = batch.slice(i, i + Math.max(16, want - found.length));
        i += chunk.length;
        for (const g of await this.fetchLive(index, chunk.map((e) => e.id), owner)) {
          if (found.length < want && (!statuses || statuses.has(g.status))) found.push(g);
        }
      }
      const last = batch.at(-1);
      if (batch.length < batchSize || !last) break;
      after = last;
    }
    return { items: found.slice(0, first), hasNextPage: found.length > first };
  }

  async countActive(owner: string): Promise<number> {
    this.assertOpen();
    return this.redis.scard(this.key('active-owner', owner));
  }

  /**
   * Samples are kept in their own capped index, independent of record retention: the estimator
   * wants the latest durations, which stay meaningful after the records themselves expire.
   */
  async recentCompletions(limit: number): Promise<CompletedSample[]> {
    this.assertOpen();
    const n = Math.floor(limit);
    if (!(n > 0)) return [];
    const members = await this.redis.zrange(this.key('recent'), -n, -1);
    return members.map((m) => {
      const [, resolution, duration, tookMs, model] = m.split('|');
      return {
        resolution: resolution as Resolution,
        duration: Number(duration) as Duration,
        tookMs: Number(tookMs),
        ...(model ? { model: model as VideoModel } : {}),
      };
    });
  }

  /** A score range of the owner's history index; records that expired are skipped (and unindexed). */
  async spendSince(owner: string, since: number): Promise<SpendRecord[]> {
    this.assertOpen();
    const index = this.key('history', owner);
    const ids = await this.redis.zrangebyscore(index, since, '+inf');
    const gens = await this.fetchLive(index, ids, owner);
    return gens.filter((g) => g.createdAt >= since).map(toSpendRecord);
  }

  async claimKey(owner: string, key: string, fingerprint: string, now: number, ttlMs: number): Promise<ClaimResult> {
    this.assertOpen();
    const res = await CLAIM.run(
      this.redis,
      [this.key('idem', owner, key)],
      [String(now), fingerprint, String(now + ttlMs), String(Math.max(1, Math.ceil(ttlMs)))],
    );
    if (Array.isArray(res)) return { claimed: false, record: toRecord(owner, key, res as string[]) };
    return { claimed: true };
  }

  async getKey(owner: string, key: string, now: number): Promise<IdempotencyRecord | null> {
    this.assertOpen();
    const fields = await this.redis.hgetall(this.key('idem', owner, key));
    if (fields.expiresAt === undefined || !(Number(fields.expiresAt) > now)) return null;
    return toRecord(owner, key, Object.entries(fields).flat());
  }

  async completeKey(owner: string, key: string, generationId: string): Promise<void> {
    this.assertOpen();
    await UPDATE_EXISTING.run(this.redis, [this.key('idem', owner, key)], ['state', 'done', 'generationId', generationId]);
  }

  async markKeyInDoubt(owner: string, key: string): Promise<void> {
    this.assertOpen();
    await UPDATE_EXISTING.run(this.redis, [this.key('idem', owner, key)], ['state', 'in_doubt']);
  }

  async releaseKey(owner: string, key: string): Promise<void> {
    this.assertOpen();
    await this.redis.del(this.key('idem', owner, key));
  }

  /** True while open, the client is connected and Redis answers PING within the timeout. */
  async healthy(): Promise<boolean> {
    if (this.closed || this.redis.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.healthTimeoutMs);
      });
      return (await Promise.race([this.redis.ping(), timeout])) === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Marks the store closed. The Redis client belongs to the caller and stays connected. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The Redis store (prefix "${this.prefix ?? 'cinegraph'}") is closed`);
  }

  /**
   * Up to `count` positions of a history index strictly after `after`, in the index's order
   * reversed (newest first; equal createdAt by descending id bytes). The members at the cursor's
   * own createdAt are compared with its id here, as bytes like Redis does; older ones follow.
   */
  private async historyAfter(index: string, after: PagePosition | null, count: number): Promise<PagePosition[]> {
    if (!after) return entries(await this.redis.zrevrangebyscore(index, '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, count)).map(position);
    const at = String(after.createdAt);
    const id = Buffer.from(after.id);
    const [tied, older] = await Promise.all([
      this.redis.zrevrangebyscore(index, at, at),
      this.redis.zrevrangebyscore(index, `(${at}`, '-inf', 'WITHSCORES', 'LIMIT', 0, count),
    ]);
    const rest = tied.filter((member) => Buffer.compare(Buffer.from(member), id) < 0).map((member) => ({ createdAt: after.createdAt, id: member }));
    return [...rest, ...entries(older).map(position)].slice(0, count);
  }

  /**
   * Reads the records of `ids` (in order), dropping and removing from `index` those whose
   * record has expired (or, with `owner`, belongs to another owner: it expired and another
   * client created it again).
   */
  private async fetchLive(index: string, ids: string[], owner: string | null): Promise<Generation[]> {
    const out: Generation[] = [];
    for (let i = 0; i < ids.length; i += FETCH_CHUNK) {
      const chunk = ids.slice(i, i + FETCH_CHUNK);
      const results = await this.redis.pipeline(chunk.map((id) => ['hget', this.key('gen', id), 'json'])).exec();
      const stale: string[] = [];
      chunk.forEach((id, j) => {
        const [err, json] = results?.[j] ?? [new Error('no reply from Redis'), null];
        if (err) throw err;
        const g = typeof json === 'string' ? (JSON.parse(json) as Generation) : null;
        if (g && (owner === null || g.owner === owner)) out.push(g);
        else stale.push(id);
      });
      if (stale.length > 0) await this.clean(index, stale, owner);
    }
    return out;
  }

  private async clean(index: string, ids: string[], owner: string | null): Promise<void> {
    if (ids.length === 0) return;
    await CLEAN.run(
      this.redis,
      [index, ...ids.map((id) => this.key('gen', id))],
      [owner === null ? '0' : '1', owner ?? '', ...ids],
    );
  }

  /**
   * After a terminal save, checks the oldest few members of the owner's history and of the
   * unarchived index, so expired records leave indexes that nobody reads (archiving off, a
   * client that never lists) instead of piling up. Best effort: the save has already succeeded.
   */
  private async sweep(owner: string): Promise<void> {
    try {
      const history = this.key('history', owner);
      const unarchived = this.key('unarchived');
      const [h, u] = await Promise.all([
        this.redis.zrange(history, 0, SWEEP_COUNT - 1),
        this.redis.zrange(unarchived, 0, SWEEP_COUNT - 1),
      ]);
      await Promise.all([this.clean(history, h, owner), this.clean(unarchived, u, null)]);
    } catch {
      // Reads remove what is left.
    }
  }
}

function toRecord(owner: string, key: string, flat: string[]): IdempotencyRecord {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i] as string, flat[i + 1] as string);
  return {
    owner,
    key,
    fingerprint: f.get('fingerprint') ?? '',
    state: (f.get('state') ?? 'pending') as IdempotencyState,
    generationId: f.get('generationId') ?? null,
    createdAt: Number(f.get('createdAt')),
    expiresAt: Number(f.get('expiresAt')),
  };
}

/** In-memory store, for tests: the same behaviour as the durable stores, kept in maps. */
import type {
  ClaimResult,
  CompletedSample,
  GenerationStore,
  IdempotencyRecord,
  Page,
  PagePosition,
  PageRequest,
} from '../domain/ports.js';
import type { Generation } from '../domain/generation.js';
import type { WebhookDelivery } from '../domain/webhooks.js';
import { MemoryWebhookStore } from './memory-webhooks.js';
import { toSpendRecord, type SpendRecord } from '../domain/cost.js';
import { isActive, isCompletionSample, needsArchiving, toCompletionSample } from '../domain/predicates.js';

const clone = <T>(v: T): T => structuredClone(v);

/** This store's order of positions: createdAt, then the id in JavaScript's string order. */
function comparePosition(a: PagePosition, b: PagePosition): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class MemoryStore implements GenerationStore {
  readonly kind = 'memory';
  readonly webhooks = new MemoryWebhookStore();
  private readonly gens = new Map<string, Generation>();
  private readonly keys = new Map<string, IdempotencyRecord>();
  private closed = false;

  private keyOf(owner: string, key: string): string {
    return JSON.stringify([owner, key]);
  }

  async get(id: string): Promise<Generation | null> {
    const g = this.gens.get(id);
    return g ? clone(g) : null;
  }

  async save(gen: Generation, outbox: readonly WebhookDelivery[] = []): Promise<void> {
    const owner = this.gens.get(gen.id)?.owner;
    if (owner !== undefined && owner !== gen.owner) {
      throw new Error(`MemoryStore: generation ${JSON.stringify(gen.id)} belongs to ${JSON.stringify(owner)}, not ${JSON.stringify(gen.owner)}; an owner never changes`);
    }
    this.gens.set(gen.id, clone(gen));
    this.webhooks.enqueue(outbox);
  }

  async listActive(): Promise<Generation[]> {
    return [...this.gens.values()].filter(isActive).map(clone);
  }

  async listTimedOutSince(since: number): Promise<Generation[]> {
    return [...this.gens.values()]
      .filter((g) => g.status === 'TIMED_OUT' && g.completedAt !== null && g.completedAt >= since)
      .map(clone);
  }

  async listUnarchived(limit: number): Promise<Generation[]> {
    if (limit <= 0) return [];
    return [...this.gens.values()]
      .filter(needsArchiving)
      .slice(0, limit)
      .map(clone);
  }

  async list(owner: string, page: PageRequest): Promise<Page> {
    const statuses = page.statuses && page.statuses.length > 0 ? new Set(page.statuses) : null;
    const all = [...this.gens.values()]
      .filter((g) => g.owner === owner && (!statuses || statuses.has(g.status)))
      .filter((g) => !page.after || comparePosition(g, page.after) < 0)
      .sort((a, b) => comparePosition(b, a));
    return { items: all.slice(0, page.first).map(clone), hasNextPage: all.length > page.first };
  }

  async countActive(owner: string): Promise<number> {
    let n = 0;
    for (const g of this.gens.values()) if (g.owner === owner && isActive(g)) n++;
    return n;
  }

  async recentCompletions(limit: number): Promise<CompletedSample[]> {
    if (limit <= 0) return [];
    return [...this.gens.values()]
      .filter(isCompletionSample)
      .sort((a, b) => a.completedAt - b.completedAt)
      .slice(-limit)
      .map(toCompletionSample);
  }

  async spendSince(owner: string, since: number): Promise<SpendRecord[]> {
    return [...this.gens.values()]
      .filter((g) => g.owner === owner && g.createdAt >= since)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((g) => clone(toSpendRecord(g)));
  }

  async claimKey(owner: string, key: string, fingerprint: string, now: number, ttlMs: number): Promise<ClaimResult> {
    const k = this.keyOf(owner, key);
    const cur = this.keys.get(k);
    if (cur && cur.expiresAt > now) return { claimed: false, record: clone(cur) };
    this.keys.set(k, { owner, key, fingerprint, state: 'pending', generationId: null, createdAt: now, expiresAt: now + ttlMs });
    return { claimed: true };
  }

  async getKey(owner: string, key: string, now: number): Promise<IdempotencyRecord | null> {
    const cur = this.keys.get(this.keyOf(owner, key));
    return cur && cur.expiresAt > now ? clone(cur) : null;
  }

  async completeKey(owner: string, key: string, generationId: string): Promise<void> {
    const cur = this.keys.get(this.keyOf(owner, key));
    if (cur) Object.assign(cur, { state: 'done', generationId });
  }

  async markKeyInDoubt(owner: string, key: string): Promise<void> {
    const cur = this.keys.get(this.keyOf(owner, key));
    if (cur) cur.state = 'in_doubt';
  }

  async releaseKey(owner: string, key: string): Promise<void> {
    this.keys.delete(this.keyOf(owner, key));
  }

  async healthy(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

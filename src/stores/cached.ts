/**
 * Keeps finished generations in memory in front of a store. A generation in a terminal status
 * only changes when its video is archived, and that write goes through save() here, so the copy
 * stays right; pending generations are always read from the store. Single-instance only: in a
 * cluster another instance may write, so the Redis store is used as it is.
 */
import type { ClaimResult, CompletedSample, GenerationStore, IdempotencyRecord, Page, PageRequest } from '../domain/ports.js';
import type { Generation } from '../domain/generation.js';
import type { SpendRecord } from '../domain/cost.js';
import { isActive } from '../domain/predicates.js';
import type { WebhookDelivery, WebhookStore } from '../domain/webhooks.js';

export class CachedStore implements GenerationStore {
  private readonly finished = new Map<string, Generation>();

  constructor(
    private readonly inner: GenerationStore,
    /** Finished generations kept, least recently used dropped first. @default 10000 */
    private readonly capacity = 10_000,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }

  /** Webhooks are not cached here: deliveries change with every attempt. */
  get webhooks(): WebhookStore {
    return this.inner.webhooks;
  }

  async get(id: string): Promise<Generation | null> {
    const hit = this.finished.get(id);
    if (hit) {
      // Refresh its place in the LRU order.
      this.finished.delete(id);
      this.finished.set(id, hit);
      return hit;
    }
    const gen = await this.inner.get(id);
    if (gen && !isActive(gen)) this.remember(gen);
    return gen;
  }

  async save(gen: Generation, outbox?: readonly WebhookDelivery[]): Promise<void> {
    this.finished.delete(gen.id);
    await this.inner.save(gen, outbox);
    if (!isActive(gen)) this.remember(gen);
  }

  private remember(gen: Generation): void {
    this.finished.set(gen.id, gen);
    if (this.finished.size > this.capacity) {
      const oldest = this.finished.keys().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
  }

  listActive(): Promise<Generation[]> {
    return this.inner.listActive();
  }
  listTimedOutSince(since: number): Promise<Generation[]> {
    return this.inner.listTimedOutSince(since);
  }
  listUnarchived(limit: number): Promise<Generation[]> {
    return this.inner.listUnarchived(limit);
  }
  list(owner: string, page: PageRequest): Promise<Page> {
    return this.inner.list(owner, page);
  }
  countActive(owner: string): Promise<number> {
    return this.inner.countActive(owner);
  }
  recentCompletions(limit: number): Promise<CompletedSample[]> {
    return this.inner.recentCompletions(limit);
  }
  spendSince(owner: string, since: number): Promise<SpendRecord[]> {
    return this.inner.spendSince(owner, since);
  }
  claimKey(owner: string, key: string, fingerprint: string, now: number, ttlMs: number): Promise<ClaimResult> {
    return this.inner.claimKey(owner, key, fingerprint, now, ttlMs);
  }
  getKey(owner: string, key: string, now: number): Promise<IdempotencyRecord | null> {
    return this.inner.getKey(owner, key, now);
  }
  completeKey(owner: string, key: string, generationId: string): Promise<void> {
    return this.inner.completeKey(owner, key, generationId);
  }
  markKeyInDoubt(owner: string, key: string): Promise<void> {
    return this.inner.markKeyInDoubt(owner, key);
  }
  releaseKey(owner: string, key: string): Promise<void> {
    return this.inner.releaseKey(owner, key);
  }
  healthy(): Promise<boolean> {
    return this.inner.healthy();
  }
  async close(): Promise<void> {
    this.finished.clear();
    await this.inner.close();
  }
}

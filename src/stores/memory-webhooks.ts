/** Webhook endpoints and deliveries in memory: the reference behaviour of the durable stores. */
import { randomUUID } from 'node:crypto';
import type { PagePosition } from '../domain/ports.js';
import type { ClaimBatch, DeliveryPage, WebhookDelivery, WebhookEndpoint, WebhookStore } from '../domain/webhooks.js';

const clone = <T>(v: T): T => structuredClone(v);

/** Newest first: createdAt, then id, both descending. */
function newerFirst(a: PagePosition, b: PagePosition): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

interface Held {
  delivery: WebhookDelivery;
  /** When it may be claimed: its next attempt, or the end of the current claim. */
  dueAt: number;
  token: string | null;
}

export class MemoryWebhookStore implements WebhookStore {
  private readonly endpoints = new Map<string, WebhookEndpoint>();
  private readonly deliveries = new Map<string, Held>();

  /** The outbox half of a generation save (MemoryStore.save). */
  enqueue(deliveries: readonly WebhookDelivery[]): void {
    for (const d of deliveries) this.deliveries.set(d.id, { delivery: clone(d), dueAt: d.nextAttemptAt ?? d.createdAt, token: null });
  }

  async createEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    if (this.endpoints.has(endpoint.id)) throw new Error(`webhook endpoint ${endpoint.id} already exists`);
    this.endpoints.set(endpoint.id, clone(endpoint));
  }

  async getEndpoint(id: string): Promise<WebhookEndpoint | null> {
    const e = this.endpoints.get(id);
    return e ? clone(e) : null;
  }

  async listEndpoints(owner: string): Promise<WebhookEndpoint[]> {
    return [...this.endpoints.values()]
      .filter((e) => e.owner === owner)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      .map(clone);
  }

  async deleteEndpoint(owner: string, id: string): Promise<boolean> {
    const e = this.endpoints.get(id);
    if (!e || e.owner !== owner) return false;
    this.endpoints.delete(id);
    for (const [key, held] of this.deliveries) if (held.delivery.endpointId === id) this.deliveries.delete(key);
    return true;
  }

  async disableEndpoint(id: string, at: number, reason: string): Promise<void> {
    const e = this.endpoints.get(id);
    if (e && e.disabledAt === null) Object.assign(e, { disabledAt: at, disabledReason: reason });
  }

  async getDelivery(id: string): Promise<WebhookDelivery | null> {
    const held = this.deliveries.get(id);
    return held ? clone(held.delivery) : null;
  }

  async listDeliveries(endpointId: string, page: { first: number; after: PagePosition | null }): Promise<DeliveryPage> {
    const all = [...this.deliveries.values()]
      .map((h) => h.delivery)
      .filter((d) => d.endpointId === endpointId && (!page.after || newerFirst(page.after, d) < 0))
      .sort(newerFirst);
    return { items: all.slice(0, page.first).map(clone), hasNextPage: all.length > page.first };
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimBatch> {
    const due = [...this.deliveries.values()]
      .filter((h) => h.delivery.status === 'PENDING')
      .sort((a, b) => a.dueAt - b.dueAt);
    const claimed = [];
    let nextDueAt: number | null = null;
    for (const held of due) {
      if (held.dueAt <= now && claimed.length < limit) {
        held.token = randomUUID();
        held.dueAt = now + leaseMs;
        claimed.push({ delivery: clone(held.delivery), token: held.token });
      }
      // Claimed ones count at the end of their lease, like every other pending delivery.
      if (nextDueAt === null || held.dueAt < nextDueAt) nextDueAt = held.dueAt;
    }
    return { claimed, nextDueAt };
  }

  async finishAttempt(token: string, delivery: WebhookDelivery): Promise<boolean> {
    const held = this.deliveries.get(delivery.id);
    if (!held || held.token !== token) return false;
    held.delivery = clone(delivery);
    held.token = null;
    held.dueAt = delivery.nextAttemptAt ?? delivery.updatedAt;
    return true;
  }

  async redeliver(id: string, now: number): Promise<WebhookDelivery | null> {
    const held = this.deliveries.get(id);
    if (!held) return null;
    held.delivery = { ...held.delivery, status: 'PENDING', failures: 0, nextAttemptAt: now, updatedAt: now };
    held.dueAt = now;
    held.token = null;
    return clone(held.delivery);
  }

  async pruneDeliveries(before: number, limit: number): Promise<number> {
    let n = 0;
    for (const [id, held] of this.deliveries) {
      if (n >= limit) break;
      if (held.delivery.status !== 'PENDING' && held.delivery.updatedAt < before) {
        this.deliveries.delete(id);
        n++;
      }
    }
    return n;
  }
}

/**
 * Each client's endpoints, kept in memory so a transition asks the store nothing in the common
 * case. Changes made here drop the client's entry at once; in a cluster, the instance that made a
 * change tells the others (`invalidations`, on the cluster's pub/sub), and a TTL bounds how long
 * an entry is trusted should a notice be lost (a Redis reconnect clears everything).
 */
import type { Clock } from '../domain/ports.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';

/** Cluster-wide change notices: "this client's endpoints changed". */
export interface EndpointInvalidations {
  publish(owner: string): void;
  subscribe(listener: (owner: string) => void): () => void;
}

/** Entries kept at most (least recently loaded dropped first). */
const CAPACITY = 10_000;

const EVENT = 'cinegraph:webhook-endpoints-changed';

/** Notices over an EventTarget: the cluster's Redis event target, or an in-memory one. */
export function eventTargetInvalidations(target: EventTarget): EndpointInvalidations {
  return {
    publish(owner) {
      target.dispatchEvent(new CustomEvent(EVENT, { detail: { owner } }));
    },
    subscribe(listener) {
      const on = (e: Event): void => {
        const owner = (e as CustomEvent<{ owner?: unknown }>).detail?.owner;
        if (typeof owner === 'string') listener(owner);
      };
      target.addEventListener(EVENT, on);
      return () => target.removeEventListener(EVENT, on);
    },
  };
}

export class EndpointCache {
  private readonly entries = new Map<string, { at: number; endpoints: Promise<WebhookEndpoint[]> }>();
  private readonly unsubscribe: (() => void) | null;

  constructor(
    private readonly opts: {
      load: (owner: string) => Promise<WebhookEndpoint[]>;
      ttlMs: number;
      now: Clock;
      invalidations?: EndpointInvalidations;
    },
  ) {
    this.unsubscribe = opts.invalidations?.subscribe((owner) => this.entries.delete(owner)) ?? null;
  }

  get(owner: string): Promise<WebhookEndpoint[]> {
    const now = this.opts.now();
    const hit = this.entries.get(owner);
    if (hit && now - hit.at < this.opts.ttlMs) return hit.endpoints;
    const endpoints = this.opts.load(owner);
    this.entries.delete(owner);
    this.entries.set(owner, { at: now, endpoints });
    // A failed load is not remembered.
    endpoints.catch(() => {
      if (this.entries.get(owner)?.endpoints === endpoints) this.entries.delete(owner);
    });
    if (this.entries.size > CAPACITY) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return endpoints;
  }

  /** This client's endpoints changed here: forget them, and tell the other instances. */
  changed(owner: string): void {
    this.entries.delete(owner);
    this.opts.invalidations?.publish(owner);
  }

  /** Forget everything (after a Redis outage, when notices may have been lost). */
  clear(): void {
    this.entries.clear();
  }

  close(): void {
    this.unsubscribe?.();
    this.entries.clear();
  }
}

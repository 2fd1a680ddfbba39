/**
 * Webhook use cases: registering, listing and deleting a client's endpoints, reading and
 * redelivering their deliveries, and the outbox the tracker asks at every transition (which
 * endpoints of the generation's owner hear which events). Every read and change is scoped to the
 * calling client: another client's endpoint or delivery answers exactly like an unknown id.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ServiceError, type UserErrorData } from '../domain/errors.js';
import type { Generation } from '../domain/generation.js';
import type { Clock, PagePosition } from '../domain/ports.js';
import {
  DEFAULT_WEBHOOK_EVENTS,
  eventsOfTransition,
  newDelivery,
  WEBHOOK_EVENT_TYPES,
  type DeliveryPage,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
  type WebhookOutbox,
  type WebhookStore,
} from '../domain/webhooks.js';
import { checkWebhookUrl, UnsafeWebhookUrl, type Resolver } from './address.js';
import { EndpointCache, type EndpointInvalidations } from './endpoint-cache.js';
import { newSigningSecret, type SecretBox } from './secrets.js';

/** Endpoints one client may have at once. */
export const MAX_ENDPOINTS_PER_CLIENT = 20;

export interface WebhookServiceOptions {
  store: WebhookStore;
  /** Seals new secrets; null when this instance cannot keep them (the reason says why). */
  box: SecretBox | null;
  /** Why `box` is null, for the caller. */
  boxProblem?: string;
  logger: Logger;
  /** WEBHOOK_ALLOW_PRIVATE. */
  allowPrivate: boolean;
  /** The body of an event, as the receiver gets it. */
  body: (type: WebhookEventType, gen: Generation, now: number) => string;
  /** Tells the worker something is due now. */
  wake: () => void;
  /** Other instances' endpoint changes (cluster mode). */
  invalidations?: EndpointInvalidations;
  /** How long a client's endpoint list is trusted without a change notice. @default 30000 */
  cacheTtlMs?: number;
  resolve?: Resolver;
  now?: Clock;
}

export type CreateEndpointResult =
  | { endpoint: WebhookEndpoint; secret: string; userErrors: [] }
  | { endpoint: null; secret: null; userErrors: UserErrorData[] };

const invalid = (message: string, field: string[]): UserErrorData => ({ code: 'INVALID_INPUT', message, field });

export class WebhookService implements WebhookOutbox {
  private readonly now: Clock;
  readonly cache: EndpointCache;

  constructor(private readonly opts: WebhookServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.cache = new EndpointCache({
      load: (owner) => opts.store.listEndpoints(owner),
      ttlMs: opts.cacheTtlMs ?? 30_000,
      now: this.now,
      ...(opts.invalidations ? { invalidations: opts.invalidations } : {}),
    });
  }

  async createEndpoint(owner: string, input: { url: string; events?: readonly WebhookEventType[] | null }): Promise<CreateEndpointResult> {
    const fail = (...userErrors: UserErrorData[]): CreateEndpointResult => ({ endpoint: null, secret: null, userErrors });
    const events = input.events ?? DEFAULT_WEBHOOK_EVENTS;
    if (events.length === 0) return fail(invalid('Name at least one event, or leave `events` out for the terminal events', ['input', 'events']));
    if (events.some((e) => !WEBHOOK_EVENT_TYPES.includes(e))) return fail(invalid('Unknown event type', ['input', 'events']));
    let url: string;
    try {
      url = await checkWebhookUrl(input.url, {
        allowPrivate: this.opts.allowPrivate,
        ...(this.opts.resolve ? { resolve: this.opts.resolve } : {}),
      });
    } catch (err) {
      if (err instanceof UnsafeWebhookUrl) return fail(invalid(err.message, ['input', 'url']));
      throw err;
    }
    if (!this.opts.box) {
      return fail({ code: 'INVALID_INPUT', message: this.opts.boxProblem ?? 'Webhooks are not available on this gateway', field: null });
    }
    const existing = await this.opts.store.listEndpoints(owner);
    if (existing.length >= MAX_ENDPOINTS_PER_CLIENT) {
      return fail({ code: 'RATE_LIMITED', message: `At most ${MAX_ENDPOINTS_PER_CLIENT} webhook endpoints per client; delete one first`, field: null });
    }
    const id = `ep_${randomBytes(12).toString('hex')}`;
    const secret = newSigningSecret();
    const endpoint: WebhookEndpoint = {
      id,
      owner,
      url,
      events: WEBHOOK_EVENT_TYPES.filter((e) => events.includes(e)),
      sealedSecret: this.opts.box.seal(secret, id),
      createdAt: this.now(),
      disabledAt: null,
      disabledReason: null,
    };
    await this.opts.store.createEndpoint(endpoint);
    this.cache.changed(owner);
    this.opts.logger.info({ endpointId: id, client: owner, host: new URL(url).host, events: endpoint.events }, 'webhook endpoint created');
    return { endpoint, secret, userErrors: [] };
  }

  listEndpoints(owner: string): Promise<WebhookEndpoint[]> {
    return this.opts.store.listEndpoints(owner);
  }

  /** The endpoint when `owner` has it, else null (another client's answers the same). */
  async endpoint(owner: string, id: string): Promise<WebhookEndpoint | null> {
    const e = await this.opts.store.getEndpoint(id);
    return e && e.owner === owner ? e : null;
  }

  async deleteEndpoint(owner: string, id: string): Promise<{ deletedEndpointId: string | null; userErrors: UserErrorData[] }> {
    const deleted = await this.opts.store.deleteEndpoint(owner, id);
    if (!deleted) return { deletedEndpointId: null, userErrors: [invalid('No webhook endpoint with this id', ['id'])] };
    this.cache.changed(owner);
    this.opts.logger.info({ endpointId: id, client: owner }, 'webhook endpoint deleted');
    return { deletedEndpointId: id, userErrors: [] };
  }

  /** An endpoint's deliveries, newest first. Throws NOT_FOUND for an endpoint this client cannot see. */
  async deliveries(owner: string, endpointId: string, page: { first: number; after: PagePosition | null }): Promise<DeliveryPage> {
    if (!(await this.endpoint(owner, endpointId))) throw new ServiceError('NOT_FOUND', `No webhook endpoint with id "${endpointId}"`);
    return this.opts.store.listDeliveries(endpointId, page);
  }

  async redeliver(owner: string, deliveryId: string): Promise<{ delivery: WebhookDelivery | null; userErrors: UserErrorData[] }> {
    const d = await this.opts.store.getDelivery(deliveryId);
    if (!d || d.owner !== owner) return { delivery: null, userErrors: [invalid('No webhook delivery with this id', ['deliveryId'])] };
    const endpoint = await this.endpoint(owner, d.endpointId);
    if (!endpoint) return { delivery: null, userErrors: [invalid('No webhook delivery with this id', ['deliveryId'])] };
    if (endpoint.disabledAt !== null) {
      return { delivery: null, userErrors: [invalid('The endpoint is disabled (it answered 410 Gone); create a new one', ['deliveryId'])] };
    }
    const again = await this.opts.store.redeliver(deliveryId, this.now());
    if (!again) return { delivery: null, userErrors: [invalid('No webhook delivery with this id', ['deliveryId'])] };
    this.opts.logger.info({ webhookId: deliveryId, endpointId: d.endpointId, client: owner }, 'webhook redelivery requested');
    this.opts.wake();
    return { delivery: again, userErrors: [] };
  }

  /** The outbox rows a saved transition causes: one per subscribed, enabled endpoint and event. */
  async plan(next: Generation, previous: Generation): Promise<WebhookDelivery[]> {
    const events = eventsOfTransition(next, previous);
    if (events.length === 0) return [];
    const endpoints = await this.cache.get(next.owner);
    if (endpoints.length === 0) return [];
    const now = this.now();
    const bodies = new Map<WebhookEventType, string>();
    const out: WebhookDelivery[] = [];
    for (const endpoint of endpoints) {
      if (endpoint.disabledAt !== null) continue;
      for (const eventType of events) {
        if (!endpoint.events.includes(eventType)) continue;
        let payload = bodies.get(eventType);
        if (payload === undefined) bodies.set(eventType, (payload = this.opts.body(eventType, next, now)));
        out.push(newDelivery({ id: `msg_${randomBytes(16).toString('hex')}`, endpoint, eventType, generationId: next.id, payload, now }));
      }
    }
    return out;
  }

  recorded(deliveries: WebhookDelivery[]): void {
    if (deliveries.length > 0) this.opts.wake();
  }

  close(): void {
    this.cache.close();
  }
}

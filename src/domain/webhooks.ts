/**
 * Webhooks in the domain's terms: endpoints a client registers, deliveries of generation events
 * to them (an outbox written in the same store write as the transition that causes it), the
 * events a transition raises, and the ports the stores implement. Times are epoch milliseconds.
 */
import { isTerminal, type Generation, type GenerationStatus } from './generation.js';
import type { PagePosition } from './ports.js';

/** The `type` of a webhook body (Standard Webhooks event types, README: Webhooks). */
export const WEBHOOK_EVENT_TYPES = [
  'video_generation.completed',
  'video_generation.failed',
  'video_generation.timed_out',
  'video_generation.status_changed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What an endpoint hears when its creator names no events: the three terminal events. */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEventType[] = [
  'video_generation.completed',
  'video_generation.failed',
  'video_generation.timed_out',
];

const TERMINAL_EVENT: Partial<Record<GenerationStatus, WebhookEventType>> = {
  COMPLETED: 'video_generation.completed',
  FAILED: 'video_generation.failed',
  TIMED_OUT: 'video_generation.timed_out',
};

/**
 * The events one saved status transition raises: `status_changed` for every transition, and
 * the terminal event when the new status is terminal (a late result, TIMED_OUT → COMPLETED,
 * raises `completed` too).
 */
export function eventsOfTransition(next: Generation, previous: Generation): WebhookEventType[] {
  if (next.status === previous.status) return [];
  const out: WebhookEventType[] = ['video_generation.status_changed'];
  const terminal = isTerminal(next.status) ? TERMINAL_EVENT[next.status] : undefined;
  if (terminal) out.unshift(terminal);
  return out;
}

export interface WebhookEndpoint {
  /** `ep_…`, unguessable. */
  id: string;
  /** The client that registered it; only this client sees or changes it. */
  owner: string;
  url: string;
  events: WebhookEventType[];
  /**
   * The signing secret as the secret box sealed it (never the `whsec_` text itself): a store
   * read alone does not reveal it.
   */
  sealedSecret: string;
  createdAt: number;
  /** Set when the endpoint stopped receiving (it answered 410 Gone). */
  disabledAt: number | null;
  /** Why it was disabled, for people. */
  disabledReason: string | null;
}

export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

export interface WebhookDelivery {
  /** `msg_…`: the `webhook-id` header, the same on every attempt of this delivery. */
  id: string;
  endpointId: string;
  /** The endpoint's owner (copied, so a read can be scoped without the endpoint). */
  owner: string;
  eventType: WebhookEventType;
  generationId: string;
  /** The JSON body, fixed when the delivery was recorded: every attempt sends the same bytes. */
  payload: string;
  status: WebhookDeliveryStatus;
  /** Attempts made so far (all rounds). */
  attempts: number;
  /**
   * Failed attempts since the delivery was recorded or last redelivered: the position in the
   * retry schedule.
   */
  failures: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** When the next attempt is due, while PENDING. */
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  createdAt: number;
  /** When it last changed (retention counts from here once it is no longer PENDING). */
  updatedAt: number;
}

/** A delivery handed to one worker for one attempt, until `until`. */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  /** Proves the claim when the attempt's result is recorded. */
  token: string;
}

export interface ClaimBatch {
  claimed: ClaimedDelivery[];
  /** When the next delivery not claimed now is due, if any. */
  nextDueAt: number | null;
}

export interface DeliveryPage {
  items: WebhookDelivery[];
  hasNextPage: boolean;
}

/**
 * What the stores keep of webhooks. Deliveries are written by the generation store's `save`
 * (the outbox, atomically with the transition); everything else goes through here.
 */
export interface WebhookStore {
  createEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(id: string): Promise<WebhookEndpoint | null>;
  /** A client's endpoints, oldest first. */
  listEndpoints(owner: string): Promise<WebhookEndpoint[]>;
  /** Removes an endpoint of `owner` and its deliveries; false when there was none. */
  deleteEndpoint(owner: string, id: string): Promise<boolean>;
  /** Marks an endpoint disabled (kept, listed with `disabledAt`). */
  disableEndpoint(id: string, at: number, reason: string): Promise<void>;
  getDelivery(id: string): Promise<WebhookDelivery | null>;
  /** An endpoint's deliveries, newest first by `createdAt`, then by id. */
  listDeliveries(endpointId: string, page: { first: number; after: PagePosition | null }): Promise<DeliveryPage>;
  /**
   * Atomically claims up to `limit` PENDING deliveries due at `now`: each is hidden from every
   * other claim until `now + leaseMs` (so one instance attempts it at a time, and a crashed
   * instance's claim lapses on its own).
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimBatch>;
  /**
   * Records the outcome of an attempt. Ignored (false) when the claim is no longer held: it
   * lapsed and another worker took the delivery over.
   */
  finishAttempt(token: string, delivery: WebhookDelivery): Promise<boolean>;
  /**
   * Makes a delivery PENDING and due at `now` again, a new round of the schedule (same id);
   * null when there is no such delivery.
   */
  redeliver(id: string, now: number): Promise<WebhookDelivery | null>;
  /** Deletes deliveries that ended (DELIVERED or FAILED) before `before`; how many went. */
  pruneDeliveries(before: number, limit: number): Promise<number>;
}

/**
 * The tracker's view of webhooks: which deliveries a saved transition causes (recorded in the
 * same store write), and who to tell once they are.
 */
export interface WebhookOutbox {
  plan(next: Generation, previous: Generation): Promise<WebhookDelivery[]>;
  recorded(deliveries: WebhookDelivery[]): void;
}

/** A new PENDING delivery, due now. */
export function newDelivery(init: {
  id: string;
  endpoint: Pick<WebhookEndpoint, 'id' | 'owner'>;
  eventType: WebhookEventType;
  generationId: string;
  payload: string;
  now: number;
}): WebhookDelivery {
  return {
    id: init.id,
    endpointId: init.endpoint.id,
    owner: init.endpoint.owner,
    eventType: init.eventType,
    generationId: init.generationId,
    payload: init.payload,
    status: 'PENDING',
    attempts: 0,
    failures: 0,
    lastStatusCode: null,
    lastError: null,
    nextAttemptAt: init.now,
    deliveredAt: null,
    createdAt: init.now,
    updatedAt: init.now,
  };
}

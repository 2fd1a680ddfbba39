/**
 * The delivery worker: claims due deliveries from the store's outbox, signs and POSTs them, and
 * records each attempt. It runs beside the poller and the subscription streams, never in their
 * path: a transition only writes outbox rows, and at most `concurrency` attempts run at once.
 *
 * One instance at a time attempts a delivery (the store's claim hides it from every other claim
 * for the claim's lease); a crashed instance's claims lapse and another instance, or this one
 * after a restart, takes them over. Delivery is at-least-once: an instance killed mid-send means
 * the receiver may see that `webhook-id` again.
 */
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../domain/ports.js';
import type { ClaimedDelivery, WebhookDelivery, WebhookStore } from '../domain/webhooks.js';
import type { Resolver } from './address.js';
import { retryDelay } from './schedule.js';
import { SecretUnavailable, type SecretBox } from './secrets.js';
import { createAgents, postWebhook, type SendOutcome, type SendResult } from './sender.js';

/** What one attempt came to, for metrics. */
export interface AttemptReport {
  outcome: SendOutcome | 'secret_unavailable';
  /** The HTTP exchange's duration. */
  durationMs: number;
  /** From the delivery's creation to now, when this attempt delivered it. */
  deliveredAfterMs: number | null;
}

export interface DeliveryWorkerOptions {
  store: WebhookStore;
  /** Opens sealed secrets; null when webhooks cannot be signed on this instance. */
  box: SecretBox | null;
  logger: Logger;
  /** Delays between attempts (WEBHOOK_RETRY_SCHEDULE). */
  schedule: readonly number[];
  /** How long one attempt may take (WEBHOOK_TIMEOUT_MS). @default 15000 */
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE. @default false */
  allowPrivate: boolean;
  /** Attempts in flight at once (WEBHOOK_CONCURRENCY). @default 16 */
  concurrency?: number;
  /** How often the store is asked for due deliveries when nothing wakes the worker sooner. @default 1000 */
  pollIntervalMs?: number;
  /** Ended deliveries are deleted this long after their last change. @default 30 days */
  retentionMs?: number;
  /** An endpoint was disabled (its 410): endpoint caches forget its owner's list. */
  onEndpointDisabled?: (owner: string) => void;
  onAttempt?: (report: AttemptReport) => void;
  resolve?: Resolver;
  now?: Clock;
  random?: () => number;
}

const PRUNE_EVERY_MS = 10 * 60_000;

export class DeliveryWorker {
  private readonly now: Clock;
  private readonly random: () => number;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  /** How long a claim hides a delivery: an attempt, its bookkeeping, and a margin. */
  private readonly leaseMs: number;
  private readonly agents;
  private readonly inflight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;
  private running = false;
  private lastPrune = 0;

  constructor(private readonly opts: DeliveryWorkerOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.concurrency = Math.max(1, opts.concurrency ?? 16);
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.leaseMs = 2 * opts.timeoutMs + 5_000;
    this.agents = createAgents(this.concurrency);
  }

  /** Attempts in flight now. */
  get active(): number {
    return this.inflight.size;
  }

  /** Starts claiming deliveries, those left pending by an earlier run included. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.kick();
  }

  /** Something may be due now (an outbox row was just recorded, a redelivery asked for). */
  kick(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.ticking = this.tick()
      .catch((err: unknown) => this.opts.logger.warn({ err: errorText(err) }, 'webhook worker could not read the outbox; retrying'))
      .finally(() => {
        this.ticking = null;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else if (!this.timer) this.wakeIn(this.pollIntervalMs);
      });
  }

  /**
   * Stops claiming, interrupts attempts in flight and hands them back due at once (to the next
   * start, or another instance), then closes idle connections.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    await this.ticking;
    for (const { abort } of this.inflight.values()) abort.abort();
    await Promise.allSettled([...this.inflight.values()].map((a) => a.done));
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async tick(): Promise<void> {
    const now = this.now();
    const free = this.concurrency - this.inflight.size;
    const batch = await this.opts.store.claimDue(now, free, this.leaseMs);
    for (const claim of batch.claimed) this.launch(claim);
    // Wake for the next due delivery, or at the poll interval (other instances' outbox rows,
    // lapsed claims); a finished attempt kicks sooner when slots were full.
    if (this.running && free > batch.claimed.length && batch.nextDueAt !== null) {
      this.wakeIn(Math.min(this.pollIntervalMs, Math.max(0, batch.nextDueAt - this.now())));
    }
    if (now - this.lastPrune >= PRUNE_EVERY_MS && this.opts.retentionMs !== undefined) {
      this.lastPrune = now;
      const pruned = await this.opts.store.pruneDeliveries(now - this.opts.retentionMs, 1000);
      if (pruned > 0) this.opts.logger.info({ pruned }, 'webhook deliveries past retention deleted');
    }
  }

  private launch(claim: ClaimedDelivery): void {
    const abort = new AbortController();
    const done = this.attempt(claim, abort.signal)
      .catch((err: unknown) =>
        this.opts.logger.error({ webhookId: claim.delivery.id, err: errorText(err) }, 'webhook attempt could not be recorded; it is retried when its claim lapses'),
      )
      .finally(() => {
        this.inflight.delete(claim.delivery.id);
        this.kick();
      });
    this.inflight.set(claim.delivery.id, { done, abort });
  }

  private async attempt({ delivery: d, token }: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const { store, logger } = this.opts;
    const endpoint = await store.getEndpoint(d.endpointId);
    if (!endpoint || endpoint.disabledAt !== null) {
      const why = endpoint ? 'the endpoint is disabled' : 'the endpoint was deleted';
      await store.finishAttempt(token, { ...d, status: 'FAILED', nextAttemptAt: null, lastError: why, updatedAt: this.now() });
      logger.info({ webhookId: d.id, endpointId: d.endpointId, generationId: d.generationId, eventType: d.eventType }, `webhook not sent: ${why}`);
      return;
    }

    let result: SendResult;
    let outcome: AttemptReport['outcome'];
    try {
      if (!this.opts.box) throw new SecretUnavailable('no key to open signing secrets on this instance: set WEBHOOK_SECRET_KEY');
      const secret = this.opts.box.open(endpoint.sealedSecret, endpoint.id);
      const timestamp = new Date(this.now());
      const signature = new Webhook(secret).sign(d.id, timestamp, d.payload);
      result = await postWebhook(
        endpoint.url,
        {
          'content-type': 'application/json',
          'user-agent': 'Cinegraph-Webhooks/1.0',
          'webhook-id': d.id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        d.payload,
        {
          timeoutMs: this.opts.timeoutMs,
          policy: { allowPrivate: this.opts.allowPrivate, ...(this.opts.resolve ? { resolve: this.opts.resolve } : {}) },
          signal,
          agents: this.agents,
        },
      );
      outcome = result.outcome;
    } catch (err) {
      if (!(err instanceof SecretUnavailable)) throw err;
      result = { outcome: 'network', statusCode: null, error: `cannot sign: ${err.message}`, retryAfterMs: null, durationMs: 0 };
      outcome = 'secret_unavailable';
    }

    const now = this.now();
    if (result.outcome === 'aborted') {
      // Not the receiver's doing: due again at once, this attempt not counted.
      await store.finishAttempt(token, { ...d, lastError: result.error, nextAttemptAt: now, updatedAt: now });
      logger.info({ webhookId: d.id, endpointId: endpoint.id }, 'webhook attempt interrupted by shutdown; due again at the next start');
      return;
    }
    const next = this.outcomeOf(d, result, now);
    if (result.outcome === 'gone') {
      await store.disableEndpoint(endpoint.id, now, 'answered 410 Gone');
      this.opts.onEndpointDisabled?.(endpoint.owner);
    }
    const recorded = await store.finishAttempt(token, next);
    const fields = {
      webhookId: d.id,
      endpointId: endpoint.id,
      host: hostOf(endpoint.url),
      generationId: d.generationId,
      eventType: d.eventType,
      attempt: next.attempts,
      outcome,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      status: next.status,
      ...(next.lastError ? { error: next.lastError } : {}),
      ...(next.status === 'PENDING' && next.nextAttemptAt !== null ? { nextAttemptAt: new Date(next.nextAttemptAt).toISOString() } : {}),
      ...(recorded ? {} : { claimLapsed: true }),
    };
    if (result.outcome === 'delivered') logger.info(fields, 'webhook attempt');
    else logger.warn(fields, 'webhook attempt');
    if (result.outcome === 'gone') logger.warn({ endpointId: endpoint.id, host: hostOf(endpoint.url) }, 'webhook endpoint disabled: it answered 410 Gone');
    this.opts.onAttempt?.({
      outcome,
      durationMs: result.durationMs,
      deliveredAfterMs: next.status === 'DELIVERED' ? now - d.createdAt : null,
    });
  }

  /** The delivery after an attempt with this result. */
  private outcomeOf(d: WebhookDelivery, r: SendResult, now: number): WebhookDelivery {
    const base = { ...d, attempts: d.attempts + 1, lastStatusCode: r.statusCode, updatedAt: now };
    if (r.outcome === 'delivered') return { ...base, status: 'DELIVERED', lastError: null, nextAttemptAt: null, deliveredAt: now };
    if (r.outcome === 'gone') return { ...base, status: 'FAILED', lastError: r.error, nextAttemptAt: null };
    const failures = d.failures + 1;
    const delay = retryDelay(failures, this.opts.schedule, r.retryAfterMs, this.random);
    if (delay === null) return { ...base, failures, status: 'FAILED', lastError: r.error, nextAttemptAt: null };
    return { ...base, failures, status: 'PENDING', lastError: r.error, nextAttemptAt: now + delay };
  }

  private wakeIn(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** scheme://host[:port] of an endpoint: paths and queries may carry the receiver's own tokens. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

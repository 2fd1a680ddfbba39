/**
 * Webhook endpoints and deliveries in the SQLite store (tables of migration 4). The outbox rows
 * are inserted by {@link SqliteWebhookStore.enqueue} inside the generation save's transaction
 * (store.ts), so a transition and the deliveries it causes are committed together or not at all.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
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

interface EndpointRow {
  id: string;
  owner: string;
  url: string;
  events: string;
  sealed_secret: string;
  created_at: number;
  disabled_at: number | null;
  disabled_reason: string | null;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  owner: string;
  event_type: string;
  generation_id: string;
  payload: string;
  status: string;
  attempts: number;
  failures: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

type DeliveryParams = DeliveryRow & { due_at: number | null };

const ENDPOINT_COLUMNS = 'id, owner, url, events, sealed_secret, created_at, disabled_at, disabled_reason';
const DELIVERY_COLUMNS = `id, endpoint_id, owner, event_type, generation_id, payload, status, attempts, failures,
  last_status_code, last_error, next_attempt_at, delivered_at, created_at, updated_at`;

function toEndpoint(r: EndpointRow): WebhookEndpoint {
  return {
    id: r.id,
    owner: r.owner,
    url: r.url,
    events: JSON.parse(r.events) as WebhookEventType[],
    sealedSecret: r.sealed_secret,
    createdAt: r.created_at,
    disabledAt: r.disabled_at,
    disabledReason: r.disabled_reason,
  };
}

function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    owner: r.owner,
    eventType: r.event_type as WebhookEventType,
    generationId: r.generation_id,
    payload: r.payload,
    status: r.status as WebhookDeliveryStatus,
    attempts: r.attempts,
    failures: r.failures,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toParams(d: WebhookDelivery): DeliveryParams {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    owner: d.owner,
    event_type: d.eventType,
    generation_id: d.generationId,
    payload: d.payload,
    status: d.status,
    attempts: d.attempts,
    failures: d.failures,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    next_attempt_at: d.nextAttemptAt,
    delivered_at: d.deliveredAt,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    due_at: d.status === 'PENDING' ? (d.nextAttemptAt ?? d.updatedAt) : null,
  };
}

function prepare(db: Database.Database) {
  return {
    insertEndpoint: db.prepare<EndpointRow>(
      `INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS})
       VALUES (@id, @owner, @url, @events, @sealed_secret, @created_at, @disabled_at, @disabled_reason)`,
    ),
    getEndpoint: db.prepare<[string], EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = ?`),
    listEndpoints: db.prepare<[string], EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE owner = ? ORDER BY created_at, id`,
    ),
    deleteEndpoint: db.prepare<[string, string]>('DELETE FROM webhook_endpoints WHERE id = ? AND owner = ?'),
    deleteDeliveriesOf: db.prepare<[string]>('DELETE FROM webhook_deliveries WHERE endpoint_id = ?'),
    disableEndpoint: db.prepare<[number, string, string]>(
      'UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL',
    ),
    insertDelivery: db.prepare<DeliveryParams>(
      `INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS}, due_at)
       VALUES (@id, @endpoint_id, @owner, @event_type, @generation_id, @payload, @status, @attempts, @failures,
         @last_status_code, @last_error, @next_attempt_at, @delivered_at, @created_at, @updated_at, @due_at)
       ON CONFLICT (id) DO NOTHING`,
    ),
    getDelivery: db.prepare<[string], DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?`),
    listFirst: db.prepare<[string, number], DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ?
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    listAfter: db.prepare<[string, number, string, number], DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ? AND (created_at, id) < (?, ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    due: db.prepare<[number, number], DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries INDEXED BY webhook_deliveries_due
       WHERE status = 'PENDING' AND due_at <= ? ORDER BY due_at LIMIT ?`,
    ),
    nextDue: db
      .prepare<[], number | null>(
        `SELECT MIN(due_at) FROM webhook_deliveries INDEXED BY webhook_deliveries_due WHERE status = 'PENDING'`,
      )
      .pluck(),
    claim: db.prepare<[number, string, string]>('UPDATE webhook_deliveries SET due_at = ?, claim_token = ? WHERE id = ?'),
    finish: db.prepare<DeliveryParams & { token: string }>(
      `UPDATE webhook_deliveries SET status = @status, attempts = @attempts, failures = @failures,
         last_status_code = @last_status_code, last_error = @last_error, next_attempt_at = @next_attempt_at,
         delivered_at = @delivered_at, updated_at = @updated_at, due_at = @due_at, claim_token = NULL
       WHERE id = @id AND claim_token = @token`,
    ),
    redeliver: db.prepare<[number, number, number, string]>(
      `UPDATE webhook_deliveries SET status = 'PENDING', failures = 0, next_attempt_at = ?, updated_at = ?,
         due_at = ?, claim_token = NULL WHERE id = ?`,
    ),
    prune: db.prepare<[number, number]>(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries INDEXED BY webhook_deliveries_ended
         WHERE status <> 'PENDING' AND updated_at < ? LIMIT ?)`,
    ),
  };
}

export class SqliteWebhookStore implements WebhookStore {
  private readonly s: ReturnType<typeof prepare>;
  private readonly claimTx: (now: number, limit: number, leaseMs: number) => ClaimBatch;
  private readonly deleteTx: (owner: string, id: string) => boolean;

  constructor(
    db: Database.Database,
    private readonly assertOpen: () => void,
  ) {
    const s = (this.s = prepare(db));
    const claim = db.transaction((now: number, limit: number, leaseMs: number): ClaimBatch => {
      const claimed: ClaimedDelivery[] = [];
      for (const row of s.due.all(now, limit)) {
        const token = randomUUID();
        s.claim.run(now + leaseMs, token, row.id);
        claimed.push({ delivery: toDelivery(row), token });
      }
      return { claimed, nextDueAt: s.nextDue.get() ?? null };
    });
    this.claimTx = (...args) => claim.immediate(...args);
    const del = db.transaction((owner: string, id: string): boolean => {
      if (s.deleteEndpoint.run(id, owner).changes === 0) return false;
      s.deleteDeliveriesOf.run(id);
      return true;
    });
    this.deleteTx = (...args) => del.immediate(...args);
  }

  /** The outbox half of a generation save: call inside the save's transaction. */
  enqueue(deliveries: readonly WebhookDelivery[]): void {
    for (const d of deliveries) this.s.insertDelivery.run(toParams(d));
  }

  async createEndpoint(e: WebhookEndpoint): Promise<void> {
    this.assertOpen();
    this.s.insertEndpoint.run({
      id: e.id,
      owner: e.owner,
      url: e.url,
      events: JSON.stringify(e.events),
      sealed_secret: e.sealedSecret,
      created_at: e.createdAt,
      disabled_at: e.disabledAt,
      disabled_reason: e.disabledReason,
    });
  }

  async getEndpoint(id: string): Promise<WebhookEndpoint | null> {
    this.assertOpen();
    const row = this.s.getEndpoint.get(id);
    return row ? toEndpoint(row) : null;
  }

  async listEndpoints(owner: string): Promise<WebhookEndpoint[]> {
    this.assertOpen();
    return this.s.listEndpoints.all(owner).map(toEndpoint);
  }

  async deleteEndpoint(owner: string, id: string): Promise<boolean> {
    this.assertOpen();
    return this.deleteTx(owner, id);
  }

  async disableEndpoint(id: string, at: number, reason: string): Promise<void> {
    this.assertOpen();
    this.s.disableEndpoint.run(at, reason, id);
  }

  async getDelivery(id: string): Promise<WebhookDelivery | null> {
    this.assertOpen();
    const row = this.s.getDelivery.get(id);
    return row ? toDelivery(row) : null;
  }

  async listDeliveries(endpointId: string, page: { first: number; after: PagePosition | null }): Promise<DeliveryPage> {
    this.assertOpen();
    const first = Math.max(0, Math.floor(page.first));
    const rows = page.after
      ? this.s.listAfter.all(endpointId, page.after.createdAt, page.after.id, first + 1)
      : this.s.listFirst.all(endpointId, first + 1);
    return { items: rows.slice(0, first).map(toDelivery), hasNextPage: rows.length > first };
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimBatch> {
    this.assertOpen();
    // Most polls find nothing due: answer those with a read, without taking the write lock.
    const next = this.s.nextDue.get() ?? null;
    if (limit <= 0 || next === null || next > now) return { claimed: [], nextDueAt: next };
    return this.claimTx(now, Math.floor(limit), leaseMs);
  }

  async finishAttempt(token: string, delivery: WebhookDelivery): Promise<boolean> {
    this.assertOpen();
    return this.s.finish.run({ ...toParams(delivery), token }).changes > 0;
  }

  async redeliver(id: string, now: number): Promise<WebhookDelivery | null> {
    this.assertOpen();
    if (this.s.redeliver.run(now, now, now, id).changes === 0) return null;
    return this.getDelivery(id);
  }

  async pruneDeliveries(before: number, limit: number): Promise<number> {
    this.assertOpen();
    if (limit <= 0) return 0;
    return this.s.prune.run(before, Math.floor(limit)).changes;
  }
}

/**
 * Builds the webhook parts the composition root wires in: the secret box (its key from
 * WEBHOOK_SECRET_KEY or DATA_DIR), the service (registration, reads, the tracker's outbox) and
 * the delivery worker, with cluster-wide endpoint change notices when an event target is given.
 */
import type { Logger } from 'pino';
import type { WebhookConfig } from '../config.js';
import type { VideoFile } from '../domain/generation.js';
import type { Clock } from '../domain/ports.js';
import type { WebhookStore } from '../domain/webhooks.js';
import type { Resolver } from './address.js';
import { eventTargetInvalidations } from './endpoint-cache.js';
import { webhookBody } from './payload.js';
import { keyFromText, loadOrCreateKeyFile, SecretBox } from './secrets.js';
import { WebhookService } from './service.js';
import { DeliveryWorker, type AttemptReport } from './worker.js';

export interface WebhooksOptions {
  store: WebhookStore;
  config: WebhookConfig;
  /** Where the sealing key is kept when WEBHOOK_SECRET_KEY is not set. */
  dataDir: string;
  /** Cluster mode: instances do not share DATA_DIR, so only WEBHOOK_SECRET_KEY can seal. */
  clustered: boolean;
  /** Ended deliveries are kept this long. */
  retentionMs: number;
  logger: Logger;
  /** The cluster's event target, for endpoint change notices between instances. */
  eventTarget?: EventTarget;
  /** The gateway's public base URL, for video links in bodies. */
  publicUrl: () => string;
  onAttempt?: (report: AttemptReport) => void;
  /** Host name resolution (tests). */
  resolve?: Resolver;
  now?: Clock;
}

export interface Webhooks {
  service: WebhookService;
  worker: DeliveryWorker;
  /** Starts the worker: deliveries left pending by an earlier run resume. */
  start(): void;
  /** Forget cached endpoint lists (after a Redis outage). */
  resync(): void;
  /** Stops the worker (in-flight attempts are handed back) and the change notices. */
  stop(): Promise<void>;
}

function openBox(opts: WebhooksOptions): { box: SecretBox | null; problem?: string } {
  if (opts.config.secretKey !== null) return { box: new SecretBox(keyFromText(opts.config.secretKey)) };
  if (opts.clustered) {
    return { box: null, problem: 'In cluster mode, webhook endpoints need WEBHOOK_SECRET_KEY (the same on every instance) to keep signing secrets' };
  }
  try {
    return { box: new SecretBox(loadOrCreateKeyFile(opts.dataDir)) };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    opts.logger.warn({ err: why }, 'webhook secrets cannot be sealed: webhook endpoints cannot be registered');
    return { box: null, problem: 'Webhooks are unavailable: the gateway cannot keep signing secrets (see its log)' };
  }
}

export function createWebhooks(opts: WebhooksOptions): Webhooks {
  const now = opts.now ?? Date.now;
  const { box, problem } = openBox(opts);
  if (!box && opts.clustered) opts.logger.warn('WEBHOOK_SECRET_KEY is not set: webhook endpoints cannot be registered in cluster mode');
  const videoUrl = (v: VideoFile): string => {
    const slot = v.archiveName ?? v.archivedFile;
    return slot ? `${opts.publicUrl()}/videos/${slot}` : v.url;
  };
  let service: WebhookService | null = null;
  const worker = new DeliveryWorker({
    store: opts.store,
    box,
    logger: opts.logger,
    schedule: opts.config.retryScheduleMs,
    timeoutMs: opts.config.timeoutMs,
    allowPrivate: opts.config.allowPrivate,
    concurrency: opts.config.concurrency,
    retentionMs: opts.retentionMs,
    onEndpointDisabled: (owner) => service?.cache.changed(owner),
    ...(opts.onAttempt ? { onAttempt: opts.onAttempt } : {}),
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
    now,
  });
  service = new WebhookService({
    store: opts.store,
    box,
    ...(problem ? { boxProblem: problem } : {}),
    logger: opts.logger,
    allowPrivate: opts.config.allowPrivate,
    body: (type, gen, at) => JSON.stringify(webhookBody(type, gen, { now: at, videoUrl })),
    wake: () => worker.kick(),
    ...(opts.eventTarget ? { invalidations: eventTargetInvalidations(opts.eventTarget) } : {}),
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
    now,
  });
  const svc = service;
  return {
    service: svc,
    worker,
    start: () => worker.start(),
    resync: () => svc.cache.clear(),
    async stop() {
      await worker.stop();
      svc.close();
    },
  };
}

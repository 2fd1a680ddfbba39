/**
 * Prometheus metrics (prom-client) on a registry of this app's own, so two gateways in one
 * process (tests) never share counters. Gauges that mirror live state are computed at scrape
 * time instead of being kept in step by hand.
 */
import client from 'prom-client';

export interface LiveState {
  activePollers(): number;
  subscriptionsByTransport(): Record<string, number>;
  webSocketConnections(): number;
}

export class Metrics {
  readonly registry = new client.Registry();
  readonly providerRequests: client.Counter<'operation' | 'outcome'>;
  readonly providerLatency: client.Histogram<'operation'>;
  readonly providerRetries: client.Counter<'operation'>;
  readonly transitions: client.Counter<'status'>;
  readonly lateResults: client.Counter;
  readonly generationDuration: client.Histogram<'resolution' | 'duration' | 'status'>;
  readonly userErrors: client.Counter<'code'>;
  readonly pollLag: client.Histogram;
  readonly archiveAttempts: client.Counter<'outcome'>;
  readonly httpRequests: client.Counter<'method' | 'status'>;
  readonly webhookAttempts: client.Counter<'outcome'>;
  readonly webhookAttemptDuration: client.Histogram<'outcome'>;
  readonly webhookDeliveryLatency: client.Histogram;
  readonly creditsSpent: client.Counter<'owner_kind'>;

  constructor(live: LiveState) {
    const registers = [this.registry];
    // Node's process and runtime metrics keep their standard names (process_cpu_seconds_total,
    // nodejs_heap_size_used_bytes, …), so stock dashboards and alerts work unchanged; only the
    // gateway's own metrics below carry the cinegraph_ prefix.
    client.collectDefaultMetrics({ register: this.registry });
    this.providerRequests = new client.Counter({
      name: 'cinegraph_provider_requests_total',
      help: 'Requests to the AI/ML API by operation (create, read) and outcome (ok, http_<status>, timeout, network, parse)',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.providerLatency = new client.Histogram({
      name: 'cinegraph_provider_request_duration_seconds',
      help: 'Latency of requests to the AI/ML API',
      labelNames: ['operation'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.providerRetries = new client.Counter({
      name: 'cinegraph_provider_retries_total',
      help: 'Automatic retries of requests to the AI/ML API',
      labelNames: ['operation'],
      registers,
    });
    this.transitions = new client.Counter({
      name: 'cinegraph_generation_transitions_total',
      help: 'Status transitions of generations, by the status entered',
      labelNames: ['status'],
      registers,
    });
    this.lateResults = new client.Counter({
      name: 'cinegraph_late_results_total',
      help: 'Generations that timed out and that the provider completed after all (TIMED_OUT to COMPLETED)',
      registers,
    });
    this.generationDuration = new client.Histogram({
      name: 'cinegraph_generation_duration_seconds',
      help: 'Time from creation to a terminal status',
      labelNames: ['resolution', 'duration', 'status'],
      buckets: [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900],
      registers,
    });
    this.userErrors = new client.Counter({
      name: 'cinegraph_user_errors_total',
      help: 'userErrors returned by generateVideo, by code',
      labelNames: ['code'],
      registers,
    });
    this.pollLag = new client.Histogram({
      name: 'cinegraph_poll_lag_seconds',
      help: 'How much later than scheduled each poll ran',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.archiveAttempts = new client.Counter({
      name: 'cinegraph_archive_attempts_total',
      help: 'Video archive download attempts by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookAttempts = new client.Counter({
      name: 'cinegraph_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome (delivered, gone, http_error, timeout, network, refused, secret_unavailable)',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookAttemptDuration = new client.Histogram({
      name: 'cinegraph_webhook_attempt_duration_seconds',
      help: 'Duration of one webhook attempt (connect, send, answer), by outcome',
      labelNames: ['outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers,
    });
    this.webhookDeliveryLatency = new client.Histogram({
      name: 'cinegraph_webhook_delivery_latency_seconds',
      help: 'From the transition that caused a webhook to its delivery (retries included)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 86400],
      registers,
    });
    this.httpRequests = new client.Counter({
      name: 'cinegraph_http_requests_total',
      help: 'HTTP requests served, by method and status',
      labelNames: ['method', 'status'],
      registers,
    });
    this.creditsSpent = new client.Counter({
      name: 'cinegraph_credits_spent_total',
      help: "Provider credits reported for generations this gateway created (meta.usage), by the kind of owner (SERVICE, USER, ANONYMOUS)",
      labelNames: ['owner_kind'],
      registers,
    });
    new client.Gauge({
      name: 'cinegraph_active_pollers',
      help: 'Generations this instance is polling',
      registers,
      collect() {
        this.set(live.activePollers());
      },
    });
    new client.Gauge({
      name: 'cinegraph_active_subscriptions',
      help: 'Open videoGenerationUpdates subscriptions by transport (ws, sse)',
      labelNames: ['transport'],
      registers,
      collect() {
        this.reset();
        for (const [transport, n] of Object.entries(live.subscriptionsByTransport())) this.set({ transport }, n);
      },
    });
    new client.Gauge({
      name: 'cinegraph_websocket_connections',
      help: 'Open WebSocket connections',
      registers,
      collect() {
        this.set(live.webSocketConnections());
      },
    });
  }
}

/**
 * Wires the gateway together: store, upstream client (or the built-in simulator), watch hub,
 * service, schema and transports. Everything long-lived is disposed in order by stop().
 */
import type { Logger } from 'pino';
import { Archiver, archiveNameFor, generationIdOfArchiveName } from './archive/archiver.js';
import type { Config } from './config.js';
import { Metrics } from './metrics.js';
import { MemoryRateLimiter } from './stores/memory-rate-limit.js';
import { DurationEstimator } from './domain/progress.js';
import { modelOf } from './domain/generation.js';
import { FsImageStore } from './images/store.js';
import { createImageRoute } from './server/routes/images.js';
import { LookupBudget } from './generations/lookups.js';
import { GenerationService } from './generations/service.js';
import type { GenerationStore, Provider, RateLimiter } from './domain/ports.js';
import { CachedStore } from './stores/cached.js';
import { openSqliteStore } from './stores/sqlite/index.js';
import { createLogger } from './logger.js';
import { buildSchema } from './schema/index.js';
import { createAuthenticator } from './server/auth.js';
import { createJwtVerifier, type JwtVerifierOptions } from './server/jwt.js';
import { CostEstimator } from './domain/cost.js';
import { isUserOwner } from './domain/principal.js';
import { SpendLedger } from './generations/spend.js';
import { createGatewayServer, type GatewayServer } from './server/index.js';
import { createPersistedDocuments } from './server/persisted-documents.js';
import { createDemoRoute } from './server/routes/demo.js';
import { createHealthRoute } from './server/routes/health.js';
import { createMetricsRoute } from './server/routes/metrics.js';
import { createReadiness, createReadyRoute } from './server/routes/ready.js';
import type { RouteTable } from './server/routes/route.js';
import { createVideoRoute } from './server/routes/videos.js';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator/index.js';
import { createUpstreamClient, type UpstreamClientOptions } from './provider/client.js';
import { createHttpFetch } from './provider/http-fetch.js';
import { noteProviderAttempt, traceProvider } from './provider/traced.js';
import { createProvider } from './provider/adapter.js';
import { createTransitionBus } from './events/bus.js';
import { PollScheduler } from './watch/scheduler.js';
import { SubscriptionStreams } from './watch/streams.js';
import { GenerationTracker } from './watch/tracker.js';
import { createWebhooks, type Resolver, type Webhooks } from './webhooks/index.js';

export interface AppDeps {
  logger?: Logger;
  /** A store to use instead of the configured one (tests). */
  store?: GenerationStore;
  /** A provider to use instead of one built from the config. */
  provider?: Provider;
  /** Options of the built-in simulator started when no API key is configured. */
  simulator?: SimulatorOptions;
  /** Extra options of the upstream client (timeouts, retries) for tests. */
  upstreamOptions?: Partial<UpstreamClientOptions>;
  /** Archive download retry timings, for tests. */
  archiveRetryBaseMs?: number;
  /** The fetch the archiver downloads with, for fault injection in tests. */
  archiveFetch?: typeof globalThis.fetch;
  /** How webhook hosts are resolved (DNS rebinding tests). @default the system resolver */
  webhookResolver?: Resolver;
  /** JWKS fetch timings and clock tolerance of JWT verification, for tests. */
  jwt?: Omit<JwtVerifierOptions, 'config'>;
  now?: () => number;
}

export interface Readiness {
  ready: boolean;
  /** What is wrong, in words, when not ready. */
  problems: string[];
}

export interface App {
  /** The gateway's base URL once started, e.g. http://127.0.0.1:4000. */
  readonly url: string;
  readonly scheduler: PollScheduler;
  readonly streams: SubscriptionStreams;
  readonly service: GenerationService;
  readonly store: GenerationStore;
  readonly server: GatewayServer;
  /** The built-in simulator, when the gateway runs without a provider key. */
  readonly simulator: Simulator | null;
  readonly archiver: Archiver | null;
  /** Webhook endpoints, the outbox and the delivery worker. */
  readonly webhooks: Webhooks;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** What /ready answers. */
  readiness(): Promise<Readiness>;
  start(): Promise<string>;
  stop(): Promise<void>;
}

export async function createApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  // Read first: an unusable manifest stops start-up before anything is opened.
  const documents = createPersistedDocuments({
    manifestFile: config.persistedDocuments,
    only: config.persistedDocumentsOnly,
    apqMaxDocuments: config.apqMaxDocuments,
  });
  const now = deps.now ?? Date.now;
  // Traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: otherwise nothing of OpenTelemetry is loaded.
  const otel = config.tracing ? (await import('./lib/otel.js')).startOtel(config.tracing) : null;

  // The store first: a bad DATA_DIR or an unreachable Redis must stop start-up before anything
  // else is listening.
  // Loaded only in cluster mode, so a single instance never loads the Redis client.
  const cluster = !deps.store && config.redisUrl
    ? await (await import('./cluster/index.js')).startCluster({
        redisUrl: config.redisUrl,
        logger,
        leaseMs: config.leaseMs,
        generateRatePerMinute: config.generateRatePerMinute,
        foreignLookupsPerMinute: config.foreignLookupsPerMinute,
        retentionMs: config.retentionMs,
      })
    : null;
  const store: GenerationStore = deps.store ?? cluster?.store ?? new CachedStore(await openSqliteStore(config.dataDir));
  let simulator: Simulator | null = null;
  let baseUrl = config.baseUrl;
  let apiKey = config.apiKey;
  if (!deps.provider && apiKey === null) {
    simulator = await startSimulator(deps.simulator ?? {});
    baseUrl = simulator.url;
    apiKey = simulator.apiKey;
    logger.warn(
      { simulator: simulator.url },
      'AIMLAPI_KEY is not set: generations are SIMULATED by the built-in provider (no real videos, no cost)',
    );
  }
  // Live gauges read these at scrape time; they are set once the parts exist.
  const live = {
    scheduler: null as PollScheduler | null,
    streams: null as SubscriptionStreams | null,
    server: null as GatewayServer | null,
  };
  const metrics = new Metrics({
    activePollers: () => live.scheduler?.active ?? 0,
    subscriptionsByTransport: () => live.streams?.byTransport() ?? {},
    webSocketConnections: () => live.server?.webSocketCount ?? 0,
  });
  // Uploaded frames: checked, kept, served at /images/<name>, and sent to the provider as data URIs.
  const images = new FsImageStore(config.imageDir);
  const untracedProvider =
    deps.provider ??
    createProvider(createUpstreamClient({
      baseUrl,
      apiKey: apiKey as string,
      fetch: createHttpFetch(),
      onRequest: (info) => {
        metrics.providerRequests.inc({ operation: info.operation, outcome: info.outcome });
        metrics.providerLatency.observe({ operation: info.operation }, info.durationMs / 1000);
        noteProviderAttempt(info);
      },
      onRetry: (info) => metrics.providerRetries.inc({ operation: info.operation }),
      ...deps.upstreamOptions,
    }), { readImage: (name) => images.read(name) });
  // A span per provider call when tracing is on (provider/traced.ts).
  const provider = otel ? traceProvider(untracedProvider) : untracedProvider;

  const estimator = new DurationEstimator();
  for (const s of await store.recentCompletions(500)) estimator.observe(s.resolution, s.duration, s.tookMs, s.model);
  const rateLimiter: RateLimiter = cluster?.rateLimiter ?? new MemoryRateLimiter(config.generateRatePerMinute);
  const lookupBudget = new LookupBudget({
    limiter: cluster?.lookupRateLimiter ?? new MemoryRateLimiter(config.foreignLookupsPerMinute),
    now,
  });

  const archiver = config.archiveVideos
    ? new Archiver({
        dir: config.archiveDir,
        store,
        logger,
        maxBytes: config.archiveMaxBytes,
        ...(deps.archiveRetryBaseMs !== undefined ? { retryBaseMs: deps.archiveRetryBaseMs } : {}),
        ...(deps.archiveFetch ? { fetch: deps.archiveFetch } : {}),
        onAttempt: (a) => metrics.archiveAttempts.inc({ outcome: a.ok ? 'ok' : 'failed' }),
      })
    : null;

  const ownerKind = (owner: string): string =>
    isUserOwner(owner) ? 'USER' : config.tokens === null && config.jwt === null ? 'ANONYMOUS' : 'SERVICE';
  const spend = new SpendLedger({
    store,
    costs: new CostEstimator(),
    limitPerDay: config.spendLimitPerDay,
    onCredits: (owner, credits) => metrics.creditsSpent.inc({ owner_kind: ownerKind(owner) }, credits),
  });

  const webhooks = createWebhooks({
    store: store.webhooks,
    config: config.webhooks,
    dataDir: config.dataDir,
    clustered: cluster !== null,
    retentionMs: config.retentionMs,
    logger,
    ...(cluster ? { eventTarget: cluster.eventTarget as unknown as EventTarget } : {}),
    // Called at transitions, after start() has set the URL.
    publicUrl: () => publicUrl(),
    ...(deps.webhookResolver ? { resolve: deps.webhookResolver } : {}),
    onAttempt: (a) => {
      metrics.webhookAttempts.inc({ outcome: a.outcome });
      metrics.webhookAttemptDuration.observe({ outcome: a.outcome }, a.durationMs / 1000);
      if (a.deliveredAfterMs !== null) metrics.webhookDeliveryLatency.observe(a.deliveredAfterMs / 1000);
    },
    now,
  });
  const bus = createTransitionBus(cluster?.eventTarget);
  const tracker = new GenerationTracker({
    outbox: webhooks.service,
    store,
    provider,
    bus,
    logger,
    shared: cluster !== null,
    generationTimeoutMs: config.generationTimeoutMs,
    ...(archiver ? { nameArchive: archiveNameFor } : {}),
    now,
    onTransition: (gen, previous) => {
      spend.observe(gen, previous);
      metrics.transitions.inc({ status: gen.status });
      if (previous.status === 'TIMED_OUT' && gen.status === 'COMPLETED') {
        metrics.lateResults.inc();
        logger.info({ generationId: gen.id }, 'late result recovered: a timed-out generation completed after all');
      }
      if (gen.completedAt !== null && gen.inputKnown) {
        metrics.generationDuration.observe(
          { resolution: gen.input.resolution, duration: String(gen.input.duration), status: gen.status },
          (gen.completedAt - gen.createdAt) / 1000,
        );
      }
      if (gen.status === 'COMPLETED' && gen.completedAt !== null && gen.inputKnown) {
        estimator.observe(gen.input.resolution, gen.input.duration, gen.completedAt - gen.createdAt, modelOf(gen.input));
      }
      if (gen.status === 'COMPLETED') archiver?.enqueue(gen);
    },
  });
  const scheduler = new PollScheduler({
    store,
    tracker,
    logger,
    pollIntervalMs: config.pollIntervalMs,
    generationTimeoutMs: config.generationTimeoutMs,
    giveUpMs: config.generationGiveUpMs,
    lateResultWindowMs: config.lateResultWindowMs,
    lateSchedule: config.lateResultScheduleMs,
    adaptivePolling: config.adaptivePolling,
    ...(cluster ? { lease: cluster.lease } : {}),
    now,
    onPoll: (p) => metrics.pollLag.observe(Math.max(0, p.actualDelayMs - p.scheduledDelayMs) / 1000),
  });
  const streams = new SubscriptionStreams({ store, bus, onFollow: (gen) => scheduler.track(gen) });
  const service = new GenerationService({
    store,
    provider,
    tracker,
    scheduler,
    streams,
    logger,
    estimator,
    rateLimiter,
    lookupBudget,
    maxActiveGenerations: config.maxActiveGenerations,
    maxSubscriptionsPerClient: config.limits.maxSubscriptionsPerClient,
    generatesPerMinute: config.generateRatePerMinute,
    spend,
    images,
    imageRules: { maxImageBytes: config.maxImageBytes, allowHttpImageUrls: config.allowHttpImageUrls },
    onUserErrors: (errors) => {
      for (const e of errors) metrics.userErrors.inc({ code: e.code });
    },
    now,
  });
  live.scheduler = scheduler;
  live.streams = streams;
  if (cluster) {
    cluster.onReconnect(() => void streams.resync());
    // Endpoint change notices may have been lost while Redis was away.
    cluster.onReconnect(() => webhooks.resync());
  }

  let shuttingDown = false;
  const readiness = createReadiness({
    store,
    shuttingDown: () => shuttingDown,
    checks: cluster ? [async () => cluster.problem()] : [],
  });
  let url = '';
  const publicUrl = (): string => config.publicUrl ?? url;
  // Tried in this order before /graphql.
  const routes: RouteTable = [
    createVideoRoute(config.archiveDir, async (name) => {
      const id = generationIdOfArchiveName(name);
      const gen = id === null ? null : await store.get(id);
      return gen?.video?.archiveName === name ? (gen.video.providerUrl ?? gen.video.url) : null;
    }),
    createImageRoute(config.imageDir),
    createDemoRoute(),
    createHealthRoute(cluster ? { instance: cluster.instanceId } : {}),
    ...(config.metrics ? [createMetricsRoute({ registry: metrics.registry, token: config.metricsToken })] : []),
    createReadyRoute(readiness),
  ];

  const server = createGatewayServer({
    schema: buildSchema(),
    service,
    webhooks: webhooks.service,
    authenticate: createAuthenticator(config.tokens, {
      jwt: config.jwt ? createJwtVerifier({ config: config.jwt, ...deps.jwt }) : null,
      // Why a token was refused is for the operator only; the caller just gets 401 or 4403.
      onRefused: (reason) => logger.info({ reason }, 'JSON Web Token refused'),
    }),
    authRequired: config.tokens !== null || config.jwt !== null,
    logger,
    introspection: config.introspection,
    graphiql: config.graphiql,
    corsOrigins: config.corsOrigins,
    routes,
    now,
    publicUrl,
    limits: config.limits,
    maxImageBytes: config.maxImageBytes,
    onHttpRequest: (r) => metrics.httpRequests.inc({ method: r.method, status: String(r.status) }),
    documents,
    // A span per GraphQL operation when tracing is on, continuing the caller's traceparent.
    plugins: otel ? (await import('./server/plugins/use-tracing.js')).useTracing(otel.provider) : [],
  });
  live.server = server;

  let stopped: Promise<void> | null = null;
  const app: App = {
    get url() {
      return url;
    },
    scheduler,
    streams,
    service,
    store,
    server,
    simulator,
    archiver,
    webhooks,
    logger,
    metrics,
    readiness,
    async start() {
      url = await server.listen(config.port, config.host);
      // Before the poller resumes: deliveries left pending by an earlier run go out, and the
      // transitions found on resuming are delivered at once.
      webhooks.start();
      if (cluster) scheduler.startSweep(config.leaseMs);
      const resumed = await scheduler.resume();
      if (resumed > 0) logger.info({ resumed }, 'resumed polling of unfinished generations');
      if (archiver) {
        const unarchived = await store.listUnarchived(1000);
        for (const gen of unarchived) archiver.enqueue(gen);
        if (unarchived.length > 0) logger.info({ count: unarchived.length }, 'resumed archiving of finished videos');
      }
      if (config.tokens === null && config.jwt === null) {
        logger.warn('GATEWAY_TOKENS is not set: the gateway is open, and every caller is the same client');
      }
      if (documents.manifest) {
        logger.info(
          { manifest: config.persistedDocuments, documents: documents.manifest.size, only: documents.only },
          documents.only ? 'only trusted documents run: ad-hoc documents are refused' : 'trusted documents loaded',
        );
      }
      logger.info({ url: `${url}/graphql` }, 'Cinegraph is ready: GraphiQL at /graphql');
      return url;
    },
    stop() {
      stopped ??= (async () => {
        shuttingDown = true;
        streams.endAll();
        await server.close();
        scheduler.stop();
        streams.endAll();
        await tracker.settle();
        // In-flight attempts are interrupted and handed back due, before the store closes.
        await webhooks.stop();
        await archiver?.stop();
        await store.close();
        await cluster?.close();
        await simulator?.stop();
        // Last: exports the spans of everything above.
        await otel?.shutdown();
      })();
      return stopped;
    },
  };
  return app;
}

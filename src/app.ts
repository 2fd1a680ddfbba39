/**
 * Wires the gateway together: store, upstream client (or the built-in simulator), watch hub,
 * service, schema and transports. Everything long-lived is disposed in order by stop().
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { Archiver } from './archive/archiver.js';
import type { Config } from './config.js';
import { MemoryRateLimiter, type RateLimiter } from './generations/rate-limit.js';
import { DurationEstimator } from './generations/progress.js';
import { GenerationService } from './generations/service.js';
import type { GenerationStore } from './generations/store.js';
import { MemoryStore } from './generations/memory-store.js';
import { createLogger } from './logger.js';
import { buildSchema } from './schema/index.js';
import { createAuthenticator } from './server/auth.js';
import { createGatewayServer, type GatewayServer } from './server/index.js';
import { createDemoRoute } from './server/demo.js';
import { createVideoRoute } from './server/videos.js';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator/index.js';
import { createUpstreamClient, type UpstreamClientOptions } from './upstream/client.js';
import type { UpstreamClient } from './upstream/types.js';
import { WatchHub } from './watch/hub.js';

export interface AppDeps {
  logger?: Logger;
  /** A store to use instead of the configured one (tests). */
  store?: GenerationStore;
  /** An upstream client to use instead of one built from the config. */
  upstream?: UpstreamClient;
  /** Options of the built-in simulator started when no API key is configured. */
  simulator?: SimulatorOptions;
  /** Extra options of the upstream client (timeouts, retries) for tests. */
  upstreamOptions?: Partial<UpstreamClientOptions>;
  /** Archive download retry timings, for tests. */
  archiveRetryBaseMs?: number;
  /** The fetch the archiver downloads with, for fault injection in tests. */
  archiveFetch?: typeof globalThis.fetch;
  now?: () => number;
}

export interface App {
  /** The gateway's base URL once started, e.g. http://127.0.0.1:4000. */
  readonly url: string;
  readonly hub: WatchHub;
  readonly service: GenerationService;
  readonly store: GenerationStore;
  readonly server: GatewayServer;
  /** The built-in simulator, when the gateway runs without a provider key. */
  readonly simulator: Simulator | null;
  readonly archiver: Archiver | null;
  readonly logger: Logger;
  start(): Promise<string>;
  stop(): Promise<void>;
}

export async function createApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const now = deps.now ?? Date.now;

  let simulator: Simulator | null = null;
  let baseUrl = config.baseUrl;
  let apiKey = config.apiKey;
  if (!deps.upstream && apiKey === null) {
    simulator = await startSimulator(deps.simulator ?? {});
    baseUrl = simulator.url;
    apiKey = simulator.apiKey;
    logger.warn(
      { simulator: simulator.url },
      'AIMLAPI_KEY is not set: generations are SIMULATED by the built-in provider (no real videos, no cost)',
    );
  }
  const upstream =
    deps.upstream ??
    createUpstreamClient({
      baseUrl,
      apiKey: apiKey as string,
      ...deps.upstreamOptions,
    });

  const store = deps.store ?? new MemoryStore();
  const estimator = new DurationEstimator();
  for (const s of await store.recentCompletions(500)) estimator.observe(s.resolution, s.duration, s.tookMs);
  const rateLimiter: RateLimiter = new MemoryRateLimiter(config.generateRatePerMinute);

  const archiver = config.archiveVideos
    ? new Archiver({
        dir: config.archiveDir,
        store,
        logger,
        maxBytes: config.archiveMaxBytes,
        ...(deps.archiveRetryBaseMs !== undefined ? { retryBaseMs: deps.archiveRetryBaseMs } : {}),
        ...(deps.archiveFetch ? { fetch: deps.archiveFetch } : {}),
      })
    : null;

  const hub = new WatchHub({
    store,
    upstream,
    logger,
    pollIntervalMs: config.pollIntervalMs,
    generationTimeoutMs: config.generationTimeoutMs,
    adaptivePolling: config.adaptivePolling,
    now,
    onTransition: (gen) => {
      if (gen.status === 'COMPLETED' && gen.completedAt !== null && gen.inputKnown) {
        estimator.observe(gen.input.resolution, gen.input.duration, gen.completedAt - gen.createdAt);
      }
      if (gen.status === 'COMPLETED') archiver?.enqueue(gen);
    },
  });
  const service = new GenerationService({
    store,
    upstream,
    hub,
    logger,
    estimator,
    rateLimiter,
    maxActiveGenerations: config.maxActiveGenerations,
    now,
  });

  let shuttingDown = false;
  let url = '';
  const publicUrl = (): string => config.publicUrl ?? url;
  const videoRoute = createVideoRoute(config.archiveDir);
  const demoRoute = createDemoRoute();
  const routes = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (await videoRoute(req, res, path)) return true;
    if (await demoRoute(req, res, path)) return true;
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ status: 'ok' }));
      return true;
    }
    if (path === '/ready') {
      const problems: string[] = [];
      if (shuttingDown) problems.push('shutting down');
      if (!(await store.healthy().catch(() => false))) problems.push(`store (${store.kind}) unavailable`);
      res.writeHead(problems.length ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ status: problems.length ? 'unavailable' : 'ready', problems }));
      return true;
    }
    return false;
  };

  const server = createGatewayServer({
    schema: buildSchema(),
    service,
    authenticate: createAuthenticator(config.tokens),
    authRequired: config.tokens !== null,
    logger,
    introspection: config.introspection,
    corsOrigins: config.corsOrigins,
    routes,
    now,
    publicUrl,
  });

  let stopped: Promise<void> | null = null;
  const app: App = {
    get url() {
      return url;
    },
    hub,
    service,
    store,
    server,
    simulator,
    archiver,
    logger,
    async start() {
      url = await server.listen(config.port, config.host);
      const resumed = await hub.resume();
      if (resumed > 0) logger.info({ resumed }, 'resumed polling of unfinished generations');
      if (config.tokens === null) {
        logger.warn('GATEWAY_TOKENS is not set: the gateway is open, and every caller is the same client');
      }
      logger.info({ url: `${url}/graphql` }, 'Cinegraph is ready: GraphiQL at /graphql');
      return url;
    },
    stop() {
      stopped ??= (async () => {
        shuttingDown = true;
        hub.endSubscriptions();
        await server.close();
        await hub.stop();
        await archiver?.stop();
        await store.close();
        await simulator?.stop();
      })();
      return stopped;
    },
  };
  return app;
}

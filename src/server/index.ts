/**
 * The gateway's server, composed the way graphql-yoga servers are: yoga with a plugin per
 * cross-cutting behaviour (plugins/use-*.ts), behind the HTTP handling that comes before it
 * (http.ts) and the routes beside `/graphql` (routes/), with graphql-ws on the same path (ws.ts).
 * Every WebSocket operation runs through yoga's envelop pipeline, so context, auth, limits and
 * error masking are the same on every transport.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Limits } from '../config.js';
import type { GenerationService } from '../generations/service.js';
import type { WebhookService } from '../webhooks/service.js';
import type { Authenticator } from './auth.js';
import { createHttpServer } from './http.js';
import { useFinishedAnswers } from './plugins/use-answers.js';
import { SharedSubscriptions, useSharedSubscriptions } from './shared-subscriptions.js';
import { AnswerReplay } from './answer-replay.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { useDocumentLimits } from './plugins/use-document-limits.js';
import { useContractErrorCodes } from './plugins/use-error-codes.js';
import { useAuthentication } from './plugins/use-authentication.js';
import { useNoIntrospection } from './plugins/use-no-introspection.js';
import { useNoSuggestions } from './plugins/use-no-suggestions.js';
import { useOperationNotes } from './plugins/use-operation-notes.js';
import { useApq } from './plugins/use-apq.js';
import { useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { LruPersistedQueryStore, PersistedDocuments, trustedOnlyGraphiQLQuery } from './persisted-documents.js';
import { useRequestParams } from './plugins/use-request-params.js';
import { useResponseCompression } from './plugins/use-compression.js';
import { createGraphiQLRoute } from './routes/graphiql.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql.js';
import type { RouteTable } from './routes/route.js';
import { serveGraphQLWs } from './ws.js';
import { createGatewayYoga } from './yoga.js';

export type { Route, RouteTable } from './routes/route.js';

export interface GatewayServerOptions {
  schema: GraphQLSchema;
  service: GenerationService;
  /** Webhook endpoints and deliveries. @default undefined */
  webhooks?: WebhookService;
  authenticate: Authenticator;
  logger: Logger;
  /** Whether clients must authenticate (GATEWAY_TOKENS set). */
  authRequired: boolean;
  /** Whether `__schema` and `__type` may be queried; when off, no "Did you mean" hints either. @default true */
  introspection?: boolean;
  /** Serve GraphiQL at the GraphQL endpoint (GRAPHIQL). @default the value of `introspection` */
  graphiql?: boolean;
  /** Browser origins allowed cross-origin; null for same-origin only. @default null */
  corsOrigins?: string[] | null;
  /** Limits on bodies, messages, documents and subscriptions. */
  limits: Limits;
  /**
   * Largest uploaded frame (MAX_IMAGE_BYTES): a GraphQL multipart request may carry two of them
   * beside the operation, so its body may be up to twice this plus MAX_BODY_BYTES. @default 10485760
   */
  maxImageBytes?: number;
  /** Envelop and yoga plugins run before the gateway's own (tracing). @default [] */
  plugins?: Plugin[];
  /** HTTP routes beside /graphql (health, metrics, archived videos, the demo page), tried in order. @default [] */
  routes?: RouteTable;
  /** The clock progress estimates are computed against. @default Date.now */
  now?: () => number;
  /** The public base URL (PUBLIC_URL, or where the server listens). */
  publicUrl: () => string;
  /** Called once per finished HTTP request (metrics). @default undefined */
  onHttpRequest?: (info: { method: string; status: number }) => void;
  /**
   * Trusted documents and automatic persisted queries, on every transport (persisted-documents.ts).
   * @default APQ with 1000 documents, no trusted documents
   */
  documents?: PersistedDocuments;
}

export interface GatewayServer {
  httpServer: http.Server;
  listen(port: number, host: string): Promise<string>;
  /**
   * Stops accepting connections, closes WebSockets with 1001 (going away), lets ended SSE
   * streams flush for up to `drainMs` (3000 unless given), then destroys what is left.
   */
  close(drainMs?: number): Promise<void>;
  readonly webSocketCount: number;
  /** Finished answers replayed without yoga so far (answer-replay.ts). */
  readonly answersReplayed: number;
}

export function createGatewayServer(opts: GatewayServerOptions): GatewayServer {
  const { limits, logger } = opts;
  const documents = opts.documents ?? new PersistedDocuments({ apq: new LruPersistedQueryStore() });
  // Finished answers replayed without yoga (answer-replay.ts); not with tracing plugins, whose
  // spans would then miss those requests.
  const replay = (opts.plugins?.length ?? 0) === 0 ? new AnswerReplay({ authenticate: opts.authenticate, service: opts.service }) : null;
  const plugins: Plugin[] = [
    // First: nothing of an unauthenticated request is read, parsed, validated or logged at length.
    useAuthentication({ authenticate: opts.authenticate, onError: (err) => logger.error({ err }, 'authentication failed') }),
    useRequestParams(),
    // APQ first: it answers the hashes it holds; trusted documents answer the rest (use-apq.ts).
    useApq(documents),
    useTrustedDocuments(documents),
    useDocumentLimits(limits),
    useCsrfPrevention(),
    useContractErrorCodes(),
    useOperationNotes(),
    useFinishedAnswers(replay ? { onFinished: (ctx, found) => replay.noteFinished((ctx as { req?: http.IncomingMessage }).req, found) } : {}),
    // Subscribers of the same generation, document, variables and viewer share one execution.
    useSharedSubscriptions(new SharedSubscriptions()),
  ];
  if (opts.introspection === false) plugins.push(useNoIntrospection(), useNoSuggestions());
  // Last: compresses the answer the others made.
  plugins.push(useResponseCompression());
  // First: tracing, so an operation's span covers the work of every other plugin.
  plugins.unshift(...(opts.plugins ?? []));

  const yoga = createGatewayYoga({
    schema: opts.schema,
    service: opts.service,
    ...(opts.webhooks ? { webhooks: opts.webhooks } : {}),
    authenticate: opts.authenticate,
    logger,
    plugins,
    corsOrigins: opts.corsOrigins ?? null,
    publicUrl: opts.publicUrl,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const web = createHttpServer({
    logger,
    maxBodyBytes: limits.maxBodyBytes,
    // Two frames, plus the operation and the part headers within the ordinary body limit.
    maxMultipartBodyBytes: 2 * (opts.maxImageBytes ?? 10 * 1024 * 1024) + limits.maxBodyBytes,
    requestTimeoutMs: limits.requestTimeoutMs,
    headersTimeoutMs: limits.headersTimeoutMs,
    routes: [
      ...(opts.routes ?? []),
      // GraphiQL's page at the endpoint and its hashed, cacheable files (routes/graphiql.ts).
      ...((opts.graphiql ?? opts.introspection !== false)
        ? [createGraphiQLRoute({ endpoint: '/graphql', title: 'Cinegraph', subscriptionsProtocol: 'WS', defaultQuery: documents.only ? trustedOnlyGraphiQLQuery() : GRAPHIQL_DEFAULT_QUERY })]
        : []),
    ],
    graphql: replay ? replay.handler(async (req, res, notes) => yoga(req, res, { req, notes })) : async (req, res, notes) => yoga(req, res, { req, notes }),
    ...(opts.onHttpRequest ? { onHttpRequest: opts.onHttpRequest } : {}),
  });
  const ws = serveGraphQLWs({ httpServer: web.server, yoga, authenticate: opts.authenticate, logger, limits, documents });
  const httpServer = web.server;

  return {
    httpServer,
    get webSocketCount() {
      return ws.connections;
    },
    get answersReplayed() {
      return replay?.replayed ?? 0;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const addr = httpServer.address() as AddressInfo;
          const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          resolve(`http://${h}:${addr.port}`);
        });
      });
    },
    async close(drainMs = 3000) {
      // No new connections from here on; idle keep-alive sockets go now.
      httpServer.close();
      httpServer.closeIdleConnections();
      await ws.close();
      // Streams whose subscriptions were ended are writing their last event: let them finish.
      const until = Date.now() + drainMs;
      while (web.activeResponses > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      await yoga.dispose();
      // Whatever is still open after the drain would hold close() forever.
      web.destroyConnections();
    },
  };
}

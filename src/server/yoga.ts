/**
 * The yoga instance: GraphQL over HTTP (GET, POST) and SSE, error masking, CORS, and the one
 * context factory every transport goes through. GraphiQL is a route of its own
 * (routes/graphiql.ts), answered before yoga.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GenerationService } from '../generations/service.js';
import type { WebhookService } from '../webhooks/service.js';
import type { GatewayContext } from '../schema/builder.js';
import type { Authenticator, Principal } from './auth.js';
import { createMaskError, gatewayError } from './errors.js';
import type { RequestNotes } from './http.js';
import { yogaLogging } from './yoga-logging.js';

/** What a transport hands yoga along with the request. */
export interface ServerContext {
  /** The Node request: an HTTP request, or the upgrade request of a WebSocket. */
  req?: http.IncomingMessage;
  /** The HTTP request's log-line notes (absent for WebSocket operations). */
  notes?: RequestNotes;
  /** graphql-ws connection parameters; present only for WebSocket operations. */
  connectionParams?: Record<string, unknown>;
  /** Who a WebSocket authenticated as, once, when it connected. */
  socketPrincipal?: Principal;
  /** Who an HTTP request authenticated as, noted by the authentication plugin before parsing. */
  requestPrincipal?: Principal;
}

export type GatewayYoga = YogaServerInstance<ServerContext, GatewayContext>;

export interface GatewayYogaOptions {
  schema: GraphQLSchema;
  service: GenerationService;
  /** Webhook endpoints and deliveries. @default undefined (the webhook fields answer an error) */
  webhooks?: WebhookService;
  authenticate: Authenticator;
  logger: Logger;
  /** Envelop and yoga plugins, in the order they run. @default [] */
  plugins?: Plugin[];
  /** Browser origins allowed cross-origin; null for same-origin only. @default null */
  corsOrigins?: string[] | null;
  /** The clock progress estimates are computed against. @default Date.now */
  now?: () => number;
  /** The public base URL, for links to archived videos. */
  publicUrl: () => string;
  /** Where GraphQL is served, over HTTP and WebSocket alike. @default '/graphql' */
  graphqlEndpoint?: string;
}

export function createGatewayYoga(opts: GatewayYogaOptions): GatewayYoga {
  const now = opts.now ?? Date.now;
  const { logger } = opts;
  return createYoga<ServerContext, GatewayContext>({
    schema: opts.schema,
    graphqlEndpoint: opts.graphqlEndpoint ?? '/graphql',
    // A trusted document's id (GraphQL over HTTP's `documentId`), read by the persisted-documents plugin.
    extraParamNames: ['documentId'],
    landingPage: false,
    // yoga's own chatter, and its copies of errors clients caused, go to debug (yoga-logging.ts).
    logging: yogaLogging(logger),
    maskedErrors: { maskError: createMaskError(logger) },
    // GraphiQL is served by routes/graphiql.ts (GRAPHIQL), with its security headers.
    graphiql: false,
    cors: opts.corsOrigins ? { origin: opts.corsOrigins, credentials: true } : false,
    plugins: opts.plugins ?? [],
    context: async (initial: YogaInitialContext & ServerContext): Promise<GatewayContext> => {
      const fromWs = initial.connectionParams !== undefined;
      // A WebSocket authenticated once, in onConnect (ws.ts); an HTTP request carries its token.
      const viewer = fromWs
        ? (initial.socketPrincipal ?? null)
        : (initial.requestPrincipal ?? (await opts.authenticate(initial.request.headers.get('authorization'))));
      const client = viewer?.owner ?? null;
      const { notes } = initial;
      if (notes && client) notes.client = client;
      if (viewer === null || client === null) {
        throw gatewayError('UNAUTHENTICATED', 'A valid gateway token is required: send "Authorization: Bearer <token>"');
      }
      return {
        client,
        viewer,
        requestId: notes?.requestId ?? randomUUID(),
        service: opts.service,
        ...(opts.webhooks ? { webhooks: opts.webhooks } : {}),
        now,
        publicUrl: opts.publicUrl,
        transport: fromWs ? 'ws' : (initial.request.headers.get('accept') ?? '').includes('text/event-stream') ? 'sse' : 'http',
      };
    },
  });
}

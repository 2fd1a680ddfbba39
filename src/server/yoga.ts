/**
 * The yoga instance: GraphQL over HTTP (GET, POST) and SSE, GraphiQL served with no outside
 * request, error masking, CORS, and the one context factory every transport goes through.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GenerationService } from '../generations/service.js';
import type { GatewayContext } from '../schema/builder.js';
import type { Authenticator } from './auth.js';
import { createMaskError, gatewayError } from './errors.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql.js';
import type { RequestNotes } from './http.js';

/** What a transport hands yoga along with the request. */
export interface ServerContext {
  /** The Node request: an HTTP request, or the upgrade request of a WebSocket. */
  req?: http.IncomingMessage;
  /** The HTTP request's log-line notes (absent for WebSocket operations). */
  notes?: RequestNotes;
  /** graphql-ws connection parameters; present only for WebSocket operations. */
  connectionParams?: Record<string, unknown>;
  /** The client a WebSocket authenticated as, once, when it connected. */
  socketClient?: string;
}

export type GatewayYoga = YogaServerInstance<ServerContext, GatewayContext>;

export interface GatewayYogaOptions {
  schema: GraphQLSchema;
  service: GenerationService;
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
    // yoga's own chatter goes to debug; its warnings and errors stay visible.
    logging: {
      debug: (...a: unknown[]) => logger.debug({ yoga: a.map(String) }, 'yoga'),
      info: (...a: unknown[]) => logger.debug({ yoga: a.map(String) }, 'yoga'),
      warn: (...a: unknown[]) => logger.warn({ yoga: a.map(String) }, 'yoga'),
      error: (...a: unknown[]) => logger.error({ yoga: a.map(String) }, 'yoga'),
    },
    maskedErrors: { maskError: createMaskError(logger) },
    graphiql: {
      title: 'Cinegraph',
      subscriptionsProtocol: 'WS',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
    },
    // Inlines GraphiQL's scripts: the default page loads them from a public CDN.
    renderGraphiQL,
    cors: opts.corsOrigins ? { origin: opts.corsOrigins, credentials: true } : false,
    plugins: opts.plugins ?? [],
    context: async (initial: YogaInitialContext & ServerContext): Promise<GatewayContext> => {
      const fromWs = initial.connectionParams !== undefined;
      // A WebSocket authenticated once, in onConnect (ws.ts); an HTTP request carries its token.
      const client = fromWs ? (initial.socketClient ?? null) : opts.authenticate(initial.request.headers.get('authorization'));
      const { notes } = initial;
      if (notes && client) notes.client = client;
      if (client === null) {
        throw gatewayError('UNAUTHENTICATED', 'A valid gateway token is required: send "Authorization: Bearer <token>"');
      }
      return {
        client,
        requestId: notes?.requestId ?? randomUUID(),
        service: opts.service,
        now,
        publicUrl: opts.publicUrl,
        transport: fromWs ? 'ws' : (initial.request.headers.get('accept') ?? '').includes('text/event-stream') ? 'sse' : 'http',
      };
    },
  });
}

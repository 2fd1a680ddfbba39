/**
 * Transports: graphql-yoga for GraphQL over HTTP (GET, POST) and SSE, graphql-ws on the same
 * `/graphql` path, GraphiQL with subscriptions over WebSocket. Every WebSocket operation runs
 * through yoga's envelop pipeline, so context, auth, limits and error masking are the same on
 * every transport.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { Logger } from 'pino';
import type { Limits } from '../config.js';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GenerationService } from '../generations/service.js';
import type { GatewayContext } from '../schema/builder.js';
import type { Authenticator } from './auth.js';
import { finishedAnswersPlugin } from './answers.js';
import { createMaskError, gatewayError, toContractCode } from './errors.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql.js';
import { serveGraphQLWs } from './ws-adapter.js';

export interface GatewayServerOptions {
  schema: GraphQLSchema;
  service: GenerationService;
  authenticate: Authenticator;
  logger: Logger;
  /** Whether clients must authenticate (GATEWAY_TOKENS set). */
  authRequired: boolean;
  /** @default true */
  introspection?: boolean;
  /** Browser origins allowed cross-origin; null for same-origin only. @default null */
  corsOrigins?: string[] | null;
  /** Limits on bodies, messages, documents and subscriptions. */
  limits: Limits;
  /** Extra HTTP routes (health, metrics, archived videos, the demo page). Return true when handled. */
  routes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>;
  now?: () => number;
  /** The public base URL (PUBLIC_URL, or where the server listens). */
  publicUrl: () => string;
  /** Called once per finished HTTP request (metrics). */
  onHttpRequest?: (info: { method: string; status: number }) => void;
}

/** What the pipeline learns about a request, for its log line. */
interface RequestNotes {
  requestId: string;
  client?: string;
  operation?: string;
}

const notesOf = new WeakMap<http.IncomingMessage, RequestNotes>();

function noteOperation(args: ExecutionArgs): void {
  const req = (args.contextValue as { req?: http.IncomingMessage }).req;
  const notes = req ? notesOf.get(req) : undefined;
  if (!notes) return;
  const op = getOperationAST(args.document, args.operationName);
  notes.operation = op?.name?.value ?? op?.operation ?? undefined;
}

export interface GatewayServer {
  httpServer: http.Server;
  listen(port: number, host: string): Promise<string>;
  /**
   * Stops accepting connections, closes WebSockets with 1001 (going away), lets ended SSE
   * streams flush for up to `drainMs`, then destroys what is left.
   */
  close(drainMs?: number): Promise<void>;
  readonly webSocketCount: number;
}

interface ServerContext {
  req?: http.IncomingMessage;
  connectionParams?: Record<string, unknown>;
}

type EnvelopedArgs = ExecutionArgs & {
  rootValue: { execute: (a: ExecutionArgs) => unknown; subscribe: (a: ExecutionArgs) => unknown };
};

/**
 * A cross-site page can send "simple" requests without a CORS preflight: a form post, or a
 * text/plain body. GraphQL POSTs must be JSON (which forces a preflight), or carry a custom
 * header. GET stays open: yoga refuses mutations over GET, and EventSource can only GET.
 */
function csrfPrevention(): Plugin {
  const simple = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if ((type === '' || simple.includes(type)) && !request.headers.has('x-graphql-csrf')) {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({
              errors: [
                {
                  message: 'POST bodies must be application/json (or send an X-GraphQL-CSRF header)',
                  extensions: { code: 'BAD_USER_INPUT' },
                },
              ],
            }),
            { status: 403, headers: { 'content-type': 'application/json' } },
          ),
        );
      }
    },
  };
}

/** The same codes over WebSocket as yoga gives over HTTP, then mapped to the contract's. */
function asCallerFault(e: GraphQLError, reason: string): GraphQLError {
  if (e.extensions.code) return toContractCode(e);
  return new GraphQLError(e.message, {
    nodes: e.nodes,
    source: e.source,
    positions: e.positions,
    extensions: { ...e.extensions, code: 'BAD_USER_INPUT', reason },
  });
}

function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : randomUUID();
}

export function createGatewayServer(opts: GatewayServerOptions): GatewayServer {
  const now = opts.now ?? Date.now;
  const { limits } = opts;
  const plugins: Plugin[] = [
    // Document limits (graphql-armor): they run in validation and parsing, so graphql-ws
    // operations, which go through the same envelop pipeline, are held to them too.
    maxDepthPlugin({ n: limits.maxDepth, ignoreIntrospection: true, exposeLimits: true }) as Plugin,
    maxAliasesPlugin({ n: limits.maxAliases, allowList: [], exposeLimits: true }) as Plugin,
    maxTokensPlugin({ n: limits.maxTokens, exposeLimits: true }) as Plugin,
    costLimitPlugin({ maxCost: limits.maxCost, ignoreIntrospection: true, exposeLimits: true }) as Plugin,
    csrfPrevention(),
    {
      onResultProcess({ result, setResult }) {
        if (Array.isArray(result) || Symbol.asyncIterator in result) return;
        if (result.errors?.length) setResult({ ...result, errors: result.errors.map((e) => toContractCode(e)) });
      },
    },
  ];
  // Notes the operation name for the request's log line.
  plugins.push({
    onExecute: ({ args }) => noteOperation(args),
    onSubscribe: ({ args }) => noteOperation(args),
  });
  plugins.push(finishedAnswersPlugin());
  if (opts.introspection === false) {
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) });
  }

  const yoga = createYoga<ServerContext, GatewayContext>({
    schema: opts.schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: {
      debug: (...a: unknown[]) => opts.logger.debug({ yoga: a.map(String) }, 'yoga'),
      info: (...a: unknown[]) => opts.logger.debug({ yoga: a.map(String) }, 'yoga'),
      warn: (...a: unknown[]) => opts.logger.warn({ yoga: a.map(String) }, 'yoga'),
      error: (...a: unknown[]) => opts.logger.error({ yoga: a.map(String) }, 'yoga'),
    },
    maskedErrors: { maskError: createMaskError(opts.logger) },
    graphiql: {
      title: 'Cinegraph',
      subscriptionsProtocol: 'WS',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
    },
    renderGraphiQL,
    cors: opts.corsOrigins ? { origin: opts.corsOrigins, credentials: true } : false,
    plugins,
    context: async (initial: YogaInitialContext & ServerContext): Promise<GatewayContext> => {
      const fromWs = initial.connectionParams !== undefined;
      const credential = fromWs
        ? (initial.connectionParams?.authorization as string | undefined)
        : initial.request.headers.get('authorization');
      const client = opts.authenticate(credential);
      const notes = initial.req ? notesOf.get(initial.req) : undefined;
      if (notes && client) notes.client = client;
      if (client === null) {
        throw gatewayError('UNAUTHENTICATED', 'A valid gateway token is required: send "Authorization: Bearer <token>"');
      }
      return {
        client,
        requestId: (initial.req && notesOf.get(initial.req)?.requestId) ?? randomUUID(),
        service: opts.service,
        now,
        publicUrl: opts.publicUrl,
        transport: fromWs ? 'ws' : (initial.request.headers.get('accept') ?? '').includes('text/event-stream') ? 'sse' : 'http',
      };
    },
  });

  const sockets = new Set<Socket>();
  let activeResponses = 0;
  const httpServer = http.createServer((req, res) => {
    activeResponses++;
    res.once('close', () => activeResponses--);
    const started = performance.now();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const notes: RequestNotes = { requestId };
    notesOf.set(req, notes);
    res.setHeader('x-request-id', requestId);
    res.on('close', () => {
      const status = res.headersSent ? res.statusCode : 499;
      opts.onHttpRequest?.({ method: req.method ?? 'GET', status });
      opts.logger.info(
        {
          requestId,
          method: req.method,
          path: (req.url ?? '/').split('?')[0],
          status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          client: notes.client,
          operation: notes.operation,
        },
        'request',
      );
    });
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (req.method === 'POST' || req.method === 'PUT') {
      // Refuse oversized bodies before reading them; a body without a length is refused too,
      // so nothing unbounded is ever buffered.
      const tooBig = Number.isFinite(declared) && declared > limits.maxBodyBytes;
      const unknownLength = !Number.isFinite(declared);
      if (tooBig || unknownLength) {
        res.writeHead(tooBig ? 413 : 411, { 'content-type': 'application/json', connection: 'close' });
        res.end(
          JSON.stringify({
            errors: [
              {
                message: tooBig
                  ? `Request body is larger than ${limits.maxBodyBytes} bytes`
                  : 'Request body needs a Content-Length',
                extensions: { code: 'BAD_USER_INPUT' },
              },
            ],
          }),
        );
        req.resume();
        return;
      }
    }
    void (async () => {
      try {
        if (opts.routes && (await opts.routes(req, res))) return;
        await yoga(req, res, { req });
      } catch (err) {
        opts.logger.error({ err }, 'request failed');
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
        } else {
          res.destroy();
        }
      }
    })();
  });
  httpServer.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  httpServer.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: limits.maxWsPayloadBytes });
  const openOnSocket = new WeakMap<object, Set<string>>();
  const wsDisposable = serveGraphQLWs<Record<string, unknown>>(
    {
      connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onConnect: (ctx) => {
        // Browsers cannot set headers on a WebSocket: the token travels in connectionParams.
        // Returning false closes with 4403 Forbidden; throwing would close without a reason.
        if (opts.authenticate(ctx.connectionParams?.authorization as string | undefined) === null) return false;
        return true;
      },
      onOperation: (ctx, _id, payload) => {
        const client = opts.authenticate(ctx.connectionParams?.authorization as string | undefined);
        opts.logger.info({ transport: 'ws', operation: payload.operationName ?? null, client }, 'websocket operation');
      },
      onComplete: (ctx, id) => {
        openOnSocket.get(ctx.extra.socket)?.delete(id);
      },
      onSubscribe: async (ctx, id, payload) => {
        let open = openOnSocket.get(ctx.extra.socket);
        if (!open) openOnSocket.set(ctx.extra.socket, (open = new Set()));
        if (open.size >= limits.maxSubscriptionsPerConnection) {
          return [
            gatewayError(
              'RATE_LIMITED',
              `At most ${limits.maxSubscriptionsPerConnection} operations may be open on one WebSocket connection`,
            ),
          ];
        }
        // Reserved before any await, so messages arriving together cannot all pass the check.
        open.add(id);
        const refuse = (errors: readonly GraphQLError[]): readonly GraphQLError[] => {
          open.delete(id);
          // `extensions.http` tells yoga the HTTP status; it means nothing on a socket.
          return errors.map((e) => {
            if (!e.extensions.http) return e;
            const { http: _http, ...extensions } = e.extensions;
            return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions });
          });
        };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams ?? {},
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return refuse([
            err instanceof GraphQLError
              ? asCallerFault(err, 'GRAPHQL_PARSE_FAILED')
              : gatewayError('BAD_USER_INPUT', err instanceof Error ? err.message : 'Syntax error'),
          ]);
        }
        const errors: readonly GraphQLError[] = validate(schema, document);
        if (errors.length > 0) return refuse(errors.map((e) => asCallerFault(e, 'GRAPHQL_VALIDATION_FAILED')));
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch (err) {
          // Returning errors keeps the socket (and its other subscriptions) open.
          return refuse([err instanceof GraphQLError ? err : gatewayError('INTERNAL_SERVER_ERROR', 'Unexpected error.')]);
        }
        const args: EnvelopedArgs = {
          schema,
          operationName: payload.operationName ?? null,
          document,
          variableValues: payload.variables ?? null,
          contextValue,
          rootValue: { execute, subscribe },
        };
        return args;
      },
    },
    wss,
    opts.logger,
  );

  return {
    httpServer,
    get webSocketCount() {
      return wss.clients.size;
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
      for (const ws of wss.clients as Set<WebSocket>) ws.close(1001, 'Server shutting down');
      await wsDisposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      // Streams whose subscriptions were ended are writing their last event: let them finish.
      const until = Date.now() + drainMs;
      while (activeResponses > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      await yoga.dispose();
      // Whatever is still open after the drain would hold close() forever.
      for (const s of sockets) s.destroy();
      httpServer.closeAllConnections();
    },
  };
}

/**
 * GraphQL over WebSocket (graphql-transport-ws) on the HTTP server's `/graphql` path.
 *
 * The adapter between `ws` and graphql-ws's transport-free `makeServer` follows graphql-ws's own
 * `use/ws` (subprotocol negotiation with its `handleProtocols`, keep-alive pings, the same
 * socket handling), except that socket faults (an oversized frame, a reset) are logged as one
 * structured line rather than a stack trace on stderr.
 *
 * Every operation runs through yoga's envelop pipeline (`getEnveloped` in `onSubscribe`), so
 * context, limits and error masking are the same as over HTTP. What yoga does at the HTTP level
 * is done here instead: the client authenticates once per connection, in `onConnect`, and the
 * number of operations open on one socket is capped. Nothing here throws at graphql-ws: a
 * refused operation gets `GraphQLError[]`, which leaves the socket and its other operations open.
 */
import type http from 'node:http';
import { GraphQLError, getOperationAST, type ExecutionArgs } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Disposable, type ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Limits } from '../config.js';
import type { Authenticator, Principal } from './auth.js';
import { asCallerFault, gatewayError, withoutHttpStatus } from './errors.js';
import type { PersistedDocuments } from './persisted-documents.js';
import { sharedPayload, withSharedPayload } from './shared-subscriptions.js';
import type { GatewayYoga } from './yoga.js';

/** What each connection carries between graphql-ws's callbacks (`ctx.extra`). */
export interface WsExtra {
  readonly socket: WebSocket;
  readonly request: http.IncomingMessage;
  /** The client this connection authenticated as, set once in onConnect. */
  client?: string;
  /** Who this connection authenticated as, set once in onConnect. */
  principal?: Principal;
}

/**
 * Serves graphql-ws's `makeServer` on a `ws` server, as graphql-ws's `use/ws` does. The server
 * must have been created with graphql-ws's `handleProtocols`.
 */
export function useWebSocketServer<P extends Record<string, unknown>>(
  options: ServerOptions<P, WsExtra>,
  wss: WebSocketServer,
  logger: Logger,
  /** Ping interval; a peer that does not answer within it is dropped. @default 12_000 // 12 s */
  keepAliveMs = 12_000,
): Disposable {
  const server = makeServer<P, WsExtra>(options);

  wss.on('connection', (socket, request) => {
    socket.once('error', (err: Error & { code?: string }) => {
      // A peer's protocol violation (ws's WS_ERR_* codes: bad frame, bad UTF-8, too big) or a
      // dropped connection is the client's doing: info, as for any client mistake. Anything
      // else is the gateway's own fault.
      const byPeer = (err.code ?? '').startsWith('WS_ERR_') || err.code === 'ECONNRESET' || err.code === 'EPIPE';
      logger[byPeer ? 'info' : 'warn']({ err: err.message, code: err.code }, 'websocket fault; closing that socket');
      // ws has already closed for protocol violations (1009 too big, 1002 bad frame).
      if (socket.readyState === socket.OPEN) socket.close(CloseCode.InternalServerError, 'Internal server error');
    });

    let pongWait: NodeJS.Timeout | null = null;
    const ping = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), keepAliveMs);
      socket.once('pong', () => {
        if (pongWait) clearTimeout(pongWait);
        pongWait = null;
      });
      socket.ping();
    }, keepAliveMs);
    ping.unref();

    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            // Always: it also clears a shared payload meant for this message (shared-subscriptions.ts).
            const message = withSharedPayload(data);
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(message, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', (data) => {
            cb(String(data)).catch((err: unknown) => {
              logger.error({ err }, 'websocket message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request },
    );

    socket.once('close', (code, reason) => {
      if (pongWait) clearTimeout(pongWait);
      clearInterval(ping);
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners('connection');
    },
  };
}

/** setTimeout's longest delay; a later expiry is reached in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Closes a socket with 4403 (Forbidden) when the credential it signed in with expires: a
 * graphql-ws client then reconnects, re-evaluating its `connectionParams` for a fresh token.
 */
function closeAtExpiry(socket: WebSocket, expiresAt: number): void {
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const wait = expiresAt - Date.now();
    if (wait <= 0) {
      if (socket.readyState === socket.OPEN) socket.close(CloseCode.Forbidden, 'Forbidden: the token has expired');
      return;
    }
    timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  socket.once('close', () => clearTimeout(timer));
}

/** Arguments yoga's pipeline prepared; graphql-ws hands them back to `execute`/`subscribe`. */
type EnvelopedArgs = ExecutionArgs & {
  rootValue: { execute: (a: ExecutionArgs) => unknown; subscribe: (a: ExecutionArgs) => unknown };
};

export interface GraphQLWsOptions {
  /** The HTTP server whose upgrade requests on `path` become GraphQL connections. */
  httpServer: http.Server;
  /** @default '/graphql' */
  path?: string;
  yoga: GatewayYoga;
  authenticate: Authenticator;
  logger: Logger;
  limits: Pick<Limits, 'maxWsPayloadBytes' | 'connectionInitTimeoutMs' | 'maxSubscriptionsPerConnection'>;
  /** Ping interval; a peer that does not answer within it is dropped. @default 12_000 // 12 s */
  keepAliveMs?: number;
  /** Trusted documents and persisted queries, resolved as yoga's plugins do over HTTP. @default none */
  documents?: PersistedDocuments;
}

export interface GraphQLWsServer {
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Closes every connection with 1001 (going away) and stops accepting new ones. */
  close(): Promise<void>;
}

export function serveGraphQLWs(opts: GraphQLWsOptions): GraphQLWsServer {
  const { yoga, logger, limits } = opts;
  const wss = new WebSocketServer({
    server: opts.httpServer,
    path: opts.path ?? '/graphql',
    maxPayload: limits.maxWsPayloadBytes,
    // Agree only to graphql-transport-ws; graphql-ws then refuses a socket without it (4406).
    handleProtocols,
  });

  const disposable = useWebSocketServer<Record<string, unknown>>(
    {
      connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onConnect: async (ctx) => {
        // Browsers cannot set headers on a WebSocket: the token travels in connectionParams.
        // Returning false closes with 4403 Forbidden; throwing would close without a reason.
        const credential = ctx.connectionParams?.authorization;
        const principal = await opts.authenticate(typeof credential === 'string' ? credential : null);
        // A token inside the clock tolerance past its expiry is accepted over HTTP, but a socket
        // would be closed as soon as it opened: refuse it at once instead.
        if (principal === null || (principal.expiresAt !== null && principal.expiresAt <= Date.now())) return false;
        ctx.extra.principal = principal;
        ctx.extra.client = principal.owner;
        if (principal.expiresAt !== null) closeAtExpiry(ctx.extra.socket, principal.expiresAt);
        return true;
      },
      // A result many subscribers share is serialized once (shared-subscriptions.ts).
      onNext: (_ctx, _id, _payload, _args, result) => sharedPayload(result),
      onOperation: (ctx, _id, payload) => {
        logger.info({ transport: 'ws', operation: payload.operationName ?? null, client: ctx.extra.client }, 'websocket operation');
      },
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws holds this operation in ctx.subscriptions from before this call until it
        // ends or is refused, so the count includes it; operations arriving together cannot
        // all pass, as the check runs before any await.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [
            gatewayError(
              'RATE_LIMITED',
              `At most ${limits.maxSubscriptionsPerConnection} operations may be open on one WebSocket connection`,
            ),
          ];
        }
        const refuse = (errors: readonly GraphQLError[]): readonly GraphQLError[] => errors.map(withoutHttpStatus);
        // A trusted document or persisted query named instead of sent, as over HTTP.
        const resolved = opts.documents?.resolve(payload) ?? { query: payload.query };
        if ('error' in resolved) return refuse([resolved.error]);
        const params = { ...payload, query: resolved.query };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams ?? {},
          ...(ctx.extra.principal ? { socketPrincipal: ctx.extra.principal } : {}),
        });
        let document;
        try {
          document = parse(params.query);
        } catch (err) {
          return refuse([
            err instanceof GraphQLError
              ? asCallerFault(err, 'GRAPHQL_PARSE_FAILED')
              : new GraphQLError(err instanceof Error ? err.message : 'Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
          ]);
        }
        const errors: readonly GraphQLError[] = validate(schema, document);
        if (errors.length > 0) return refuse(errors.map((e) => asCallerFault(e, 'GRAPHQL_VALIDATION_FAILED')));
        // As yoga refuses it over HTTP: several operations and no operationName, or an unknown one.
        if (!getOperationAST(document, payload.operationName ?? undefined)) {
          return refuse([gatewayError('OPERATION_RESOLUTION_FAILURE', 'Could not determine what operation to execute.')]);
        }
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch (err) {
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
    logger,
    opts.keepAliveMs,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'Server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

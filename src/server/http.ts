/**
 * What happens to an HTTP request before yoga sees it: a request id, one log line when the
 * response has finished, body limits checked before any byte is read, then the routes beside
 * `/graphql` (health, metrics, videos, the demo page) and finally GraphQL. Also tracks open
 * responses and sockets, so the server can drain and then close them.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { serveRoutes, type RouteTable } from './routes/route.js';

/** What the pipeline learns about a request, for its log line. */
export interface RequestNotes {
  requestId: string;
  /** The authenticated client, noted by the GraphQL context factory. */
  client?: string;
  /** The operation's name, noted by the operation-notes plugin. */
  operation?: string;
}

/** Hands a request to GraphQL (yoga), with the notes its log line will report. */
export type GraphQLHandler = (req: http.IncomingMessage, res: http.ServerResponse, notes: RequestNotes) => Promise<unknown>;

export interface HttpServerOptions {
  logger: Logger;
  /** Largest request body; larger ones, and bodies without a Content-Length, are refused. */
  maxBodyBytes: number;
  /**
   * Largest `multipart/form-data` body (a GraphQL multipart request carrying uploads), refused
   * the same way, by its Content-Length before any byte is read. @default maxBodyBytes
   */
  maxMultipartBodyBytes?: number;
  /**
   * Time to receive a whole request (headers and body); a client still sending after it is
   * answered 408 and its connection closed, so a trickling body cannot hold a socket.
   * @default 30_000 // 30 s
   */
  requestTimeoutMs?: number;
  /** Time to receive a request's headers (at most `requestTimeoutMs`). @default 10_000 // 10 s */
  headersTimeoutMs?: number;
  /** Routes tried before GraphQL. @default [] */
  routes?: RouteTable;
  /** Whatever no route answered. */
  graphql: GraphQLHandler;
  /** Called once per finished request (metrics). @default undefined */
  onHttpRequest?: (info: { method: string; status: number }) => void;
}

export interface GatewayHttpServer {
  readonly server: http.Server;
  /** Responses not yet finished (SSE streams included). */
  readonly activeResponses: number;
  /** Destroys every socket still open, upgraded WebSockets included. */
  destroyConnections(): void;
}

/** A caller's X-Request-Id when it is a sane token, a fresh UUID otherwise. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : randomUUID();
}

/** Whether `err` is the request stream failing because its connection closed before the body ended. */
function clientWentAway(err: unknown, req: http.IncomingMessage): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  const closed = req.destroyed || req.socket.destroyed;
  return closed && !req.complete && (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error | null)?.name === 'AbortError');
}

function sendError(res: http.ServerResponse, status: number, message: string, code: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

export function createHttpServer(opts: HttpServerOptions): GatewayHttpServer {
  const { logger } = opts;
  const routes = opts.routes ?? [];
  const sockets = new Set<Socket>();
  let activeResponses = 0;
  /** The latest request on each socket, with its response, for the clientError handler. */
  const inFlight = new WeakMap<object, { req: http.IncomingMessage; res: http.ServerResponse }>();

  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? 10_000, requestTimeout);
  const server = http.createServer({
    requestTimeout,
    headersTimeout,
    // node:http checks these limits on this interval (30 s by default): check often enough that a
    // slow request is dropped close to its limit.
    connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4))),
  }, (req, res) => {
    activeResponses++;
    res.once('close', () => activeResponses--);
    inFlight.set(req.socket, { req, res });
    const started = performance.now();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const notes: RequestNotes = { requestId };
    res.setHeader('x-request-id', requestId);
    // Every answer means exactly its declared type, whichever route writes it.
    res.setHeader('x-content-type-options', 'nosniff');
    res.on('close', () => {
      // A response that never started was abandoned by the client (nginx's 499).
      const status = res.headersSent ? res.statusCode : 499;
      opts.onHttpRequest?.({ method: req.method ?? 'GET', status });
      logger.info(
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
    if (req.method === 'POST' || req.method === 'PUT') {
      // Refuse oversized bodies before reading them; a body without a length is refused too,
      // so nothing unbounded is ever buffered.
      const multipart = /^multipart\/form-data\s*(;|$)/i.test(req.headers['content-type'] ?? '');
      const maxBodyBytes = multipart ? Math.max(opts.maxBodyBytes, opts.maxMultipartBodyBytes ?? 0) : opts.maxBodyBytes;
      const declared = Number(req.headers['content-length'] ?? NaN);
      const tooBig = Number.isFinite(declared) && declared > maxBodyBytes;
      if (tooBig || !Number.isFinite(declared)) {
        sendError(
          res,
          tooBig ? 413 : 411,
          tooBig ? `Request body is larger than ${maxBodyBytes} bytes` : 'Request body needs a Content-Length',
          'BAD_REQUEST',
          { connection: 'close' },
        );
        req.resume();
        return;
      }
    }
    void (async () => {
      try {
        if (await serveRoutes(routes, req, res)) return;
        await opts.graphql(req, res, notes);
      } catch (err) {
        if (clientWentAway(err, req)) {
          // The client closed the connection mid-request (or it was dropped at REQUEST_TIMEOUT_MS):
          // nobody to answer, and no fault of the gateway's.
          logger.info({ requestId, code: (err as { code?: unknown }).code }, 'request abandoned by the client');
          res.destroy();
          return;
        }
        logger.error({ err }, 'request failed');
        if (!res.headersSent) sendError(res, 500, 'Unexpected error.', 'INTERNAL_SERVER_ERROR');
        else res.destroy();
      }
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (err: Error & { code?: string }, socket) => {
    // A request (or its headers) not received in time: node:http would answer 408 itself, but a
    // clientError listener takes that over.
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (timedOut) logger.info({ code: err.code }, 'request not received in time; connection closed');
    // A request answered before its body arrived (a 401, say) has had its answer: another one
    // after it would read as the answer to a next request. The socket just goes.
    const last = inFlight.get(socket);
    const answered = last !== undefined && !last.req.complete && last.res.headersSent;
    if (socket.writable && !answered) {
      socket.end(timedOut ? 'HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    } else socket.destroy();
  });

  return {
    server,
    get activeResponses() {
      return activeResponses;
    },
    destroyConnections() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
    },
  };
}

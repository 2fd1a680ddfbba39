/**
 * A thin adapter between `ws` and graphql-ws's transport-free server (`makeServer`), in place of
 * graphql-ws's bundled `use/ws`: the same protocol handling, but socket faults (an oversized
 * frame, a reset) are logged as one structured line instead of a stack trace on stderr, and the
 * keep-alive is ours to tune.
 */
import type http from 'node:http';
import { CloseCode, makeServer, type Disposable, type ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';

export interface WsExtra {
  readonly socket: WebSocket;
  readonly request: http.IncomingMessage;
}

export function serveGraphQLWs<P extends Record<string, unknown>>(
  options: ServerOptions<P, WsExtra>,
  wss: WebSocketServer,
  logger: Logger,
  /** Ping interval; a peer that does not answer within it is dropped. @default 12000 */
  keepAliveMs = 12_000,
): Disposable {
  const server = makeServer<P, WsExtra>(options);

  wss.on('connection', (socket, request) => {
    socket.once('error', (err: Error & { code?: string }) => {
      logger.warn({ err: err.message, code: err.code }, 'websocket fault; closing that socket');
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
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
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

/**
 * Provider outages: a window during which every request fails the way a down or failing
 * provider fails it. The server itself is not stopped, only made unreachable or unhelpful, so
 * generations keep ageing and the same URL works again afterwards.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Outage, OutageMode, OutageOptions } from './types.js';

export interface ActiveOutage {
  mode: OutageMode;
  status: number;
  retryAfter: number | undefined;
  message: string | undefined;
}

const OUTAGE_STATUSES = new Set([500, 502, 503, 504]);
const RELISTEN_ATTEMPTS = 100;
const RELISTEN_GAP_MS = 50;

export interface OutageHost {
  server: Server;
  sockets: Set<Socket>;
  /** Where the server listens, to listen there again after a refusal. */
  host: string;
  /** Read when needed: with port 0 it is known only once the server listens. */
  port: () => number;
}

/** One outage at a time, for one simulator. */
export class OutageControl {
  readonly #host: OutageHost;
  #current: { state: ActiveOutage; finish: () => Promise<void> } | null = null;
  #stopped = false;

  constructor(host: OutageHost) {
    this.#host = host;
  }

  /** The running outage, or null. */
  get active(): ActiveOutage | null {
    return this.#current?.state ?? null;
  }

  start(options: OutageOptions = {}): Outage {
    if (this.#stopped) throw new Error('outage: the simulator has stopped');
    if (this.#current) throw new Error('outage: an outage is already running; end() it first');
    const mode = options.mode ?? '5xx';
    if (mode !== '5xx' && mode !== 'refuse' && mode !== 'reset') {
      throw new TypeError(`outage: unknown mode ${JSON.stringify(mode)}`);
    }
    const status = options.status ?? 503;
    if (!OUTAGE_STATUSES.has(status)) throw new TypeError(`outage: status must be 500, 502, 503 or 504, got ${String(status)}`);
    const { durationMs } = options;
    if (durationMs !== undefined && !(durationMs >= 0 && Number.isFinite(durationMs))) {
      throw new TypeError(`outage: durationMs must be a finite number >= 0, got ${durationMs}`);
    }

    const state: ActiveOutage = { mode, status, retryAfter: options.retryAfter, message: options.message };
    const { server, sockets } = this.#host;

    let resolveEnded!: () => void;
    let rejectEnded!: (error: Error) => void;
    const ended = new Promise<void>((resolve, reject) => {
      resolveEnded = resolve;
      rejectEnded = reject;
    });
    // Marked handled: a test that never awaits `ended` must not fail on an unhandled rejection.
    ended.catch(() => undefined);

    let active = true;
    let timer: NodeJS.Timeout | null = null;
    const finish = (): Promise<void> => {
      if (!active) return ended;
      active = false;
      if (timer) clearTimeout(timer);
      this.#current = null;
      if (mode === 'refuse' && !this.#stopped) this.#relisten().then(resolveEnded, rejectEnded);
      else resolveEnded();
      return ended;
    };

    this.#current = { state, finish };
    if (mode === 'refuse') {
      // Not listening is what makes a connection attempt fail with ECONNREFUSED. Connections
      // already open are closed, as they are when a provider process dies: a client with a
      // request in flight on one cannot know whether it arrived.
      server.close();
      for (const socket of sockets) socket.destroy();
    } else if (mode === 'reset') {
      for (const socket of sockets) socket.destroy();
    }
    if (durationMs !== undefined) timer = setTimeout(() => void finish(), durationMs);

    return {
      mode,
      get active() {
        return active;
      },
      ended,
      end: finish,
    };
  }

  /** For the server's connection handler: in 'reset' mode, resets the socket and says so. */
  refuseConnection(socket: Socket): boolean {
    if (this.#current?.state.mode !== 'reset') return false;
    // An RST rather than a FIN, as from a load balancer with no healthy backend.
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
    return true;
  }

  /** Ends any outage for good; the caller closes the server. */
  stop(): void {
    this.#stopped = true;
    void this.#current?.finish();
  }

  async #relisten(): Promise<void> {
    const { server, host } = this.#host;
    const port = this.#host.port();
    for (let attempt = 1; ; attempt++) {
      if (this.#stopped) return;
      try {
        await new Promise<void>((resolve, reject) => {
          const onError = (error: Error): void => {
            server.off('listening', onListening);
            reject(error);
          };
          const onListening = (): void => {
            server.off('error', onError);
            resolve();
          };
          server.once('error', onError);
          server.once('listening', onListening);
          server.listen(port, host);
        });
        // stop() may have come while listen() was under way.
        if (this.#stopped) server.close();
        return;
      } catch (error) {
        // The port may be briefly taken (by an outgoing connection's local port, say): wait and retry.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' || attempt >= RELISTEN_ATTEMPTS) {
          throw new Error(`outage: could not listen on ${host}:${port} again: ${(error as Error).message}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, RELISTEN_GAP_MS));
      }
    }
  }
}

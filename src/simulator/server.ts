import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GENERATION_PATH, PIXVERSE_MODEL } from '../provider/wire.js';
import { FaultQueue, type RouteKind } from './faults.js';
import { serveVideo } from './files.js';
import { creditsFor, defaultGenerateMs, readBody, type SimGeneration } from './lifecycle.js';
import { BEHAVIOURS, type Behaviour, type Fault, type Simulator, type SimulatorOptions, type SimulatorStats } from './types.js';
import { validateCreateBody } from './validate.js';

const PLACEHOLDER = new URL('./assets/placeholder.mp4', import.meta.url);
const FILES_PREFIX = '/files/';
const MAX_BODY_BYTES = 1024 * 1024;

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized: invalid or missing API key',
  403: 'Forbidden: not enough credits',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  413: 'Payload too large',
  429: 'Too many requests: rate or concurrency limit reached',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

class Stats implements SimulatorStats {
  creates = 0;
  reads = 0;
  generations = 0;
  readonly #readsById = new Map<string, number>();

  countRead(id: string | null): void {
    this.reads += 1;
    if (id !== null) this.#readsById.set(id, (this.#readsById.get(id) ?? 0) + 1);
  }

  readsFor(id: string): number {
    return this.#readsById.get(id) ?? 0;
  }

  reset(): void {
    this.creates = 0;
    this.reads = 0;
    this.generations = 0;
    this.#readsById.clear();
  }
}

/** Starts the simulated provider; resolves once it is listening. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? 'sim-local-key';
  const queueMs = options.queueMs ?? 3000;
  const generateMs = options.generateMs ?? defaultGenerateMs;
  const createStatus = options.createStatus ?? 201;
  const now = options.now ?? Date.now;

  const video = await readFile(PLACEHOLDER);
  const generations = new Map<string, SimGeneration>();
  const behaviours: Behaviour[] = [];
  const faults = new FaultQueue();
  const stats = new Stats();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let publicUrl = '';

  function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed || res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function sendError(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    message?: string,
    headers: Record<string, string> = {},
  ): void {
    const requestId = randomUUID();
    sendJson(
      res,
      status,
      {
        message: message ?? DEFAULT_MESSAGES[status] ?? 'Error',
        path: req.url ?? '/',
        requestId,
        statusCode: String(status),
        timestamp: new Date(now()).toISOString(),
      },
      { ...headers, 'x-request-id': requestId },
    );
  }

  function authorised(req: IncomingMessage): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    return match?.[1]?.trim() === apiKey;
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  /** Applies a fault; resolves true when the request was answered (or deliberately never will be). */
  async function applyFault(req: IncomingMessage, res: ServerResponse, fault: Fault): Promise<boolean> {
    switch (fault.type) {
      case 'hang':
        return true;
      case 'reset':
        // An RST rather than a FIN, so clients see ECONNRESET as from a real dropped connection.
        if (typeof req.socket.resetAndDestroy === 'function') req.socket.resetAndDestroy();
        else req.socket.destroy();
        return true;
      case 'non-json':
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(HTML_PAGE) });
        res.end(HTML_PAGE);
        return true;
      case 'status': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
        sendError(req, res, fault.status, fault.message, headers);
        return true;
      }
      case 'delay':
        await delay(fault.ms);
        // The client may have given up meanwhile; answering a destroyed socket would be pointless.
        return res.destroyed;
    }
  }

  function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; status: number; message: string }> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(chunk);
      });
      req.on('end', () => {
        if (tooLarge) {
          resolve({ ok: false, status: 413, message: `request body exceeds ${MAX_BODY_BYTES} bytes` });
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ ok: true, value: JSON.parse(text) as unknown });
        } catch {
          resolve({ ok: false, status: 400, message: 'request body is not valid JSON' });
        }
      });
      req.on('error', reject);
    });
  }

  function fileFor(id: string): { url: string; fileName: string; fileSize: number } {
    const encoded = encodeURIComponent(id);
    return { url: `${publicUrl}${FILES_PREFIX}${encoded}.mp4`, fileName: `${id.split(':')[0] ?? id}.mp4`, fileSize: video.byteLength };
  }

  async function handleCreate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = await readJson(req);
    if (!parsed.ok) {
      sendError(req, res, parsed.status, parsed.message);
      return;
    }
    const result = validateCreateBody(parsed.value);
    if (!result.ok) {
      sendError(req, res, 400, result.message);
      return;
    }
    const input = result.value;
    const behaviour = behaviours.shift() ?? input.taggedBehaviour ?? 'normal';
    const ms = typeof generateMs === 'function' ? generateMs(input.resolution, input.duration) : generateMs;
    const generation: SimGeneration = {
      id: `${randomUUID()}:${PIXVERSE_MODEL}`,
      behaviour,
      createdAt: now(),
      queueMs,
      generateMs: ms,
      creditsUsed: creditsFor(input.resolution, input.duration),
    };
    generations.set(generation.id, generation);
    stats.generations += 1;
    sendJson(res, createStatus, {
      id: generation.id,
      status: behaviour === 'legacy' || behaviour === 'legacy-fail' ? 'waiting' : 'queued',
      meta: { usage: { credits_used: generation.creditsUsed } },
    });
  }

  function handleRead(req: IncomingMessage, res: ServerResponse, id: string | null): void {
    if (id === null || id === '') {
      sendError(req, res, 400, 'generation_id query parameter is required');
      return;
    }
    const generation = generations.get(id);
    if (!generation) {
      sendError(req, res, 404, `generation ${JSON.stringify(id)} not found`);
      return;
    }
    sendJson(res, 200, readBody(generation, now(), fileFor(id)));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const method = req.method ?? 'GET';

    if (url.pathname.startsWith(FILES_PREFIX) && url.pathname.endsWith('.mp4')) {
      if (method !== 'GET' && method !== 'HEAD') {
        sendError(req, res, 405, undefined, { Allow: 'GET, HEAD' });
        return;
      }
      // Any name is served, so URLs stored before a restart of the simulator keep playing.
      serveVideo(req, res, video);
      return;
    }

    if (url.pathname !== GENERATION_PATH) {
      sendError(req, res, 404, `Cannot ${method} ${url.pathname}`);
      return;
    }
    let kind: RouteKind;
    if (method === 'POST') kind = 'create';
    else if (method === 'GET') kind = 'read';
    else {
      sendError(req, res, 405, undefined, { Allow: 'GET, POST' });
      return;
    }

    const id = kind === 'read' ? url.searchParams.get('generation_id') : null;
    if (kind === 'create') stats.creates += 1;
    else stats.countRead(id);

    // Faults come before auth and validation: they stand for the network and the provider's
    // infrastructure, which fail whatever the request says.
    const fault = faults.take(kind, id);
    if (fault && (await applyFault(req, res, fault))) return;

    if (!authorised(req)) {
      sendError(req, res, 401);
      return;
    }
    if (kind === 'create') await handleCreate(req, res);
    else handleRead(req, res, id);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendError(req, res, 500, error instanceof Error ? error.message : 'internal error');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // A wildcard address is where it listens, not where anyone can connect to.
  const connectable = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const hostForUrl = address.family === 'IPv6' ? `[${connectable}]` : connectable;
  const url = `http://${hostForUrl}:${address.port}`;
  publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');

  let stopping: Promise<void> | null = null;

  return {
    url,
    apiKey,
    stats,
    inject: (fault, injectOptions) => faults.add(fault, injectOptions),
    clearFaults: () => faults.clear(),
    nextBehaviour: (behaviour) => {
      if (!BEHAVIOURS.includes(behaviour)) throw new TypeError(`nextBehaviour: unknown behaviour ${JSON.stringify(behaviour)}`);
      behaviours.push(behaviour);
    },
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // close() waits for open connections, which a hung request or a keep-alive client holds forever.
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    },
  };
}

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultQueue, type RouteKind } from './faults.js';
import { serveVideo } from './files.js';
import { creditsFor, defaultGenerateMs, readBody, type SimGeneration } from './lifecycle.js';
import { OutageControl } from './outage.js';
import { SIM_PATHS, type GenerationPath } from './spec.js';
import {
  BEHAVIOURS,
  type Behaviour,
  type CreateRecord,
  type ExpireOptions,
  type Fault,
  type NextOptions,
  type Simulator,
  type SimulatorOptions,
  type SimulatorStats,
} from './types.js';
import { validateCreateBody } from './validate.js';

const PLACEHOLDER = new URL('./assets/placeholder.mp4', import.meta.url);
const FILES_PREFIX = '/files/';
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
const GENERATION_PATHS: ReadonlySet<string> = new Set(Object.values(SIM_PATHS));
const EXPIRE_STATUSES = new Set([403, 404, 410]);

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized: invalid or missing API key',
  403: 'Forbidden: not enough credits',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  410: 'Gone',
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
  videoRequests = 0;
  readonly #readsById = new Map<string, number>();
  readonly records: CreateRecord[] = [];

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
    this.videoRequests = 0;
    this.#readsById.clear();
    this.records.length = 0;
  }
}

interface Queued {
  behaviour: Behaviour;
  options: NextOptions;
}

type Route =
  | { kind: 'file'; id: string }
  | { kind: RouteKind; path: GenerationPath }
  | { kind: 'other' };

function routeOf(pathname: string): Route {
  if (pathname.startsWith(FILES_PREFIX) && pathname.endsWith('.mp4')) {
    const name = pathname.slice(FILES_PREFIX.length, -'.mp4'.length);
    let id = name;
    try {
      id = decodeURIComponent(name);
    } catch {
      // A malformed escape names no generation; the file is still served (see handle()).
    }
    return { kind: 'file', id };
  }
  if (GENERATION_PATHS.has(pathname)) return { kind: 'read', path: pathname as GenerationPath };
  return { kind: 'other' };
}

/** Starts the simulated provider; resolves once it is listening. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? 'sim-local-key';
  const queueMs = options.queueMs ?? 3000;
  const generateMs = options.generateMs ?? defaultGenerateMs;
  const createStatus = options.createStatus ?? 201;
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const video = await readFile(PLACEHOLDER);
  const generations = new Map<string, SimGeneration>();
  const queued: Queued[] = [];
  const faults = new FaultQueue();
  const stats = new Stats();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  /** Status every video URL answers, when all are expired. */
  let allVideosExpired: number | null = null;
  const expiredVideos = new Map<string, number>();
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

  type Body = { ok: true; value: unknown; bytes: number } | { ok: false; status: number; message: string; bytes: number };

  function readJson(req: IncomingMessage): Promise<Body> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is read and dropped, so the 413 reaches a client still sending.
        if (size <= maxBodyBytes) chunks.push(chunk);
      });
      req.on('end', () => {
        if (size > maxBodyBytes) {
          resolve({ ok: false, status: 413, message: `request body exceeds ${maxBodyBytes} bytes`, bytes: size });
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ ok: true, value: JSON.parse(text) as unknown, bytes: size });
        } catch {
          resolve({ ok: false, status: 400, message: 'request body is not valid JSON', bytes: size });
        }
      });
      req.on('error', reject);
    });
  }

  function fileFor(id: string): { url: string; fileName: string; fileSize: number } {
    const encoded = encodeURIComponent(id);
    return { url: `${publicUrl}${FILES_PREFIX}${encoded}.mp4`, fileName: `${id.split(':')[0] ?? id}.mp4`, fileSize: video.byteLength };
  }

  async function handleCreate(req: IncomingMessage, res: ServerResponse, path: GenerationPath): Promise<void> {
    // Read the clock before anything else of this create: a `generateMs` function may pair itself
    // with the clock read that stamps the generation (test/bench/sim-server.ts does).
    const receivedAt = now();
    const parsed = await readJson(req);
    const record: CreateRecord = { path, body: parsed.ok ? parsed.value : undefined, bytes: parsed.bytes, status: 0, id: null, receivedAt };
    stats.records.push(record);
    if (!parsed.ok) {
      record.status = parsed.status;
      sendError(req, res, parsed.status, parsed.message);
      return;
    }
    const result = validateCreateBody(parsed.value);
    if (!result.ok) {
      record.status = 400;
      sendError(req, res, 400, result.message);
      return;
    }
    const input = result.value;
    const next = queued.shift();
    const behaviour = next?.behaviour ?? input.taggedBehaviour ?? 'normal';
    const lateMs = next?.options.lateMs ?? input.lateMs;
    const ms = typeof generateMs === 'function' ? generateMs(input.resolution, input.duration, input.model) : generateMs;
    const queueFor = lateMs === null ? queueMs : Math.min(queueMs, lateMs);
    const generation: SimGeneration = {
      id: `${randomUUID()}:${input.model}`,
      model: input.model,
      behaviour,
      createdAt: now(),
      queueMs: queueFor,
      generateMs: lateMs === null ? ms : lateMs - queueFor,
      creditsUsed: creditsFor(input.resolution, input.duration, input.model),
    };
    generations.set(generation.id, generation);
    stats.generations += 1;
    record.status = createStatus;
    record.id = generation.id;
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

  /** Answers the request as the provider would during a '5xx' outage; true when it did. */
  function answeredByOutage(req: IncomingMessage, res: ServerResponse): boolean {
    const active = outages.active;
    if (active?.mode !== '5xx') return false;
    const headers: Record<string, string> = {};
    if (active.retryAfter !== undefined) headers['Retry-After'] = String(active.retryAfter);
    sendError(req, res, active.status, active.message, headers);
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const method = req.method ?? 'GET';
    let route = routeOf(url.pathname);
    if (route.kind === 'read' && method === 'POST') route = { kind: 'create', path: route.path };

    if (route.kind === 'file') stats.videoRequests += 1;
    else if (route.kind === 'create') stats.creates += 1;
    else if (route.kind === 'read' && method === 'GET') stats.countRead(url.searchParams.get('generation_id'));

    // An outage stands for the whole provider being down: it comes before everything else.
    if (answeredByOutage(req, res)) return;

    if (route.kind === 'file') {
      if (method !== 'GET' && method !== 'HEAD') {
        sendError(req, res, 405, undefined, { Allow: 'GET, HEAD' });
        return;
      }
      const expired = expiredVideos.get(route.id) ?? allVideosExpired;
      if (expired !== null) {
        sendError(req, res, expired, 'This video URL has expired');
        return;
      }
      // Any name is served, so URLs stored before a restart of the simulator keep playing.
      serveVideo(req, res, video);
      return;
    }
    if (route.kind === 'other') {
      sendError(req, res, 404, `Cannot ${method} ${url.pathname}`);
      return;
    }
    if (route.kind === 'read' && method !== 'GET') {
      sendError(req, res, 405, undefined, { Allow: 'GET, POST' });
      return;
    }

    const id = route.kind === 'read' ? url.searchParams.get('generation_id') : null;
    // Faults come before auth and validation: they stand for the network and the provider's
    // infrastructure, which fail whatever the request says.
    const fault = faults.take(route.kind, id);
    if (fault && (await applyFault(req, res, fault))) return;
    // An outage may have begun while a delayed request waited.
    if (answeredByOutage(req, res) || res.destroyed) return;

    if (!authorised(req)) {
      sendError(req, res, 401);
      return;
    }
    if (route.kind === 'create') await handleCreate(req, res, route.path);
    else handleRead(req, res, id);
  }

  let port = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendError(req, res, 500, error instanceof Error ? error.message : 'internal error');
    });
  });
  const outages = new OutageControl({ server, sockets, host, port: () => port });
  server.on('connection', (socket) => {
    if (outages.refuseConnection(socket)) return;
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
  port = address.port;
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
    nextBehaviour: (behaviour, nextOptions = {}) => {
      if (!BEHAVIOURS.includes(behaviour)) throw new TypeError(`nextBehaviour: unknown behaviour ${JSON.stringify(behaviour)}`);
      const { lateMs } = nextOptions;
      if (lateMs !== undefined && !(lateMs >= 0 && Number.isFinite(lateMs))) {
        throw new TypeError(`nextBehaviour: lateMs must be a finite number >= 0, got ${lateMs}`);
      }
      queued.push({ behaviour, options: { ...nextOptions } });
    },
    createRequests: () => [...stats.records],
    createBodies: () =>
      stats.records
        .map((record) => record.body)
        .filter((body): body is Record<string, unknown> => typeof body === 'object' && body !== null && !Array.isArray(body)),
    outage: (outageOptions) => outages.start(outageOptions),
    expireVideos: (expireOptions: ExpireOptions = {}) => {
      const status = expireOptions.status ?? 404;
      if (!EXPIRE_STATUSES.has(status)) throw new TypeError(`expireVideos: status must be 403, 404 or 410, got ${String(status)}`);
      if (expireOptions.ids === undefined) allVideosExpired = status;
      else for (const id of expireOptions.ids) expiredVideos.set(id, status);
    },
    restoreVideos: () => {
      allVideosExpired = null;
      expiredVideos.clear();
    },
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        outages.stop();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        // Called back with ERR_SERVER_NOT_RUNNING when a refusing outage had already closed it: still closed.
        server.close(() => resolve());
        // close() waits for open connections, which a hung request or a keep-alive client holds forever.
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    },
  };
}

/**
 * The simulated provider for the benchmark, in its own process: src/simulator as is, plus a
 * small control server beside it (a second port) so the benchmark can ask what the provider saw.
 *
 *   GET  /__stats          { creates, reads, generations }
 *   POST /__stats/reads    body: ["id", ...] → { "id": reads, ... }
 *   GET  /__timings        every create in order: { createdAt, queueMs, generateMs } (simulator clock)
 *   POST /__clock/pause    freezes the simulator's clock: generations stop ageing
 *   POST /__clock/resume   lets it run again from where it stopped
 *
 * Environment: SIM_QUEUE_MS, SIM_GENERATE_MS, SIM_JITTER (0..0.9: each generation's generating
 * phase is SIM_GENERATE_MS × (1 ± jitter), from a seeded generator), SIM_SEED.
 * Prints one JSON line { type: "ready", url, apiKey, controlUrl } once listening.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator } from '../../src/simulator/index.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return v;
}

const queueMs = envInt('SIM_QUEUE_MS', 3000);
const generateMs = envInt('SIM_GENERATE_MS', 35_000);
const jitter = Math.min(0.9, envInt('SIM_JITTER', 0));
let seed = envInt('SIM_SEED', 42) >>> 0 || 1;

/** mulberry32: a tiny seeded generator, so runs draw the same durations. */
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// A pausable clock: while paused, every generation keeps the age it had.
let pausedAt: number | null = null;
let pausedReal = 0;
let offset = 0;
const clock = (): number => pausedAt ?? Date.now() - offset;

interface Timing {
  createdAt: number;
  queueMs: number;
  generateMs: number;
}
const timings: Timing[] = [];
let pendingTiming: Timing | null = null;

const sim = await startSimulator({
  port: 0,
  host: '127.0.0.1',
  apiKey: 'bench-sim-key',
  queueMs,
  // The simulator asks for the generating time, then stamps createdAt with the clock, in one
  // synchronous step of its create handler: the two calls are paired into one timing record.
  generateMs: () => {
    const ms = Math.round(generateMs * (1 + jitter * (2 * random() - 1)));
    pendingTiming = { createdAt: 0, queueMs, generateMs: ms };
    return ms;
  },
  now: () => {
    const t = clock();
    if (pendingTiming) {
      pendingTiming.createdAt = t;
      timings.push(pendingTiming);
      pendingTiming = null;
    }
    return t;
  },
});

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : null;
}

const control = createServer((req, res) => {
  void (async () => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/__stats') {
      send(res, 200, { creates: sim.stats.creates, reads: sim.stats.reads, generations: sim.stats.generations });
    } else if (req.method === 'POST' && path === '/__stats/reads') {
      const ids = (await body(req)) as string[];
      send(res, 200, Object.fromEntries(ids.map((id) => [id, sim.stats.readsFor(id)])));
    } else if (req.method === 'GET' && path === '/__timings') {
      send(res, 200, timings);
    } else if (req.method === 'POST' && path === '/__clock/pause') {
      if (pausedAt === null) {
        pausedAt = clock();
        pausedReal = Date.now();
      }
      send(res, 200, { now: clock() });
    } else if (req.method === 'POST' && path === '/__clock/resume') {
      if (pausedAt !== null) {
        offset += Date.now() - pausedReal;
        pausedAt = null;
      }
      send(res, 200, { now: clock() });
    } else if (path === '/health') {
      send(res, 200, { status: 'ok' });
    } else {
      send(res, 404, { message: 'not found' });
    }
  })().catch((err: unknown) => send(res, 500, { message: String(err) }));
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;

console.log(JSON.stringify({ type: 'ready', url: sim.url, apiKey: sim.apiKey, controlUrl }));

const shutdown = (): void => {
  control.close();
  void sim.stop().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

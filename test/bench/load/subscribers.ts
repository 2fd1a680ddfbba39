/**
 * Load process: holds many `videoGenerationUpdates` subscriptions, over graphql-ws
 * (graphql-transport-ws, `wsConnections` × `subsPerConnection`) and over SSE (one HTTP stream
 * each), and measures how each state arrives.
 *
 * Reads its configuration as JSON on stdin; writes JSON lines on stdout:
 *   { type: "held", ... }    once every subscription has received its first (current) state
 *   { type: "result", ... }  once every subscription has ended, or the deadline passed
 *
 * Delivery delay of a transition = receive time here − the `at` of the newest transition in
 * the payload (stamped by the server when it saw, or published, that transition); both clocks
 * are this machine's. The first payload of each subscription is its current state, not a
 * transition, and is not counted as a delivery.
 */
import http from 'node:http';
import WebSocket from 'ws';
import { summarize } from '../lib/stats.js';

interface Config {
  /** Base URL, e.g. http://127.0.0.1:4000 (the endpoint is /graphql). */
  url: string;
  ids: string[];
  wsConnections: number;
  subsPerConnection: number;
  sse: number;
  query: string;
  /**
   * The first and last status every subscription must see. In between, it must see exactly the
   * transitions the server logged (a server only publishes what its poller saw: a poller that
   * came too late to see `generating` has nothing to deliver for it).
   */
  expect: string[];
  /** Give up waiting for the first states after this long. */
  holdTimeoutMs: number;
  /** Give up waiting for the streams to end after this long (from start). */
  deadlineMs: number;
  /** Connections being opened at once. */
  openConcurrency: number;
  /** Report, per generation id, when its terminal state first arrived. */
  recordCompletions?: boolean;
}

interface Payload {
  id: string;
  status: string;
  createdAt?: string;
  completedAt?: string | null;
  transitions: { status: string; at: string }[];
}

interface Sub {
  id: string;
  statuses: string[];
  /** Statuses of the transition log in the last payload received: every transition the server saw. */
  logged: string[];
  end: 'complete' | 'error' | null;
  errors: number;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT']);
const started = Date.now();
const nowMs = (): number => performance.timeOrigin + performance.now();

async function readConfig(): Promise<Config> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Config;
}

const cfg = await readConfig();
const subs: Sub[] = [];
const delays: number[] = [];
const completions = new Map<
  string,
  { receivedAt: number; createdAt: number | null; completedAt: number | null; transitions: Record<string, number> }
>();
let firstStates = 0;
let ended = 0;
let connectFailures = 0;
const sockets: WebSocket[] = [];
const requests: http.ClientRequest[] = [];
let onProgress: () => void = () => undefined;

function onState(sub: Sub, gen: Payload, t: number): void {
  if (sub.statuses.length === 0) firstStates++;
  else {
    const last = gen.transitions.at(-1);
    if (last) delays.push(t - Date.parse(last.at));
  }
  sub.statuses.push(gen.status);
  sub.logged = gen.transitions.map((tr) => tr.status);
  if (cfg.recordCompletions && TERMINAL.has(gen.status) && !completions.has(gen.id)) {
    completions.set(gen.id, {
      receivedAt: t,
      createdAt: gen.createdAt ? Date.parse(gen.createdAt) : null,
      completedAt: gen.completedAt ? Date.parse(gen.completedAt) : null,
      transitions: Object.fromEntries(gen.transitions.map((tr) => [tr.status, Date.parse(tr.at)])),
    });
  }
  onProgress();
}

function onEnd(sub: Sub, how: 'complete' | 'error'): void {
  if (sub.end !== null) return;
  sub.end = how;
  ended++;
  onProgress();
}

function openWs(conn: number): Promise<void> {
  const mine: Sub[] = [];
  for (let j = 0; j < cfg.subsPerConnection; j++) {
    const s: Sub = { id: cfg.ids[(conn * cfg.subsPerConnection + j) % cfg.ids.length]!, statuses: [], logged: [], end: null, errors: 0 };
    subs.push(s);
    mine.push(s);
  }
  return new Promise((resolve) => {
    const ws = new WebSocket(cfg.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws', { perMessageDeflate: false });
    sockets.push(ws);
    let acked = false;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    ws.on('message', (data) => {
      const t = nowMs();
      const msg = JSON.parse(String(data)) as { type: string; id?: string; payload?: { data?: { videoGenerationUpdates?: Payload }; errors?: unknown[] } };
      if (msg.type === 'next') {
        const sub = mine[Number(msg.id)];
        if (!sub) return;
        if (msg.payload?.errors) sub.errors++;
        const gen = msg.payload?.data?.videoGenerationUpdates;
        if (gen) onState(sub, gen, t);
      } else if (msg.type === 'complete') {
        const sub = mine[Number(msg.id)];
        if (sub) onEnd(sub, 'complete');
      } else if (msg.type === 'error') {
        const sub = mine[Number(msg.id)];
        if (sub) {
          sub.errors++;
          onEnd(sub, 'error');
        }
      } else if (msg.type === 'connection_ack') {
        acked = true;
        mine.forEach((s, j) =>
          ws.send(JSON.stringify({ id: String(j), type: 'subscribe', payload: { query: cfg.query, variables: { id: s.id } } })),
        );
        resolve();
      } else if (msg.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      }
    });
    const fail = (): void => {
      for (const s of mine) onEnd(s, 'error');
      if (!acked) {
        connectFailures++;
        resolve();
      }
    };
    ws.on('error', fail);
    ws.on('close', fail);
  });
}

function openSse(k: number): Promise<void> {
  const sub: Sub = { id: cfg.ids[k % cfg.ids.length]!, statuses: [], logged: [], end: null, errors: 0 };
  subs.push(sub);
  const url = new URL(cfg.url + '/graphql');
  const body = JSON.stringify({ query: cfg.query, variables: { id: sub.id } });
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        resolve();
        if (res.statusCode !== 200) {
          sub.errors++;
          onEnd(sub, 'error');
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          const t = nowMs();
          buffer += chunk;
          let idx;
          while ((idx = buffer.indexOf('\n\n')) >= 0) {
            const raw = buffer.slice(0, idx);
            buffer = buffer.slice(idx + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of raw.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (event === 'complete') {
              onEnd(sub, 'complete');
              req.destroy();
              return;
            }
            if (data.length === 0 || data.join('') === '') continue;
            const payload = JSON.parse(data.join('\n')) as { data?: { videoGenerationUpdates?: Payload }; errors?: unknown[] };
            if (payload.errors) sub.errors++;
            const gen = payload.data?.videoGenerationUpdates;
            if (gen) onState(sub, gen, t);
          }
        });
        res.on('end', () => onEnd(sub, 'error'));
        res.on('error', () => onEnd(sub, 'error'));
      },
    );
    requests.push(req);
    req.on('error', () => {
      sub.errors++;
      onEnd(sub, 'error');
      connectFailures++;
      resolve();
    });
    req.end(body);
  });
}

/** Runs `open(i)` for i < n with at most `concurrency` in flight. */
async function openAll(n: number, open: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await open(next++);
  };
  await Promise.all(Array.from({ length: Math.min(n, cfg.openConcurrency) }, worker));
}

function waitUntil(cond: () => boolean, until: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (cond()) {
        clearTimeout(timer);
        onProgress = () => undefined;
        resolve(true);
      }
    };
    const timer = setTimeout(() => {
      onProgress = () => undefined;
      resolve(cond());
    }, Math.max(0, until - Date.now()));
    onProgress = check;
    check();
  });
}

const total = cfg.wsConnections * cfg.subsPerConnection + cfg.sse;
await openAll(cfg.wsConnections, openWs);
await openAll(cfg.sse, openSse);
const allHeld = await waitUntil(() => firstStates + ended >= total, started + cfg.holdTimeoutMs);
console.log(
  JSON.stringify({ type: 'held', held: firstStates, total, allHeld, connectFailures, openMs: Date.now() - started }),
);

const allEnded = await waitUntil(() => ended >= total, started + cfg.deadlineMs);

let exactlyOnce = 0;
let duplicates = 0;
let missing = 0;
let errored = 0;
let notEnded = 0;
/** Subscriptions whose server never saw some expected status (it went straight past it). */
let unseenByServer = 0;
for (const s of subs) {
  const seen = s.statuses.join(',');
  const ok =
    s.statuses[0] === cfg.expect[0] && s.statuses.at(-1) === cfg.expect.at(-1) && seen === s.logged.join(',') && s.end === 'complete' && s.errors === 0;
  if (ok) exactlyOnce++;
  if (new Set(s.statuses).size !== s.statuses.length) duplicates++;
  if (s.logged.some((st) => !s.statuses.includes(st)) || s.statuses.length === 0) missing++;
  if (cfg.expect.some((st) => !s.logged.includes(st))) unseenByServer++;
  if (s.errors > 0 || s.end === 'error') errored++;
  if (s.end === null) notEnded++;
}
const d = summarize(delays);
console.log(
  JSON.stringify({
    type: 'result',
    total,
    allEnded,
    exactlyOnce,
    duplicates,
    missing,
    errored,
    notEnded,
    unseenByServer,
    deliveries: delays.length,
    delayMs: d,
    completions: cfg.recordCompletions ? Object.fromEntries(completions) : undefined,
    elapsedMs: Date.now() - started,
  }),
);
for (const ws of sockets) ws.terminate();
for (const r of requests) r.destroy();
process.exit(0);

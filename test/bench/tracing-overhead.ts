/**
 * What tracing costs: `npm run bench:tracing` (not part of `npm test`; about a minute).
 *
 * 1. Modules: the gateway as a process (`node --import tsx src/main.ts`) with a module-resolution
 *    hook that records every module of OpenTelemetry (the SDK, the exporter, the API, envelop's
 *    plugin) it loads, without and with OTEL_EXPORTER_OTLP_ENDPOINT.
 * 2. The helper: ns per call of `withSpan` with tracing off against calling the function itself
 *    (the only tracing code that runs when tracing is off: a poll tick and an archive attempt).
 * 3. Requests under autocannon (20 connections, 3 s slices, alternating off and on, 3 slices
 *    each) against two gateway processes, one with tracing off and one exporting to a local
 *    OTLP/HTTP sink; median req/s and p99 of each. Two workloads: `viewer { id kind }`, executed
 *    by yoga in both; and a finished generation's read, which without tracing is replayed from
 *    the HTTP-level answer cache (src/server/answer-replay.ts, off when tracing plugins run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { withSpan } from '../../src/lib/tracing.js';
import { startSimulator } from '../../src/simulator/index.js';
import { ROOT } from '../utils/process.js';

const HOOK = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (/@opentelemetry|@envelop[\\\\/]opentelemetry/.test(r.url)) appendFileSync(process.env.BENCH_MODULE_LOG, r.url + '\\n');
  return r;
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

interface Gateway {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function spawnGateway(env: Record<string, string>, moduleLog: string): Promise<Gateway> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cinegraph-bench-'));
  const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'info', ARCHIVE_VIDEOS: 'false', BENCH_MODULE_LOG: moduleLog, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (c: Buffer) => (errors += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${errors}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/[^"]+)\/graphql".*Cinegraph is ready/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${errors}`)));
  });
  return {
    url,
    child,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An OTLP/HTTP endpoint that accepts and drops every export. */
async function startSink(): Promise<{ url: string; exports: () => number; close(): Promise<void> }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

async function gql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as Record<string, unknown>;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function microbench(): { bare: number; off: number } {
  let sink = 0;
  const fn = (): number => ++sink;
  const N = 5_000_000;
  const time = (f: () => void): number => {
    const t = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - t) / N;
  };
  const bare: number[] = [];
  const off: number[] = [];
  for (let round = 0; round < 5; round++) {
    bare.push(time(() => {
      for (let i = 0; i < N; i++) fn();
    }));
    off.push(time(() => {
      for (let i = 0; i < N; i++) withSpan('poll.tick', { 'cinegraph.generation.id': 'x' }, fn);
    }));
  }
  if (sink === 0) throw new Error('unreachable');
  return { bare: median(bare), off: median(off) };
}

async function main(): Promise<void> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'cinegraph-bench-modules-'));
  const sink = await startSink();
  const sim = await startSimulator({ queueMs: 50, generateMs: 100 });
  const provider = { AIMLAPI_BASE_URL: sim.url, AIMLAPI_KEY: sim.apiKey, POLL_INTERVAL_MS: '100' };
  const offLog = path.join(logDir, 'off.log');
  const onLog = path.join(logDir, 'on.log');
  writeFileSync(offLog, '');
  writeFileSync(onLog, '');
  const off = await spawnGateway(provider, offLog);
  const on = await spawnGateway({ ...provider, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url }, onLog);
  try {
    const modules = (file: string): string[] => [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
    console.log(`1. OpenTelemetry modules loaded: tracing off ${modules(offLog).length}, tracing on ${modules(onLog).length}`);
    for (const m of modules(onLog)) console.log(`     on: ${m.replace(/^.*node_modules\//, '')}`);

    const micro = microbench();
    console.log(`2. withSpan with tracing off: ${micro.off.toFixed(2)} ns per call; calling the function itself: ${micro.bare.toFixed(2)} ns (+${(micro.off - micro.bare).toFixed(2)} ns per poll tick or archive attempt)`);

    const ids: Record<string, string> = {};
    for (const [name, g] of [['off', off], ['on', on]] as const) {
      const created = (await gql(g.url, 'mutation { generateVideo(input: { prompt: "bench" }) { generation { id } } }')) as { data: { generateVideo: { generation: { id: string } } } };
      ids[name] = created.data.generateVideo.generation.id;
    }
    for (const [name, g] of [['off', off], ['on', on]] as const) {
      for (let i = 0; i < 100; i++) {
        const r = (await gql(g.url, 'query ($id: ID!) { videoGeneration(id: $id) { status } }', { id: ids[name] })) as { data: { videoGeneration: { status: string } } };
        if (r.data.videoGeneration.status === 'COMPLETED') break;
        await new Promise((res) => setTimeout(res, 100));
      }
    }
    const slice = async (g: Gateway, body: string): Promise<{ rps: number; p99: number }> => {
      const r = await autocannon({ url: `${g.url}/graphql`, method: 'POST', connections: 20, duration: 3, headers: { 'content-type': 'application/json' }, body });
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.non2xx} non-2xx, ${r.errors} errors`);
      return { rps: r.requests.average, p99: r.latency.p99 };
    };
    const workloads: [string, (mode: 'off' | 'on') => string][] = [
      ['viewer { id kind } (executed by yoga either way)', () => JSON.stringify({ query: 'query Me { viewer { id kind } }' })],
      [
        'finished-generation read (replayed without yoga when tracing is off)',
        (mode) => JSON.stringify({ query: 'query Read($id: ID!) { videoGeneration(id: $id) { id status progress video { url } } }', variables: { id: ids[mode] } }),
      ],
    ];
    for (const [n, [label, body]] of workloads.entries()) {
      const results: Record<'off' | 'on', { rps: number; p99: number }[]> = { off: [], on: [] };
      await slice(off, body('off')); // warm-up
      await slice(on, body('on'));
      for (let i = 0; i < 3; i++) {
        results.off.push(await slice(off, body('off')));
        results.on.push(await slice(on, body('on')));
      }
      const offRps = median(results.off.map((r) => r.rps));
      const onRps = median(results.on.map((r) => r.rps));
      console.log(
        `3.${n + 1} ${label}: tracing off ${offRps.toFixed(0)} req/s (p99 ${median(results.off.map((r) => r.p99))} ms), ` +
          `on ${onRps.toFixed(0)} req/s (p99 ${median(results.on.map((r) => r.p99))} ms): on/off = ${(onRps / offRps).toFixed(2)}`,
      );
      console.log(`     slices off: ${results.off.map((r) => r.rps.toFixed(0)).join(', ')}; on: ${results.on.map((r) => r.rps.toFixed(0)).join(', ')}`);
    }
    console.log(`     ${sink.exports()} exports received by the sink`);
  } finally {
    await off.stop();
    await on.stop();
    await sim.stop();
    await sink.close();
    rmSync(logDir, { recursive: true, force: true });
  }
}

await main();

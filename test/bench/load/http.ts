/**
 * Load process for request/response scenarios. Reads its configuration as JSON on stdin and
 * prints one JSON line { type: "result", ... } on stdout.
 *
 * mode "autocannon": throughput and latency under `connections` concurrent keep-alive
 *   connections for `durationS` seconds (after an unrecorded warm-up of `warmupS`).
 * mode "latency": one keep-alive connection, requests one after another, each timed with
 *   performance.now() (autocannon's histogram only resolves whole milliseconds): at most `count`
 *   requests and at most `maxMs` milliseconds, after `warmup` unrecorded ones.
 */
import http from 'node:http';
import autocannon from 'autocannon';
import { summarize } from '../lib/stats.js';

interface Base {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}
type Config =
  | (Base & { mode: 'autocannon'; connections: number; durationS: number; warmupS: number })
  | (Base & { mode: 'latency'; count: number; maxMs: number; warmup: number });

async function readConfig(): Promise<Config> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Config;
}

const cfg = await readConfig();

async function cannon(durationS: number, connections: number): Promise<autocannon.Result> {
  return autocannon({
    url: cfg.url,
    method: cfg.method,
    headers: cfg.headers ?? {},
    ...(cfg.body !== undefined ? { body: cfg.body } : {}),
    connections,
    duration: durationS,
    timeout: 10,
  });
}

if (cfg.mode === 'autocannon') {
  if (cfg.warmupS > 0) await cannon(cfg.warmupS, cfg.connections);
  const r = await cannon(cfg.durationS, cfg.connections);
  console.log(
    JSON.stringify({
      type: 'result',
      requests: r.requests.total,
      rps: r.requests.total / r.duration,
      latencyMs: { mean: r.latency.mean, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      durationS: r.duration,
    }),
  );
} else {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(cfg.url);
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: cfg.method, agent, headers: cfg.headers ?? {} },
        (res) => {
          res.resume();
          const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
          res.on('end', () => (ok ? resolve(performance.now() - t0) : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(cfg.body);
    });
  for (let i = 0; i < cfg.warmup; i++) await once();
  const samples: number[] = [];
  let failures = 0;
  const until = performance.now() + cfg.maxMs;
  while (samples.length + failures < cfg.count && performance.now() < until) {
    try {
      samples.push(await once());
    } catch {
      failures++;
    }
  }
  agent.destroy();
  console.log(JSON.stringify({ type: 'result', latencyMs: summarize(samples), failures }));
}
process.exit(0);

/**
 * The processes a scenario needs: the simulated provider (sim-server.ts), the gateway
 * (`node --import tsx src/main.ts`, configured only through its environment), the bare
 * reference (reference-server.ts) and load generators (load/*.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseProm, type Sample } from '../../utils/prom.js';
import { freePort, jsonLine, ROOT, spawnNode, waitForHttpOk, type Child } from './proc.js';
import type { Bucket } from './stats.js';

export interface SimTimings {
  queueMs: number;
  generateMs: number;
  /** 0..0.9: the generating phase varies by ± this share. */
  jitter?: number;
}

export interface SimTiming {
  createdAt: number;
  queueMs: number;
  generateMs: number;
}

export class Sim {
  private constructor(
    readonly proc: Child,
    readonly url: string,
    readonly apiKey: string,
    readonly controlUrl: string,
  ) {}

  static async start(t: SimTimings): Promise<Sim> {
    const proc = spawnNode('simulator', 'test/bench/sim-server.ts', {
      role: 'load',
      env: { SIM_QUEUE_MS: String(t.queueMs), SIM_GENERATE_MS: String(t.generateMs), SIM_JITTER: String(t.jitter ?? 0) },
    });
    const ready = await proc.waitForLine(jsonLine<{ url: string; apiKey: string; controlUrl: string }>('ready'), 30_000);
    return new Sim(proc, ready.url, ready.apiKey, ready.controlUrl);
  }

  async stats(): Promise<{ creates: number; reads: number; generations: number }> {
    return getJson(`${this.controlUrl}/__stats`);
  }

  async readsFor(ids: string[]): Promise<Record<string, number>> {
    return postJson(`${this.controlUrl}/__stats/reads`, ids);
  }

  async timings(): Promise<SimTiming[]> {
    return getJson(`${this.controlUrl}/__timings`);
  }

  async pause(): Promise<void> {
    await postJson(`${this.controlUrl}/__clock/pause`, {});
  }

  async resume(): Promise<void> {
    await postJson(`${this.controlUrl}/__clock/resume`, {});
  }
}

export interface GatewayOptions {
  sim: Sim;
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/x']. */
  nodeArgs?: string[];
}

/** Gateway settings every scenario shares: limits out of the way, logs at warn, no archiving. */
export const GATEWAY_BASE_ENV: Record<string, string> = {
  HOST: '127.0.0.1',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  ARCHIVE_VIDEOS: 'false',
  MAX_ACTIVE_GENERATIONS: '100000',
  GENERATE_RATE_PER_MINUTE: '1000000',
  MAX_SUBSCRIPTIONS_PER_CLIENT: '10000000',
  MAX_SUBSCRIPTIONS_PER_CONNECTION: '1000',
  CONNECTION_INIT_TIMEOUT_MS: '60000',
};

export class Gateway {
  private constructor(
    readonly proc: Child,
    readonly url: string,
    private readonly dataDir: string,
  ) {}

  get pid(): number {
    return this.proc.pid;
  }

  static async start(o: GatewayOptions): Promise<Gateway> {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cinegraph-bench-'));
    const proc = spawnNode('gateway', 'src/main.ts', {
      // Another checkout's gateway (with its own src/ and node_modules/), to measure a change
      // against this one with the same benchmark.
      cwd: process.env.BENCH_GATEWAY_ROOT || ROOT,
      role: 'server',
      nodeArgs: o.nodeArgs ?? [],
      env: {
        ...GATEWAY_BASE_ENV,
        PORT: String(port),
        AIMLAPI_KEY: o.sim.apiKey,
        AIMLAPI_BASE_URL: o.sim.url,
        DATA_DIR: dataDir,
        ...o.env,
      },
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHttpOk(`${url}/health`, proc, 60_000);
    } catch (err) {
      await proc.stop(500);
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    return new Gateway(proc, url, dataDir);
  }

  async metrics(): Promise<Sample[]> {
    const res = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
    return parseProm(await res.text());
  }

  /** Graceful stop (so --cpu-prof profiles are written), then the data directory goes. */
  async stop(): Promise<void> {
    await this.proc.stop(8000);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export class Reference {
  private constructor(
    readonly proc: Child,
    readonly url: string,
  ) {}

  get pid(): number {
    return this.proc.pid;
  }

  static async start(nodeArgs: string[] = []): Promise<Reference> {
    const proc = spawnNode('reference', 'test/bench/reference-server.ts', { nodeArgs, role: 'server' });
    const ready = await proc.waitForLine(jsonLine<{ url: string }>('ready'), 30_000);
    return new Reference(proc, ready.url);
  }

  async create(count: number, status = 'QUEUED'): Promise<string[]> {
    return (await postJson<{ ids: string[] }>(`${this.url}/__create`, { count, status })).ids;
  }

  async advance(steps: { status: string; providerStatus: string; afterMs: number }[], spreadMs: number): Promise<void> {
    await postJson(`${this.url}/__advance`, { steps, spreadMs });
  }

  async replay(events: { index: number; status: string; providerStatus: string; offsetMs: number }[]): Promise<void> {
    await postJson(`${this.url}/__replay`, { events });
  }

  async stop(): Promise<void> {
    await this.proc.stop(3000);
  }
}

/** Runs a load script with `config` on stdin; resolves with its { type: "result" } line. */
export async function runLoad<T>(script: string, config: unknown, timeoutMs: number): Promise<T> {
  const proc = spawnNode(`load ${path.basename(script)}`, script, { stdin: JSON.stringify(config), role: 'load' });
  try {
    return await proc.waitForLine(jsonLine<T>('result'), timeoutMs);
  } finally {
    await proc.stop(2000);
  }
}

/** Starts a load script; the caller waits for its lines and stops it. */
export function startLoad(script: string, config: unknown): Child {
  return spawnNode(`load ${path.basename(script)}`, script, { stdin: JSON.stringify(config), role: 'load' });
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export interface GqlResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function gql<T>(baseUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<GqlResponse<T>> {
  return postJson<GqlResponse<T>>(`${baseUrl}/graphql`, { query, variables });
}

/** Cumulative buckets of one Prometheus histogram. */
export function bucketsOf(samples: Sample[], name: string): Bucket[] {
  return samples
    .filter((s) => s.name === `${name}_bucket`)
    .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value }));
}

/** later − earlier, bucket by bucket (both cumulative, same bounds). */
export function bucketDiff(later: Bucket[], earlier: Bucket[]): Bucket[] {
  return later.map((b) => ({ le: b.le, count: b.count - (earlier.find((e) => e.le === b.le)?.count ?? 0) }));
}

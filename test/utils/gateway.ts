/**
 * Test harness: the real gateway on port 0 against the built-in simulator on port 0, with short
 * timings, plus real clients for every transport.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { pino, type Logger } from 'pino';
import WebSocket from 'ws';
import { createApp, type App, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { errorLineSink } from './log-scan.js';
import { sseEvents } from './sse.js';

export interface TestGateway {
  app: App;
  sim: Simulator;
  url: string;
  config: Config;
  /** POSTs an operation; returns the parsed body and status. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: { data?: T; errors?: GqlError[] } }>;
  /** A graphql-ws client over `ws`; disposed with the gateway. */
  ws(connectionParams?: Record<string, unknown>): Client;
  stop(): Promise<void>;
}

export interface GqlError {
  message: string;
  path?: string[];
  extensions?: { code?: string; [k: string]: unknown };
}

/**
 * The logger of every test gateway: it prints nothing, and records error-level lines for the scan
 * of log-scan.ts (no client mistake may cause one).
 */
export const silentLogger: Logger = pino({ level: 'error' }, errorLineSink);

export interface StartOptions {
  env?: Record<string, string>;
  sim?: SimulatorOptions;
  deps?: Partial<AppDeps>;
  /** Reuse a running simulator (restart tests). */
  simulator?: Simulator;
  /** Keep data in this directory (restart tests); a fresh temp dir otherwise. */
  dataDir?: string;
}

export async function startGateway(opts: StartOptions = {}): Promise<TestGateway> {
  const sim = opts.simulator ?? (await startSimulator({ queueMs: 60, generateMs: 200, ...opts.sim }));
  const ownsSim = !opts.simulator;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'cinegraph-test-'));
  const ownsDir = !opts.dataDir;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    AIMLAPI_KEY: sim.apiKey,
    AIMLAPI_BASE_URL: sim.url,
    POLL_INTERVAL_MS: '50',
    GENERATION_TIMEOUT_MS: '20000',
    MAX_ACTIVE_GENERATIONS: '1000',
    GENERATE_RATE_PER_MINUTE: '10000',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const app = await createApp(config, {
    logger: silentLogger,
    upstreamOptions: { readTimeoutMs: 500, createTimeoutMs: 1000, retryBaseDelayMs: 10, retryMaxDelayMs: 200 },
    ...opts.deps,
  });
  const url = await app.start();
  const clients: Client[] = [];
  return {
    app,
    sim,
    url,
    config,
    async gql(query, variables, headers) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as never };
    },
    ws(connectionParams) {
      const c = createClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: 0,
        ...(connectionParams ? { connectionParams } : {}),
      });
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.allSettled(clients.map((c) => c.dispose()));
      await app.stop();
      if (ownsSim) await sim.stop();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Collects every `next` of a graphql-ws subscription until it completes or errors. */
export function collectWs<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ results: T[]; errors: unknown[] }> {
  return new Promise((resolve) => {
    const results: T[] = [];
    const errors: unknown[] = [];
    client.subscribe<T>(
      { query, variables },
      {
        next: (v) => {
          if (v.errors) errors.push(...v.errors);
          if (v.data) results.push(v.data as T);
        },
        error: (e) => {
          errors.push(e);
          resolve({ results, errors });
        },
        complete: () => resolve({ results, errors }),
      },
    );
  });
}

/**
 * GraphQL over SSE (distinct connections mode) with fetch, as a browser or a server-side client
 * that needs headers would do it. Resolves when the server completes the stream.
 */
export async function collectSse<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<{ status: number; results: T[]; errors: unknown[] }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    ...(signal ? { signal } : {}),
  });
  const results: T[] = [];
  const errors: unknown[] = [];
  if (!res.body) return { status: res.status, results, errors };
  for await (const { event, data } of sseEvents(res.body as unknown as AsyncIterable<Uint8Array>)) {
    if (event === 'complete') return { status: res.status, results, errors };
    if (data === null) continue;
    const payload = JSON.parse(data) as { data?: T; errors?: unknown[] };
    if (payload.errors) errors.push(...payload.errors);
    if (payload.data) results.push(payload.data);
  }
  return { status: res.status, results, errors };
}

/** Waits until `check` returns a truthy value, polling; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const GENERATE = /* GraphQL */ `
  mutation Generate($input: GenerateVideoInput!) {
    generateVideo(input: $input) {
      generation { id status providerStatus progress prompt resolution duration }
      userErrors { code message field retryAfterSeconds }
    }
  }
`;

export const UPDATES = /* GraphQL */ `
  subscription Updates($id: ID!) {
    videoGenerationUpdates(id: $id) {
      id status providerStatus progress
      video { url contentType fileSize }
      error { code message }
      transitions { status providerStatus }
    }
  }
`;

export const READ = /* GraphQL */ `
  query Read($id: ID!) {
    videoGeneration(id: $id) {
      id status providerStatus progress completedAt
      video { url providerUrl }
      error { code message }
      transitions { status providerStatus at }
    }
  }
`;

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'cinegraph-test-'));
}

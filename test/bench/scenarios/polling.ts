/**
 * Scenarios 5 (many active generations) and 6 (fixed against adaptive polling).
 */
import { CONFIG } from '../lib/config.js';
import { cpuSeconds, jsonLine, sleep } from '../lib/proc.js';
import { bucketDiff, bucketsOf, Gateway, gql, Sim, startLoad } from '../lib/services.js';
import { histogramQuantile, histogramShareAbove, summarize, type Summary } from '../lib/stats.js';
import { createPaced, WATCH, type SubscribersResult } from './fanout.js';

const CREATE = /* GraphQL */ `
  mutation Create($input: GenerateVideoInput!) {
    generateVideo(input: $input) { generation { id } userErrors { code message } }
  }
`;

/** Creates `n` generations with `concurrency` requests in flight. */
async function createMany(url: string, n: number, concurrency: number, prompt: string): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const r = await gql<{ generateVideo: { generation: { id: string } | null } }>(url, CREATE, { input: { prompt } });
      const id = r.data?.generateVideo.generation?.id;
      if (!id) throw new Error(`generateVideo failed: ${JSON.stringify(r)}`);
      ids.push(id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}

export interface ActiveResult {
  generations: number;
  createSeconds: number;
  windowSeconds: number;
  /** CPU seconds per wall second of the gateway process (1.0 = one core). */
  gatewayCpuShare: number;
  simulatorCpuShare: number;
  pollsPerSecond: number;
  expectedPollsPerSecond: number;
  lagMs: { p50: number; p99: number; shareOver100ms: number };
  providerReadMs: { p50: number; p99: number };
  activePollers: number;
}

export async function manyActive(profileArgs: string[] = []): Promise<ActiveResult> {
  const n = CONFIG.active;
  const pollMs = CONFIG.activePollMs;
  // Every generation stays `generating` for an hour: all of them are polled all through.
  const sim = await Sim.start({ queueMs: 1000, generateMs: 3_600_000 });
  try {
    const gw = await Gateway.start({
      sim,
      env: { POLL_INTERVAL_MS: String(pollMs), ADAPTIVE_POLLING: 'false' },
      nodeArgs: profileArgs,
    });
    try {
      const t0 = Date.now();
      await createMany(gw.url, n, 16, 'A time-lapse of a city skyline from dusk to night');
      const createSeconds = (Date.now() - t0) / 1000;
      // Past every QUEUED → GENERATING transition, into the steady state.
      await sleep(3000);
      const m0 = await gw.metrics();
      const c0 = cpuSeconds(gw.pid);
      const s0 = cpuSeconds(sim.proc.pid);
      const w0 = performance.now();
      await sleep(CONFIG.activeWindowS * 1000);
      const m1 = await gw.metrics();
      const c1 = cpuSeconds(gw.pid);
      const s1 = cpuSeconds(sim.proc.pid);
      const wall = (performance.now() - w0) / 1000;
      const lag = bucketDiff(bucketsOf(m1, 'cinegraph_poll_lag_seconds'), bucketsOf(m0, 'cinegraph_poll_lag_seconds'));
      const readLatency = (ms: typeof m0) =>
        ms
          .filter((s) => s.name === 'cinegraph_provider_request_duration_seconds_bucket' && s.labels.operation === 'read')
          .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value }));
      const read = bucketDiff(readLatency(m1), readLatency(m0));
      const polls = (lag.at(-1)?.count ?? 0) / wall;
      return {
        generations: n,
        createSeconds,
        windowSeconds: wall,
        gatewayCpuShare: (c1 - c0) / wall,
        simulatorCpuShare: (s1 - s0) / wall,
        pollsPerSecond: polls,
        expectedPollsPerSecond: n / (pollMs / 1000),
        lagMs: {
          p50: histogramQuantile(lag, 0.5) * 1000,
          p99: histogramQuantile(lag, 0.99) * 1000,
          shareOver100ms: histogramShareAbove(lag, 0.1),
        },
        providerReadMs: { p50: histogramQuantile(read, 0.5) * 1000, p99: histogramQuantile(read, 0.99) * 1000 },
        activePollers: m1.find((s) => s.name === 'cinegraph_active_pollers')?.value ?? 0,
      };
    } finally {
      await gw.stop();
    }
  } finally {
    await sim.proc.stop();
  }
}

export interface PollingModeResult {
  adaptive: boolean;
  generations: number;
  completed: number;
  /** Completion at the simulator (created + queued + generating) to COMPLETED at the client. */
  delayMs: Summary;
  readsPerGeneration: number;
  /** What the gateway expected when the measured generations started, learned from the warm-up. */
  learnedExpectedMs: number | null;
  /** What they actually took at the simulator, on average. */
  actualMeanMs: number;
}

export interface PollingResult {
  fixed: PollingModeResult;
  adaptive: PollingModeResult;
  winner: 'adaptive' | 'fixed' | 'neither';
  criterion: string;
}

async function waitForIdle(gw: Gateway, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const m = await gw.metrics();
    if ((m.find((s) => s.name === 'cinegraph_active_pollers')?.value ?? 1) === 0) return;
    await sleep(250);
  }
  throw new Error('warm-up generations did not finish');
}

/** One gateway (fixed or adaptive) against its own simulator; both modes run side by side. */
async function pollingMode(adaptive: boolean): Promise<PollingModeResult> {
  const n = CONFIG.pollingGenerations;
  const { queueMs, generateMs, jitter } = CONFIG.pollingSim;
  const sim = await Sim.start({ queueMs, generateMs, jitter });
  try {
    const gw = await Gateway.start({
      sim,
      env: { POLL_INTERVAL_MS: String(CONFIG.pollingPollMs), ADAPTIVE_POLLING: String(adaptive) },
    });
    try {
      // Warm-up: the gateway learns how long generations take from the ones it saw complete
      // (DurationEstimator); until then it expects the provider's published 35 s for 720p/5 s.
      // It learns when it *saw* them complete, so a round polled sparsely teaches it a late
      // time: a few rounds, one after another, let the estimate settle as it would in service.
      let warmed = 0;
      for (let round = 0; round < CONFIG.pollingWarmupRounds; round++) {
        warmed += (await createMany(gw.url, CONFIG.pollingWarmup, CONFIG.pollingWarmup, 'Warm-up: ink drops blooming in water')).length;
        await waitForIdle(gw, 60_000);
      }
      // What the gateway now expects: estimatedCompletionAt − createdAt of a fresh generation.
      const probe = await gql<{ generateVideo: { generation: { createdAt: string; estimatedCompletionAt: string | null } | null } }>(
        gw.url,
        `mutation { generateVideo(input: { prompt: "probe" }) { generation { createdAt estimatedCompletionAt } } }`,
      );
      warmed++;
      const g = probe.data?.generateVideo.generation;
      const learnedExpectedMs = g?.estimatedCompletionAt ? Date.parse(g.estimatedCompletionAt) - Date.parse(g.createdAt) : null;
      const ids = await createPaced(gw.url, n, 2 * CONFIG.pollingPollMs, (i) => `Polling ${i}: a hummingbird at a feeder`);
      const timings = await sim.timings();
      if (timings.length !== warmed + n) throw new Error(`simulator saw ${timings.length} creates, expected ${warmed + n}`);
      const measured = timings.slice(warmed);
      const load = startLoad('test/bench/load/subscribers.ts', {
        url: gw.url,
        ids,
        wsConnections: Math.ceil(n / 10),
        subsPerConnection: 10,
        sse: 0,
        query: WATCH,
        expect: ['QUEUED', 'GENERATING', 'COMPLETED'],
        holdTimeoutMs: 30_000,
        deadlineMs: 90_000,
        openConcurrency: 10,
        recordCompletions: true,
      });
      let result: SubscribersResult;
      try {
        result = await load.waitForLine(jsonLine<SubscribersResult>('result'), 100_000);
      } finally {
        await load.stop(2000);
      }
      const reads = await sim.readsFor(ids);
      const delays: number[] = [];
      ids.forEach((id, i) => {
        const c = result.completions?.[id];
        const t = measured[i]!;
        if (c) delays.push(c.receivedAt - (t.createdAt + t.queueMs + t.generateMs));
      });
      return {
        adaptive,
        generations: n,
        completed: delays.length,
        delayMs: summarize(delays),
        readsPerGeneration: ids.reduce((a, id) => a + (reads[id] ?? 0), 0) / n,
        learnedExpectedMs,
        actualMeanMs: measured.reduce((a, t) => a + t.queueMs + t.generateMs, 0) / measured.length,
      };
    } finally {
      await gw.stop();
    }
  } finally {
    await sim.proc.stop();
  }
}

export async function smarterPolling(): Promise<PollingResult> {
  // Side by side: both are light (a hundred generations each), and the same run sees the same machine.
  const [fixed, adaptive] = await Promise.all([pollingMode(false), pollingMode(true)]);
  const sameReads = adaptive.readsPerGeneration <= fixed.readsPerGeneration * 1.1;
  const halfDelay = adaptive.delayMs.mean <= fixed.delayMs.mean * 0.5;
  const sameDelay = adaptive.delayMs.mean <= fixed.delayMs.mean * 1.1;
  const halfReads = adaptive.readsPerGeneration <= fixed.readsPerGeneration * 0.5;
  const fixedWins =
    (fixed.readsPerGeneration <= adaptive.readsPerGeneration * 1.1 && fixed.delayMs.mean <= adaptive.delayMs.mean * 0.5) ||
    (fixed.delayMs.mean <= adaptive.delayMs.mean * 1.1 && fixed.readsPerGeneration <= adaptive.readsPerGeneration * 0.5);
  const winner = (sameReads && halfDelay) || (sameDelay && halfReads) ? 'adaptive' : fixedWins ? 'fixed' : 'neither';
  return {
    fixed,
    adaptive,
    winner,
    criterion: 'wins: ≤ 1.1× the reads for ≤ 0.5× the mean delay, or ≤ 1.1× the mean delay for ≤ 0.5× the reads',
  };
}

/**
 * Scenarios 1 (fan-out) and 2 (scale curve): many subscribers on a few hundred generations,
 * gateway against the bare reference, each server alone in its own process with the load in
 * another.
 *
 * Gateway run: the simulator's clock is paused; the generations are created paced over one poll
 * interval (so the pollers' ticks spread over it, as for generations started independently);
 * one throw-away subscriber on each transport warms the code paths; RSS is read (after a full
 * GC); the load opens every subscription and reports once each has its first (QUEUED) state;
 * RSS is read again; the clock is resumed: 0.5 s later every generation is `generating`, 2.5 s
 * later `completed`, and each poller notices at its next tick.
 *
 * Reference run: the same number of in-memory generations and the same subscriptions; then it
 * replays the gateway's transitions of the same run, each on the same-numbered generation at the
 * same offset, so both servers deliver the same events with the same timing. Both stamp a
 * transition's `at` when they have it (the gateway when its poller sees it, the reference when
 * it publishes), and the load measures delay from that stamp to receipt.
 */
import { CONFIG, type FanoutSize } from '../lib/config.js';
import { jsonLine, memoryAfterGc, sleep, type MemoryAfterGc } from '../lib/proc.js';
import { bucketsOf, Gateway, gql, Reference, runLoad, Sim, startLoad } from '../lib/services.js';
import { histogramQuantile, type Summary } from '../lib/stats.js';

export const WATCH = /* GraphQL */ `
  subscription Watch($id: ID!) {
    videoGenerationUpdates(id: $id) {
      id status providerStatus progress createdAt updatedAt completedAt
      video { url contentType fileName fileSize }
      error { code message }
      transitions { status providerStatus at }
    }
  }
`;

const CREATE = /* GraphQL */ `
  mutation Create($input: GenerateVideoInput!) {
    generateVideo(input: $input) { generation { id } userErrors { code message } }
  }
`;

const QUEUE_MS = 500;
const GENERATE_MS = 2000;
const EXPECT = ['QUEUED', 'COMPLETED'];
const PROVIDER_WORD: Record<string, string> = { GENERATING: 'generating', COMPLETED: 'completed' };

export interface Completion {
  receivedAt: number;
  createdAt: number | null;
  completedAt: number | null;
  /** Status → the `at` of its transition. */
  transitions: Record<string, number>;
}

export interface SubscribersResult {
  total: number;
  allEnded: boolean;
  exactlyOnce: number;
  duplicates: number;
  missing: number;
  errored: number;
  notEnded: number;
  /** Subscriptions on generations whose poller never saw one of the expected statuses. */
  unseenByServer: number;
  deliveries: number;
  delayMs: Summary;
  completions?: Record<string, Completion>;
  elapsedMs: number;
}

interface Held {
  held: number;
  total: number;
  allHeld: boolean;
  connectFailures: number;
  openMs: number;
}

export interface ReplayEvent {
  index: number;
  status: string;
  providerStatus: string;
  offsetMs: number;
}

export interface FanoutResult {
  server: 'gateway' | 'reference';
  size: FanoutSize;
  subscriptions: number;
  held: Held;
  /** Memory after full collections, before the load opened its subscriptions and while it held them. */
  memBefore: MemoryAfterGc;
  memAfter: MemoryAfterGc;
  rssBeforeKb: number;
  rssAfterKb: number;
  rssPerSubKb: number;
  /** V8 heap after full collections, held minus before, per subscription (KiB). */
  heapPerSubKb: number;
  result: SubscribersResult;
  /** Gateway only: provider reads of the watched generations ÷ the poll intervals they lived. */
  readsPerGenPerInterval?: number;
  /** Gateway only: all provider reads ÷ all poller ticks (from /metrics). */
  readsPerPollTick?: number;
  providerReads?: number;
  /** Gateway only: first to last GENERATING transition of the watched generations. */
  transitionSpreadMs?: number;
  /** Gateway only: its transitions, for the reference to replay. */
  replay?: ReplayEvent[];
  providerOutcomes?: Record<string, number>;
  /** Gateway only: how late poller ticks ran, over the whole run (setup included). */
  pollLagMs?: { p50: number; p99: number; max: number };
  gatewayWarnings?: string[];
  /** Seconds from spawning the server to the held, resumed and end points (to window CPU profiles). */
  timeline?: { heldS: number; resumedS: number; endS: number };
}

function memoryFields(memBefore: MemoryAfterGc, memAfter: MemoryAfterGc, subscriptions: number) {
  return {
    memBefore,
    memAfter,
    rssBeforeKb: memBefore.rssKb,
    rssAfterKb: memAfter.rssKb,
    rssPerSubKb: (memAfter.rssKb - memBefore.rssKb) / subscriptions,
    heapPerSubKb: (memAfter.heapKb - memBefore.heapKb) / subscriptions,
  };
}

/** Creates `n` generations one after another, paced evenly over `spreadMs`. */
export async function createPaced(url: string, n: number, spreadMs: number, prompt: (i: number) => string): Promise<string[]> {
  const ids: string[] = [];
  const start = Date.now();
  for (let i = 0; i < n; i++) {
    const wait = start + (i * spreadMs) / n - Date.now();
    if (wait > 0) await sleep(wait);
    const r = await gql<{ generateVideo: { generation: { id: string } | null; userErrors: { code: string; message: string }[] } }>(
      url,
      CREATE,
      { input: { prompt: prompt(i) } },
    );
    const id = r.data?.generateVideo.generation?.id;
    if (!id) throw new Error(`generateVideo failed: ${JSON.stringify(r)}`);
    ids.push(id);
  }
  return ids;
}

function loadConfig(url: string, ids: string[], size: FanoutSize, holdTimeoutMs: number, deadlineMs: number): Record<string, unknown> {
  return {
    url,
    ids,
    wsConnections: size.wsConnections,
    subsPerConnection: size.subsPerConnection,
    sse: size.sse,
    query: WATCH,
    expect: EXPECT,
    holdTimeoutMs,
    deadlineMs,
    openConcurrency: 50,
    recordCompletions: true,
  };
}

/** One throw-away subscriber per transport, so both servers have run every code path once. */
async function warmUp(url: string, id: string): Promise<void> {
  await runLoad(
    'test/bench/load/subscribers.ts',
    { ...loadConfig(url, [id], { generations: 1, wsConnections: 1, subsPerConnection: 1, sse: 1 }, 10_000, 1), recordCompletions: false },
    30_000,
  );
}

function budget(size: FanoutSize): { holdTimeoutMs: number; deadlineMs: number } {
  const subs = size.wsConnections * size.subsPerConnection + size.sse;
  // Generous: opening runs at several hundred to a few thousand subscriptions per second here.
  const holdTimeoutMs = 20_000 + subs * 5;
  return { holdTimeoutMs, deadlineMs: holdTimeoutMs + 60_000 };
}

export async function fanoutGateway(size: FanoutSize, profileArgs: string[] = []): Promise<FanoutResult> {
  const pollMs = CONFIG.fanoutPollMs;
  const sim = await Sim.start({ queueMs: QUEUE_MS, generateMs: GENERATE_MS });
  let gw: Gateway | null = null;
  try {
    await sim.pause();
    const spawned = Date.now();
    gw = await Gateway.start({ sim, env: { POLL_INTERVAL_MS: String(pollMs), ADAPTIVE_POLLING: 'false' }, nodeArgs: profileArgs });
    const ids = await createPaced(gw.url, size.generations, pollMs, (i) => `Bench fan-out ${i}: a paper boat on a rain-swept street`);
    await warmUp(gw.url, ids[0]!);
    const memBefore = await memoryAfterGc(gw.proc);
    const { holdTimeoutMs, deadlineMs } = budget(size);
    const load = startLoad('test/bench/load/subscribers.ts', loadConfig(gw.url, ids, size, holdTimeoutMs, deadlineMs));
    try {
      const held = await load.waitForLine(jsonLine<Held>('held'), holdTimeoutMs + 10_000);
      const heldS = (Date.now() - spawned) / 1000;
      const memAfter = await memoryAfterGc(gw.proc);
      await sleep(500);
      await sim.resume();
      const resumedS = (Date.now() - spawned) / 1000;
      const result = await load.waitForLine(jsonLine<SubscribersResult>('result'), deadlineMs + 10_000);
      const endS = (Date.now() - spawned) / 1000;
      const reads = await sim.readsFor(ids);
      // Poll intervals each generation lived (creation to the poll that saw it complete).
      let intervals = 0;
      let watchedReads = 0;
      const times: { index: number; status: string; at: number }[] = [];
      ids.forEach((id, index) => {
        const c = result.completions?.[id];
        if (c?.createdAt == null || c.completedAt == null) return;
        intervals += (c.completedAt - c.createdAt) / pollMs;
        watchedReads += reads[id] ?? 0;
        for (const status of ['GENERATING', 'COMPLETED']) {
          const at = c.transitions[status];
          if (at !== undefined) times.push({ index, status, at });
        }
      });
      const generatingAt = times.filter((t) => t.status === 'GENERATING').map((t) => t.at);
      const t0 = Math.min(...times.map((t) => t.at));
      const m = await gw.metrics();
      const readsTotal = m
        .filter((s) => s.name === 'cinegraph_provider_requests_total' && s.labels.operation === 'read')
        .reduce((a, s) => a + s.value, 0);
      const ticks = m.find((s) => s.name === 'cinegraph_poll_lag_seconds_count')?.value ?? 0;
      const lag = bucketsOf(m, 'cinegraph_poll_lag_seconds');
      const subscriptions = size.wsConnections * size.subsPerConnection + size.sse;
      return {
        server: 'gateway',
        size,
        subscriptions,
        held,
        ...memoryFields(memBefore, memAfter, subscriptions),
        result: { ...result, completions: undefined },
        readsPerGenPerInterval: intervals > 0 ? watchedReads / intervals : 0,
        readsPerPollTick: ticks > 0 ? readsTotal / ticks : 0,
        providerReads: readsTotal,
        transitionSpreadMs: generatingAt.length ? Math.max(...generatingAt) - Math.min(...generatingAt) : 0,
        replay: times.map((t) => ({ index: t.index, status: t.status, providerStatus: PROVIDER_WORD[t.status]!, offsetMs: t.at - t0 })),
        providerOutcomes: Object.fromEntries(
          m.filter((s) => s.name === 'cinegraph_provider_requests_total').map((s) => [`${s.labels.operation}:${s.labels.outcome}`, s.value]),
        ),
        pollLagMs: { p50: histogramQuantile(lag, 0.5) * 1000, p99: histogramQuantile(lag, 0.99) * 1000, max: histogramQuantile(lag, 1) * 1000 },
        gatewayWarnings: gw.proc.lines.filter((l) => l.includes('"level":40') || l.includes('"level":50')).slice(-20),
        timeline: { heldS, resumedS, endS },
      };
    } finally {
      await load.stop(2000);
    }
  } finally {
    await gw?.stop();
    await sim.proc.stop();
  }
}

/** The reference with the same subscriptions, replaying the gateway run's transitions. */
export async function fanoutReference(size: FanoutSize, replay: ReplayEvent[], profileArgs: string[] = []): Promise<FanoutResult> {
  const spawned = Date.now();
  const ref = await Reference.start(profileArgs);
  try {
    const ids = await ref.create(size.generations);
    await warmUp(ref.url, ids[0]!);
    const memBefore = await memoryAfterGc(ref.proc);
    const { holdTimeoutMs, deadlineMs } = budget(size);
    const load = startLoad('test/bench/load/subscribers.ts', loadConfig(ref.url, ids, size, holdTimeoutMs, deadlineMs));
    try {
      const held = await load.waitForLine(jsonLine<Held>('held'), holdTimeoutMs + 10_000);
      const heldS = (Date.now() - spawned) / 1000;
      const memAfter = await memoryAfterGc(ref.proc);
      await sleep(500);
      await ref.replay(replay);
      const resumedS = (Date.now() - spawned) / 1000;
      const result = await load.waitForLine(jsonLine<SubscribersResult>('result'), deadlineMs + 10_000);
      const endS = (Date.now() - spawned) / 1000;
      const subscriptions = size.wsConnections * size.subsPerConnection + size.sse;
      return {
        server: 'reference',
        size,
        subscriptions,
        held,
        ...memoryFields(memBefore, memAfter, subscriptions),
        result: { ...result, completions: undefined },
        timeline: { heldS, resumedS, endS },
      };
    } finally {
      await load.stop(2000);
    }
  } finally {
    await ref.stop();
  }
}

/**
 * Sizes of every scenario. The defaults are the issue's; BENCH_QUICK=1 shrinks everything for a
 * smoke run of every scenario in about three minutes (the full suite takes about seven on
 * 2 cores). Individual knobs:
 *
 *   BENCH_ONLY=fanout,scale,burst,hold,reads,creates,active,polling   run only these scenarios
 *   BENCH_FANOUT_REPEAT=3                                  gateway + reference pairs in the fan-out
 *   BENCH_SCALE=1000,5000,10000,20000                      subscription counts of the scale curve
 *   BENCH_SCALE_REFERENCE=0                                skip the reference in the scale curve
 *   BENCH_SCALE_REPEAT=3                                   gateway + reference pairs per scale size
 *   BENCH_BURST=10000                                      subscribers of one generation in "burst"
 *   BENCH_BURST_REPEAT=3                                   gateway + reference pairs in "burst"
 *   BENCH_HOLD=100000                                      subscriptions held on one gateway in "hold"
 *   BENCH_PIN=0                                            do not pin servers and load to separate cores
 *   BENCH_DURATION_S=12                                    autocannon seconds per server, reads / creates
 *   BENCH_ACTIVE=2000                                      generations in progress in "active"
 *   BENCH_PROFILE=fanout,reads                             --cpu-prof the gateway (and reference) there
 *   BENCH_LOG_LEVEL=warn                                   the gateway's LOG_LEVEL
 *   BENCH_GATEWAY_ROOT=/path/to/checkout                   run that checkout's gateway (A/B a change)
 *   BENCH_OUT=test/bench/results/latest.json               where the JSON goes (quick: quick.json.tmp)
 */
export const QUICK = process.env.BENCH_QUICK === '1';

function num(name: string, def: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return v;
}

function list(name: string, def: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return def;
  return raw.split(',').map((s) => {
    const v = Number(s.trim());
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a comma-separated list of positive integers, got ${raw}`);
    return v;
  });
}

export const SCENARIOS = ['fanout', 'scale', 'burst', 'hold', 'reads', 'creates', 'active', 'polling'] as const;
export type ScenarioKey = (typeof SCENARIOS)[number];

function only(): Set<ScenarioKey> {
  const raw = process.env.BENCH_ONLY;
  if (!raw) return new Set(SCENARIOS);
  const keys = raw.split(',').map((s) => s.trim());
  for (const k of keys) {
    if (!(SCENARIOS as readonly string[]).includes(k)) throw new Error(`BENCH_ONLY: unknown scenario "${k}" (known: ${SCENARIOS.join(', ')})`);
  }
  return new Set(keys as ScenarioKey[]);
}

function profiled(): Set<string> {
  return new Set((process.env.BENCH_PROFILE ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

export interface FanoutSize {
  generations: number;
  wsConnections: number;
  subsPerConnection: number;
  sse: number;
}

export const CONFIG = {
  quick: QUICK,
  only: only(),
  profile: profiled(),
  /** Gateway + reference pairs in the fan-out scenario (the table shows medians). */
  fanoutRepeat: num('BENCH_FANOUT_REPEAT', QUICK ? 1 : 3),
  /** Poll interval of the fan-out and scale runs (fixed schedule). */
  fanoutPollMs: 1000,
  fanout: (QUICK
    ? { generations: 20, wsConnections: 50, subsPerConnection: 20, sse: 100 }
    : { generations: 200, wsConnections: 500, subsPerConnection: 20, sse: 1000 }) satisfies FanoutSize,
  scale: list('BENCH_SCALE', QUICK ? [200, 500, 1000, 2000] : [1000, 5000, 10000, 20000]),
  scaleGenerations: QUICK ? 20 : 200,
  scaleReference: process.env.BENCH_SCALE_REFERENCE !== '0',
  /** Gateway + reference pairs per size of the scale curve (medians and ranges). */
  scaleRepeat: num('BENCH_SCALE_REPEAT', QUICK ? 1 : 3),
  /** Subscribers of one generation (graphql-ws, 20 per connection) in the burst scenario. */
  burst: num('BENCH_BURST', QUICK ? 1000 : 10_000),
  burstRepeat: num('BENCH_BURST_REPEAT', QUICK ? 1 : 3),
  /** Subscriptions held on one gateway (graphql-ws, 100 per connection, on 200 generations). */
  hold: num('BENCH_HOLD', QUICK ? 5000 : 100_000),
  subsPerConnection: 20,
  readsConnections: 50,
  /** Seconds of autocannon per server, split into `readsSlices` alternating slices. */
  readsDurationS: num('BENCH_DURATION_S', QUICK ? 3 : 12),
  readsSlices: QUICK ? 1 : 3,
  warmupS: QUICK ? 1 : 2,
  latencyCount: QUICK ? 300 : 2000,
  createsConnections: 50,
  active: num('BENCH_ACTIVE', QUICK ? 200 : 2000),
  activePollMs: 1000,
  activeWindowS: QUICK ? 5 : 20,
  pollingGenerations: QUICK ? 20 : 100,
  /** Warm-up generations per round, and rounds, before the polling comparison. */
  pollingWarmup: QUICK ? 3 : 5,
  pollingWarmupRounds: 3,
  pollingPollMs: 1000,
  /** Simulated timings of the polling comparison: queued 1 s, generating 7 s ± 15 %. */
  pollingSim: { queueMs: 1000, generateMs: 7000, jitter: 0.15 },
  // A smoke run must not overwrite the published numbers (*.tmp is git-ignored).
  out: process.env.BENCH_OUT ?? (QUICK ? 'test/bench/results/quick.json.tmp' : 'test/bench/results/latest.json'),
};

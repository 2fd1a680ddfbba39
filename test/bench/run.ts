/**
 * `npm run bench`: Cinegraph's benchmark suite (issue 8). Every scenario runs the gateway as its
 * own process (`node --import tsx src/main.ts`, configured through its environment) against the
 * simulated provider in another process, with the load in a third, and the bare graphql-yoga
 * reference in its own process where one applies. Prints a table and writes it, with the raw
 * numbers, to test/bench/results/latest.json. See lib/config.ts for the knobs (BENCH_QUICK=1
 * for a smoke run).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG, type ScenarioKey } from './lib/config.js';
import { installCleanup, PINNING, ROOT, stopAll } from './lib/proc.js';
import { formatTable, row, rows, type Row } from './lib/report.js';
import { linearFit, round } from './lib/stats.js';
import { fanoutGateway, fanoutReference, type FanoutResult } from './scenarios/fanout.js';
import { manyActive, smarterPolling } from './scenarios/polling.js';
import { creates, reads, type CannonResult } from './scenarios/requests.js';

installCleanup();
// The runner itself waits on the others: it belongs with the load, away from the servers' core.
if (PINNING) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', PINNING.load, String(process.pid)], { stdio: 'ignore' });
  } catch {
    // not pinned: only the children are
  }
}

const started = Date.now();
// The machine may be shared: how busy it was is part of the result.
const loadAtStart = os.loadavg();
const details: Record<string, unknown> = {};
const failures: { scenario: string; error: string }[] = [];
let profileDir: string | null = null;

function profileArgs(key: ScenarioKey, who: 'gateway' | 'reference' = 'gateway'): string[] {
  if (!CONFIG.profile.has(key)) return [];
  profileDir ??= mkdtempSync(path.join(os.tmpdir(), 'cinegraph-bench-profiles-'));
  // One directory per scenario and server; V8 names each file after the process and thread
  // (tsx's loader runs in a worker thread, whose profile is the small one).
  return ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, key, who)}`];
}

function log(msg: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.error(`[${s}s] ${msg}`);
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const kb = (n: number): number => round(n, 2);
const ms = (n: number): number => round(n, 2);

async function scenario(key: ScenarioKey, title: string, fn: () => Promise<void>): Promise<void> {
  if (!CONFIG.only.has(key)) return;
  log(`${title}…`);
  const t = Date.now();
  try {
    await fn();
    log(`${title}: done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    failures.push({ scenario: key, error });
    row({ scenario: title, metric: 'FAILED', value: (err instanceof Error ? err.message : String(err)).slice(0, 120), met: false });
    log(`${title}: FAILED: ${error}`);
  } finally {
    await stopAll();
  }
}

await scenario('fanout', '1 fan-out', async () => {
  const size = CONFIG.fanout;
  const subs = size.wsConnections * size.subsPerConnection + size.sse;
  // Tail latency at this scale hinges on where garbage collections fall, so the pair (gateway,
  // then the reference replaying its transitions) runs several times; the table shows medians.
  const runs: { gateway: FanoutResult; reference: FanoutResult }[] = [];
  for (let i = 0; i < CONFIG.fanoutRepeat; i++) {
    log(`  run ${i + 1}/${CONFIG.fanoutRepeat}, gateway: ${size.wsConnections}×${size.subsPerConnection} graphql-ws + ${size.sse} SSE on ${size.generations} generations`);
    const gw = await fanoutGateway(size, i === 0 ? profileArgs('fanout') : []);
    log(`  run ${i + 1}/${CONFIG.fanoutRepeat}, reference, replaying the gateway's ${gw.replay?.length ?? 0} transitions (spread over ${gw.transitionSpreadMs} ms)`);
    const ref = await fanoutReference(size, gw.replay ?? [], i === 0 ? profileArgs('fanout', 'reference') : []);
    runs.push({ gateway: { ...gw, replay: undefined }, reference: ref });
  }
  details.fanout = runs;
  fanoutRows(`1 fan-out ${subs / 1000}k`, runs);
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** "a (b–c)": the median of the runs, and their range when there are several. */
function spread(xs: number[], digits = 2): string {
  if (xs.length < 2) return String(round(xs[0] ?? 0, digits));
  return `${round(median(xs), digits)} (${round(Math.min(...xs), digits)}–${round(Math.max(...xs), digits)})`;
}

/** Median and range of per-run ratios (gateway ÷ reference of the same run). */
function ratios(runs: { gateway: FanoutResult; reference: FanoutResult | null }[], f: (r: FanoutResult) => number): Pick<Row, 'ratio' | 'ratioRange'> {
  const xs = runs.filter((r) => r.reference).map((r) => ratio(f(r.gateway), f(r.reference!)) ?? Infinity);
  if (xs.length === 0) return { ratio: null, ratioRange: null };
  return { ratio: median(xs), ratioRange: xs.length > 1 ? [Math.min(...xs), Math.max(...xs)] : null };
}

/** Heap and RSS per held subscription, measured after full collections in the server. */
function memoryRows(S: string, runs: { gateway: FanoutResult; reference: FanoutResult | null }[], target: string | null): void {
  const note = runs.length > 1 ? `, median of ${runs.length} runs (range)` : '';
  const gws = runs.map((r) => r.gateway);
  const refs = runs.flatMap((r) => (r.reference ? [r.reference] : []));
  const heap = ratios(runs, (r) => r.heapPerSubKb);
  row({
    scenario: S,
    metric: `heap per held subscription after full GC${note}`,
    unit: 'KB',
    value: spread(gws.map((r) => r.heapPerSubKb)),
    baseline: refs.length ? spread(refs.map((r) => r.heapPerSubKb)) : null,
    baselineName: refs.length ? 'bare yoga' : '',
    ...heap,
    ...(target && heap.ratio !== null ? { target, met: heap.ratio <= Number(target.replace(/[^0-9.]/g, '')) } : {}),
  });
  row({
    scenario: S,
    metric: `RSS per held subscription after full GC${note}`,
    unit: 'KB',
    value: spread(gws.map((r) => r.rssPerSubKb)),
    baseline: refs.length ? spread(refs.map((r) => r.rssPerSubKb)) : null,
    baselineName: refs.length ? 'bare yoga' : '',
    ...ratios(runs, (r) => r.rssPerSubKb),
  });
}

function fanoutRows(S: string, runs: { gateway: FanoutResult; reference: FanoutResult }[], p99Target = 1.25): void {
  const gws = runs.map((r) => r.gateway);
  const refs = runs.map((r) => r.reference);
  const all = (f: (r: FanoutResult) => number, xs: FanoutResult[]): number[] => xs.map(f);
  const note = runs.length > 1 ? `, median of ${runs.length} runs (range)` : '';
  const rpi = all((r) => r.readsPerGenPerInterval ?? 0, gws);
  row({ scenario: S, metric: 'provider reads per generation per poll interval', value: spread(rpi, 3), target: '1.00', met: Math.max(...rpi) <= 1.01 });
  const rpt = all((r) => r.readsPerPollTick ?? 0, gws);
  row({ scenario: S, metric: 'provider reads per poller tick', value: spread(rpt, 3), target: '1.00', met: Math.max(...rpt) <= 1.01 });
  row({ scenario: S, metric: 'GENERATING transitions spread over (both servers)', unit: 'ms', value: spread(all((r) => r.transitionSpreadMs ?? 0, gws), 0) });
  row({
    scenario: S,
    metric: `delivery delay p50${note}`,
    unit: 'ms',
    value: spread(all((r) => r.result.delayMs.p50, gws)),
    baseline: spread(all((r) => r.result.delayMs.p50, refs)),
    baselineName: 'bare yoga',
    ...ratios(runs, (r) => r.result.delayMs.p50),
  });
  const p99 = runs.map((r) => ratio(r.gateway.result.delayMs.p99, r.reference.result.delayMs.p99) ?? Infinity);
  row({
    scenario: S,
    metric: `delivery delay p99${note}`,
    unit: 'ms',
    value: spread(all((r) => r.result.delayMs.p99, gws)),
    baseline: spread(all((r) => r.result.delayMs.p99, refs)),
    baselineName: 'bare yoga',
    ...ratios(runs, (r) => r.result.delayMs.p99),
    target: `≤ ${p99Target}×`,
    met: median(p99) <= p99Target,
  });
  memoryRows(S, runs, null);
  const sum = (f: (r: FanoutResult) => number, xs: FanoutResult[]): number => xs.reduce((a, r) => a + f(r), 0);
  row({
    scenario: S,
    metric: 'subscribers that got every transition exactly once (all runs)',
    value: `${sum((r) => r.result.exactlyOnce, gws)}/${sum((r) => r.result.total, gws)}`,
    baseline: `${sum((r) => r.result.exactlyOnce, refs)}/${sum((r) => r.result.total, refs)}`,
    baselineName: 'bare yoga',
    target: 'all',
    met: gws.every((r) => r.result.exactlyOnce === r.result.total),
  });
  row({
    scenario: S,
    metric: 'subscriptions whose poller never saw GENERATING (too late)',
    value: sum((r) => r.result.unseenByServer, gws),
  });
  row({
    scenario: S,
    metric: 'time to open every subscription',
    unit: 's',
    value: spread(all((r) => r.held.openMs / 1000, gws), 1),
    baseline: spread(all((r) => r.held.openMs / 1000, refs), 1),
    baselineName: 'bare yoga',
    ...ratios(runs, (r) => r.held.openMs),
  });
  row({
    scenario: S,
    metric: 'poll lag p99 over the run (subscription setup included)',
    unit: 'ms',
    value: spread(all((r) => r.pollLagMs?.p99 ?? 0, gws), 0),
  });
}

await scenario('scale', '2 scale curve', async () => {
  const points: { n: number; runs: { gateway: FanoutResult; reference: FanoutResult | null }[] }[] = [];
  for (const n of CONFIG.scale) {
    const size = { generations: CONFIG.scaleGenerations, wsConnections: Math.ceil(n / CONFIG.subsPerConnection), subsPerConnection: CONFIG.subsPerConnection, sse: 0 };
    const runs: { gateway: FanoutResult; reference: FanoutResult | null }[] = [];
    for (let i = 0; i < CONFIG.scaleRepeat; i++) {
      log(`  ${n} subscriptions, run ${i + 1}/${CONFIG.scaleRepeat}: gateway`);
      const gw = await fanoutGateway(size, i === 0 ? profileArgs('scale') : []);
      let ref: FanoutResult | null = null;
      if (CONFIG.scaleReference) {
        log(`  ${n} subscriptions, run ${i + 1}/${CONFIG.scaleRepeat}: reference`);
        ref = await fanoutReference(size, gw.replay ?? [], i === 0 ? profileArgs('scale', 'reference') : []);
      }
      runs.push({ gateway: { ...gw, replay: undefined }, reference: ref });
    }
    points.push({ n: size.wsConnections * size.subsPerConnection, runs });
  }
  details.scale = points;
  const note = CONFIG.scaleRepeat > 1 ? `, median of ${CONFIG.scaleRepeat} runs (range)` : '';
  for (const p of points) {
    const S = `2 scale ${p.n / 1000}k`;
    const gws = p.runs.map((r) => r.gateway);
    const refs = p.runs.flatMap((r) => (r.reference ? [r.reference] : []));
    // The issue's memory target applies at 5k and 20k; the other sizes are shown for the curve.
    memoryRows(S, p.runs, p.n === 5000 || p.n === 20000 ? '≤ 0.75×' : null);
    row({
      scenario: S,
      metric: `delivery delay p99${note}`,
      unit: 'ms',
      value: spread(gws.map((r) => r.result.delayMs.p99)),
      baseline: refs.length ? spread(refs.map((r) => r.result.delayMs.p99)) : null,
      baselineName: refs.length ? 'bare yoga' : '',
      ...ratios(p.runs, (r) => r.result.delayMs.p99),
    });
    row({
      scenario: S,
      metric: 'exactly once (all runs)',
      value: `${gws.reduce((a, r) => a + r.result.exactlyOnce, 0)}/${gws.reduce((a, r) => a + r.result.total, 0)}`,
      baseline: refs.length ? `${refs.reduce((a, r) => a + r.result.exactlyOnce, 0)}/${refs.reduce((a, r) => a + r.result.total, 0)}` : null,
      baselineName: refs.length ? 'bare yoga' : '',
      target: 'all',
      met: gws.every((r) => r.result.exactlyOnce === r.result.total),
    });
  }
  if (points.length >= 2) {
    const xs = points.map((p) => p.n);
    // "Linear or better": the steepest part (between the two largest sizes) is no steeper than
    // 1.5× the least-squares slope over all sizes; a quadratic curve fails this.
    const curve = (ys: number[]): { fit: ReturnType<typeof linearFit>; lastSlope: number; ok: boolean } => {
      const fit = linearFit(xs, ys);
      const k = xs.length - 1;
      const lastSlope = (ys[k]! - ys[k - 1]!) / (xs[k]! - xs[k - 1]!);
      return { fit, lastSlope, ok: lastSlope <= 1.5 * Math.max(fit.slope, 0) + 1e-9 || lastSlope <= 0 };
    };
    const hasRef = points.every((p) => p.runs.every((r) => r.reference));
    const med = (p: (typeof points)[number], f: (r: FanoutResult) => number, who: 'gateway' | 'reference'): number => median(p.runs.map((r) => f(r[who]!)));
    const heapDelta = (r: FanoutResult): number => r.memAfter.heapKb - r.memBefore.heapKb;
    const memGw = curve(points.map((p) => med(p, heapDelta, 'gateway')));
    const memRef = hasRef ? curve(points.map((p) => med(p, heapDelta, 'reference'))) : null;
    const delGw = curve(points.map((p) => med(p, (r) => r.result.delayMs.p99, 'gateway')));
    const delRef = hasRef ? curve(points.map((p) => med(p, (r) => r.result.delayMs.p99, 'reference'))) : null;
    details.scaleFit = { memory: { gateway: memGw, reference: memRef }, delayP99: { gateway: delGw, reference: delRef } };
    row({
      scenario: '2 scale fit',
      metric: `heap slope (medians), KB per subscription (r² ${memGw.fit.r2.toFixed(3)})`,
      value: kb(memGw.fit.slope),
      baseline: memRef ? kb(memRef.fit.slope) : null,
      baselineName: memRef ? 'bare yoga' : '',
      ratio: memRef ? ratio(memGw.fit.slope, memRef.fit.slope) : null,
      target: 'linear or better',
      met: memGw.ok,
    });
    row({
      scenario: '2 scale fit',
      metric: `delay p99 slope (medians), ms per 1k subscriptions (r² ${delGw.fit.r2.toFixed(3)})`,
      value: ms(delGw.fit.slope * 1000),
      baseline: delRef ? ms(delRef.fit.slope * 1000) : null,
      baselineName: delRef ? 'bare yoga' : '',
      ratio: delRef ? ratio(delGw.fit.slope, delRef.fit.slope) : null,
      target: 'linear or better',
      met: delGw.ok,
    });
  }
});

await scenario('burst', '2b burst', async () => {
  // Every subscriber follows the same generation: one transition goes to all of them at once.
  const size = { generations: 1, wsConnections: Math.ceil(CONFIG.burst / CONFIG.subsPerConnection), subsPerConnection: CONFIG.subsPerConnection, sse: 0 };
  const runs: { gateway: FanoutResult; reference: FanoutResult }[] = [];
  for (let i = 0; i < CONFIG.burstRepeat; i++) {
    log(`  run ${i + 1}/${CONFIG.burstRepeat}, gateway: ${size.wsConnections * size.subsPerConnection} subscribers of one generation`);
    const gw = await fanoutGateway(size, i === 0 ? profileArgs('burst') : []);
    log(`  run ${i + 1}/${CONFIG.burstRepeat}, reference`);
    const ref = await fanoutReference(size, gw.replay ?? [], i === 0 ? profileArgs('burst', 'reference') : []);
    runs.push({ gateway: { ...gw, replay: undefined }, reference: ref });
  }
  details.burst = runs;
  fanoutRows(`2b burst ${size.wsConnections * size.subsPerConnection / 1000}k on 1 generation`, runs, 0.5);
});

await scenario('hold', '2c hold', async () => {
  const perConnection = 100;
  const size = { generations: CONFIG.scaleGenerations, wsConnections: Math.ceil(CONFIG.hold / perConnection), subsPerConnection: perConnection, sse: 0 };
  const n = size.wsConnections * size.subsPerConnection;
  log(`  gateway: ${n} subscriptions on ${size.generations} generations, ${perConnection} per connection`);
  const gw = await fanoutGateway(size, profileArgs('hold'));
  details.hold = { ...gw, replay: undefined };
  const S = `2c hold ${n / 1000}k on one instance`;
  row({ scenario: S, metric: 'time to open every subscription', unit: 's', value: round(gw.held.openMs / 1000, 1) });
  row({ scenario: S, metric: 'subscriptions held', value: `${gw.held.held}/${gw.held.total}`, target: 'all', met: gw.held.held === gw.held.total });
  row({ scenario: S, metric: 'heap held, after full GC (held − before)', unit: 'MB', value: round((gw.memAfter.heapKb - gw.memBefore.heapKb) / 1024, 1) });
  row({ scenario: S, metric: 'RSS of the gateway while holding them, after full GC', unit: 'MB', value: round(gw.memAfter.rssKb / 1024, 1) });
  row({ scenario: S, metric: 'heap / RSS per held subscription', unit: 'KB', value: `${kb(gw.heapPerSubKb)} / ${kb(gw.rssPerSubKb)}` });
  row({ scenario: S, metric: 'delivery delay p50 / p99', unit: 'ms', value: `${ms(gw.result.delayMs.p50)} / ${ms(gw.result.delayMs.p99)}` });
  row({ scenario: S, metric: 'subscribers that got every transition exactly once', value: `${gw.result.exactlyOnce}/${gw.result.total}`, target: 'all', met: gw.result.exactlyOnce === gw.result.total });
});

await scenario('reads', '3 reads', async () => {
  const r = await reads(profileArgs('reads'), profileArgs('reads', 'reference'));
  details.reads = r;
  const S = '3 reads';
  const n = r.gatewayFinished.length;
  const note = n > 1 ? `, median of ${n} alternating slices` : '';
  const med = (xs: number[]): number => median(xs);
  const sliceRatios = r.gatewayFinished.map((g, i) => g.rps / (r.referenceFinished[i]?.rps ?? NaN)).filter(Number.isFinite);
  row({
    scenario: S,
    metric: `finished generation, ${CONFIG.readsConnections} connections${note}`,
    unit: 'req/s',
    value: round(r.gatewayRps, 0),
    baseline: round(r.referenceRps, 0),
    baselineName: 'bare yoga',
    ratio: r.rpsRatio,
    ratioRange: sliceRatios.length > 1 ? [Math.min(...sliceRatios), Math.max(...sliceRatios)] : null,
    target: '≥ 1.5×',
    met: r.rpsRatio >= 1.5,
  });
  const gp50 = med(r.gatewayFinished.map((c) => c.latencyMs.p50));
  const rp50 = med(r.referenceFinished.map((c) => c.latencyMs.p50));
  row({
    scenario: S,
    metric: `finished generation, ${CONFIG.readsConnections} connections, latency p50 / p99`,
    unit: 'ms',
    value: `${gp50} / ${med(r.gatewayFinished.map((c) => c.latencyMs.p99))}`,
    baseline: `${rp50} / ${med(r.referenceFinished.map((c) => c.latencyMs.p99))}`,
    baselineName: 'bare yoga',
    ratio: ratio(gp50, rp50),
  });
  const gs = med(r.gatewayFinishedSequential.map((l) => l.latencyMs.p50));
  const rs = med(r.referenceFinishedSequential.map((l) => l.latencyMs.p50));
  row({
    scenario: S,
    metric: 'finished generation, 1 connection, latency p50',
    unit: 'ms',
    value: ms(gs),
    baseline: ms(rs),
    baselineName: 'bare yoga',
    ratio: ratio(gs, rs),
  });
  row({
    scenario: S,
    metric: 'generation in progress, 1 connection, latency p50',
    unit: 'ms',
    value: ms(med(r.gatewayPendingRead.map((l) => l.latencyMs.p50))),
    baseline: ms(med(r.directProviderRead.map((l) => l.latencyMs.p50))),
    baselineName: 'direct provider GET',
  });
  row({
    scenario: S,
    metric: 'generation in progress: added latency p50',
    unit: 'ms',
    value: ms(r.addedP50Ms),
    target: '≤ 2 ms',
    met: r.addedP50Ms <= 2,
  });
  const non2xx = (cs: CannonResult[]): number => cs.reduce((a, c) => a + c.non2xx, 0);
  const errors = (cs: CannonResult[]): number => cs.reduce((a, c) => a + c.errors, 0);
  row({
    scenario: S,
    metric: 'non-2xx / errors under load',
    value: `${non2xx(r.gatewayFinished)} / ${errors(r.gatewayFinished)}`,
    baseline: `${non2xx(r.referenceFinished)} / ${errors(r.referenceFinished)}`,
    baselineName: 'bare yoga',
    target: '0 / 0',
    met: non2xx(r.gatewayFinished) === 0 && errors(r.gatewayFinished) === 0,
  });
});

await scenario('creates', '4 creates', async () => {
  const r = await creates(profileArgs('creates'));
  details.creates = r;
  const S = '4 creates (SQLite)';
  row({ scenario: S, metric: `generateVideo, ${CONFIG.createsConnections} connections`, unit: 'req/s', value: round(r.cannon.rps, 0) });
  row({
    scenario: S,
    metric: `generateVideo, ${CONFIG.createsConnections} connections, latency p50 / p99`,
    unit: 'ms',
    value: `${r.cannon.latencyMs.p50} / ${r.cannon.latencyMs.p99}`,
  });
  row({
    scenario: S,
    metric: 'generateVideo, 1 connection, latency p50',
    unit: 'ms',
    value: ms(r.gatewaySequential.latencyMs.p50),
    baseline: ms(r.directSequential.latencyMs.p50),
    baselineName: 'direct provider POST',
  });
  row({
    scenario: S,
    metric: 'non-2xx / userErrors',
    value: `${r.cannon.non2xx} / ${r.userErrors}`,
    target: '0 / 0',
    met: r.cannon.non2xx === 0 && r.userErrors === 0,
  });
});

await scenario('active', '5 many active', async () => {
  const r = await manyActive(profileArgs('active'));
  details.active = r;
  const S = `5 active ${r.generations}`;
  row({ scenario: S, metric: `gateway CPU, ${r.generations} generations polled every ${CONFIG.activePollMs} ms`, unit: '% of a core', value: round(r.gatewayCpuShare * 100, 1) });
  row({ scenario: S, metric: 'gateway CPU per poll', unit: 'µs', value: round((r.gatewayCpuShare / Math.max(1, r.pollsPerSecond)) * 1e6, 0) });
  row({ scenario: S, metric: 'polls per second', value: round(r.pollsPerSecond, 0), baseline: r.expectedPollsPerSecond, baselineName: 'configured' });
  row({ scenario: S, metric: 'poll lag p50', unit: 'ms', value: ms(r.lagMs.p50) });
  row({
    scenario: S,
    metric: 'poll lag p99 (actual interval − configured)',
    unit: 'ms',
    value: ms(r.lagMs.p99),
    target: `≤ ${CONFIG.activePollMs / 10} ms (10%)`,
    met: r.lagMs.p99 <= CONFIG.activePollMs / 10,
  });
  row({ scenario: S, metric: 'polls more than 100 ms late', unit: '%', value: round(r.lagMs.shareOver100ms * 100, 2) });
  row({ scenario: S, metric: 'provider read latency p50 / p99', unit: 'ms', value: `${ms(r.providerReadMs.p50)} / ${ms(r.providerReadMs.p99)}` });
  row({ scenario: S, metric: 'simulator CPU (its own process)', unit: '% of a core', value: round(r.simulatorCpuShare * 100, 1) });
});

await scenario('polling', '6 smarter polling', async () => {
  const r = await smarterPolling();
  details.polling = r;
  const S = '6 polling';
  const { fixed, adaptive } = r;
  row({
    scenario: S,
    metric: 'mean delay, completion → client',
    unit: 'ms',
    value: ms(adaptive.delayMs.mean),
    baseline: ms(fixed.delayMs.mean),
    baselineName: 'fixed interval',
    ratio: ratio(adaptive.delayMs.mean, fixed.delayMs.mean),
  });
  row({
    scenario: S,
    metric: 'p99 delay, completion → client',
    unit: 'ms',
    value: ms(adaptive.delayMs.p99),
    baseline: ms(fixed.delayMs.p99),
    baselineName: 'fixed interval',
    ratio: ratio(adaptive.delayMs.p99, fixed.delayMs.p99),
  });
  row({
    scenario: S,
    metric: 'provider reads per generation',
    value: round(adaptive.readsPerGeneration, 2),
    baseline: round(fixed.readsPerGeneration, 2),
    baselineName: 'fixed interval',
    ratio: ratio(adaptive.readsPerGeneration, fixed.readsPerGeneration),
  });
  row({
    scenario: S,
    metric: 'winner (adaptive = cinegraph column)',
    value: r.winner,
    target: 'same reads, ≤ ½ delay (or ½ reads)',
    met: r.winner === 'adaptive',
  });
});

const durationS = (Date.now() - started) / 1000;
const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  memoryGiB: round(os.totalmem() / 2 ** 30, 1),
  node: process.version,
  os: `${os.type()} ${os.release()}`,
};
// The exact command: every BENCH_* setting it ran with.
const benchEnv = Object.entries(process.env)
  .filter(([k, v]) => k.startsWith('BENCH_') && v !== undefined && v !== '')
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([k, v]) => `${k}=${v}`);
const command = [...benchEnv, 'npm run bench'].join(' ');
// Which gateway was measured: the commit, and whether src/ differed from it.
const gatewayRoot = process.env.BENCH_GATEWAY_ROOT || ROOT;
const git = (...args: string[]): string | null => {
  try {
    return execFileSync('git', ['-C', gatewayRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};
const gateway = {
  root: path.relative(ROOT, gatewayRoot) || '.',
  commit: git('rev-parse', '--short', 'HEAD'),
  srcModified: (git('status', '--porcelain', '--', 'src') ?? '') !== '',
};
const table = formatTable();
console.log(`\nCinegraph benchmarks: ${command}`);
console.log(`${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; ${durationS.toFixed(0)} s`);
console.log(`gateway at ${gateway.commit ?? 'unknown commit'}${gateway.srcModified ? ' with uncommitted changes in src/' : ''}`);
console.log(`load average (1 min) ${loadAtStart[0]!.toFixed(2)} at the start, ${os.loadavg()[0]!.toFixed(2)} at the end; ${PINNING ? `servers on core ${PINNING.server}, load on ${PINNING.load}` : 'not pinned'}\n`);
console.log(table);
if (profileDir) console.log(`\nCPU profiles of the gateway: ${profileDir}`);

const out = path.resolve(ROOT, CONFIG.out);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      command,
      quick: CONFIG.quick,
      machine,
      gateway,
      durationSeconds: round(durationS, 0),
      loadAverage: { start: loadAtStart.map((x) => round(x, 2)), end: os.loadavg().map((x) => round(x, 2)) },
      settings: {
        fanout: CONFIG.fanout,
        fanoutPollMs: CONFIG.fanoutPollMs,
        fanoutRepeat: CONFIG.fanoutRepeat,
        scale: CONFIG.scale,
        scaleRepeat: CONFIG.scaleRepeat,
        burst: CONFIG.burst,
        burstRepeat: CONFIG.burstRepeat,
        hold: CONFIG.hold,
        pinning: PINNING,
        readsConnections: CONFIG.readsConnections,
        readsDurationS: CONFIG.readsDurationS,
        readsSlices: CONFIG.readsSlices,
        active: CONFIG.active,
        activePollMs: CONFIG.activePollMs,
        pollingGenerations: CONFIG.pollingGenerations,
        pollingPollMs: CONFIG.pollingPollMs,
        pollingSim: CONFIG.pollingSim,
        gatewayLogLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
      },
      rows,
      failures,
      details,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwritten to ${path.relative(ROOT, out)}`);
await stopAll();
process.exit(failures.length > 0 ? 1 : 0);

/**
 * Scenarios 3 (reads) and 4 (creates): request/response load from a separate process.
 *
 * Reads of a finished generation: autocannon, `readsConnections` connections, gateway against
 * the reference answering the same-shaped query from memory, in alternating slices (gateway,
 * reference, gateway, …) with both servers up, so that drifts in the machine's speed over the
 * run hit both alike; the ratio is the median of the slices' ratios. Reads of an in-progress
 * generation: what the gateway adds over reading the provider directly, both timed one request
 * at a time on one keep-alive connection (every gateway read of a pending generation is a
 * provider read, by design: the answer must be current).
 */
import { GENERATION_PATH } from '../../../src/provider/wire.js';
import { CONFIG } from '../lib/config.js';
import { sleep } from '../lib/proc.js';
import { Gateway, gql, Reference, runLoad, Sim } from '../lib/services.js';
import type { Summary } from '../lib/stats.js';

export const READ = /* GraphQL */ `
  query Read($id: ID!) {
    videoGeneration(id: $id) {
      id status providerStatus progress prompt createdAt updatedAt completedAt
      video { url contentType fileName fileSize }
      error { code message }
      transitions { status providerStatus at }
    }
  }
`;

const CREATE = /* GraphQL */ `
  mutation Create($input: GenerateVideoInput!) {
    generateVideo(input: $input) {
      generation { id status providerStatus progress prompt resolution duration createdAt }
      userErrors { code message field }
    }
  }
`;

export interface CannonResult {
  requests: number;
  rps: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
}

export interface LatencyResult {
  latencyMs: Summary;
  failures: number;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };

function cannon(url: string, body: string, connections: number, durationS: number, warmupS = CONFIG.warmupS): Promise<CannonResult> {
  return runLoad<CannonResult>(
    'test/bench/load/http.ts',
    { mode: 'autocannon', url, method: 'POST', headers: JSON_HEADERS, body, connections, durationS, warmupS },
    (durationS + warmupS) * 1000 + 60_000,
  );
}

function sequential(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  count = CONFIG.latencyCount,
  body?: string,
): Promise<LatencyResult> {
  return runLoad<LatencyResult>(
    'test/bench/load/http.ts',
    { mode: 'latency', url, method, headers, ...(body !== undefined ? { body } : {}), count, maxMs: 15_000, warmup: 100 },
    60_000,
  );
}

async function readOk(url: string, id: string): Promise<{ status: string }> {
  const r = await gql<{ videoGeneration: { status: string } | null }>(url, READ, { id });
  if (r.errors || !r.data?.videoGeneration) throw new Error(`videoGeneration(${id}) failed: ${JSON.stringify(r)}`);
  return r.data.videoGeneration;
}

export interface ReadsResult {
  /** One autocannon slice each, alternating gateway and reference, so drifts of the machine cancel out. */
  gatewayFinished: CannonResult[];
  referenceFinished: CannonResult[];
  gatewayFinishedSequential: LatencyResult[];
  referenceFinishedSequential: LatencyResult[];
  directProviderRead: LatencyResult[];
  gatewayPendingRead: LatencyResult[];
  /** Medians over the slices. */
  rpsRatio: number;
  gatewayRps: number;
  referenceRps: number;
  addedP50Ms: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function reads(profileArgs: string[] = [], referenceProfileArgs: string[] = []): Promise<ReadsResult> {
  const slices = CONFIG.readsSlices;
  const sliceS = Math.max(1, Math.round(CONFIG.readsDurationS / slices));
  const sim = await Sim.start({ queueMs: 100, generateMs: 300 });
  let gw: Gateway | null = null;
  let ref: Reference | null = null;
  try {
    // Both servers up at once; only one is ever under load.
    gw = await Gateway.start({ sim, env: { POLL_INTERVAL_MS: '5000' }, nodeArgs: profileArgs });
    ref = await Reference.start(referenceProfileArgs);
    const gwUrl = gw.url;
    const make = async (prompt: string): Promise<string> => {
      const r = await gql<{ generateVideo: { generation: { id: string } | null } }>(gwUrl, CREATE, { input: { prompt } });
      const id = r.data?.generateVideo.generation?.id;
      if (!id) throw new Error(`generateVideo failed: ${JSON.stringify(r)}`);
      return id;
    };
    const finished = await make('A lighthouse on a cliff at dawn, waves crashing below');
    const pending = await make('[sim:never] A clock whose hands never reach noon');
    // A read of a pending generation asks the provider, so this loop ends once it has finished.
    for (let i = 0; i < 50 && (await readOk(gwUrl, finished)).status !== 'COMPLETED'; i++) await sleep(100);
    if ((await readOk(gwUrl, finished)).status !== 'COMPLETED') throw new Error('the finished generation did not finish');
    if ((await readOk(gwUrl, pending)).status === 'COMPLETED') throw new Error('the pending generation finished');
    const [refId] = await ref.create(1, 'COMPLETED');
    await readOk(ref.url, refId!);

    const gwFinishedBody = JSON.stringify({ query: READ, variables: { id: finished } });
    const refFinishedBody = JSON.stringify({ query: READ, variables: { id: refId } });
    const pendingBody = JSON.stringify({ query: READ, variables: { id: pending } });
    const directUrl = `${sim.url}${GENERATION_PATH}?generation_id=${encodeURIComponent(pending)}`;
    const directHeaders = { authorization: `Bearer ${sim.apiKey}`, accept: 'application/json' };

    const r: Omit<ReadsResult, 'rpsRatio' | 'gatewayRps' | 'referenceRps' | 'addedP50Ms'> = {
      gatewayFinished: [],
      referenceFinished: [],
      gatewayFinishedSequential: [],
      referenceFinishedSequential: [],
      directProviderRead: [],
      gatewayPendingRead: [],
    };
    const perSlice = Math.ceil(CONFIG.latencyCount / slices);
    for (let i = 0; i < slices; i++) {
      const warm = i === 0 ? CONFIG.warmupS : 0;
      r.gatewayFinished.push(await cannon(`${gwUrl}/graphql`, gwFinishedBody, CONFIG.readsConnections, sliceS, warm));
      r.referenceFinished.push(await cannon(`${ref.url}/graphql`, refFinishedBody, CONFIG.readsConnections, sliceS, warm));
      r.gatewayFinishedSequential.push(await sequential(`${gwUrl}/graphql`, 'POST', JSON_HEADERS, perSlice, gwFinishedBody));
      r.referenceFinishedSequential.push(await sequential(`${ref.url}/graphql`, 'POST', JSON_HEADERS, perSlice, refFinishedBody));
      r.directProviderRead.push(await sequential(directUrl, 'GET', directHeaders, perSlice));
      r.gatewayPendingRead.push(await sequential(`${gwUrl}/graphql`, 'POST', JSON_HEADERS, perSlice, pendingBody));
    }
    await readOk(gwUrl, finished);
    return {
      ...r,
      rpsRatio: median(r.gatewayFinished.map((g, i) => g.rps / r.referenceFinished[i]!.rps)),
      gatewayRps: median(r.gatewayFinished.map((g) => g.rps)),
      referenceRps: median(r.referenceFinished.map((g) => g.rps)),
      addedP50Ms: median(r.gatewayPendingRead.map((g, i) => g.latencyMs.p50 - r.directProviderRead[i]!.latencyMs.p50)),
    };
  } finally {
    await ref?.stop();
    await gw?.stop();
    await sim.proc.stop();
  }
}

export interface CreatesResult {
  cannon: CannonResult;
  /** Generations the provider created during the autocannon run, warm-up included. */
  providerCreates: number;
  userErrors: number;
  gatewaySequential: LatencyResult;
  directSequential: LatencyResult;
}

export async function creates(profileArgs: string[] = []): Promise<CreatesResult> {
  const sim = await Sim.start({ queueMs: 1000, generateMs: 2000 });
  try {
    // Default poll interval: the generations created here are polled as they would be in life.
    const gw = await Gateway.start({ sim, nodeArgs: profileArgs });
    try {
      const body = JSON.stringify({ query: CREATE, variables: { input: { prompt: 'A fox running through fresh snow, slow motion' } } });
      const check = await gql<{ generateVideo: { generation: { id: string } | null } }>(gw.url, CREATE, {
        input: { prompt: 'A fox running through fresh snow, slow motion' },
      });
      if (!check.data?.generateVideo.generation) throw new Error(`generateVideo failed: ${JSON.stringify(check)}`);
      // One at a time first, on a gateway with few generations to poll; then the throughput run.
      const directSequential = await sequential(
        `${sim.url}${GENERATION_PATH}`,
        'POST',
        { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
        CONFIG.latencyCount,
        JSON.stringify({ model: 'pixverse/v5/text-to-video', prompt: 'A fox running through fresh snow, slow motion' }),
      );
      const gatewaySequential = await sequential(`${gw.url}/graphql`, 'POST', JSON_HEADERS, CONFIG.latencyCount, body);
      const before = await sim.stats();
      const result = await cannon(`${gw.url}/graphql`, body, CONFIG.createsConnections, CONFIG.readsDurationS);
      const after = await sim.stats();
      const m = await gw.metrics();
      const userErrors = m.filter((s) => s.name === 'cinegraph_user_errors_total').reduce((a, s) => a + s.value, 0);
      return { cannon: result, providerCreates: after.generations - before.generations, userErrors, gatewaySequential, directSequential };
    } finally {
      await gw.stop();
    }
  } finally {
    await sim.proc.stop();
  }
}

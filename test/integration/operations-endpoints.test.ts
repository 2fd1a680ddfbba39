import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { collectWs, GENERATE, READ, startGateway, UPDATES, waitFor, type TestGateway } from '../utils/gateway.js';
import { metric, parseProm } from '../utils/prom.js';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

async function scrape(g: TestGateway, headers: Record<string, string> = {}) {
  const res = await fetch(`${g.url}/metrics`, { headers });
  expect(res.status).toBe(200);
  return parseProm(await res.text());
}

describe('health and readiness', () => {
  it('answers /health, and /ready flips to 503 naming the cause once shutdown starts', async () => {
    gw = await startGateway();
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
    const ready = await fetch(`${gw.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', problems: [] });
    const stopping = gw.app.stop();
    const r = await gw.app.readiness();
    expect(r.ready).toBe(false);
    expect(r.problems).toContain('shutting down');
    await stopping;
  });
});

describe('metrics', () => {
  it('change as a generation runs', async () => {
    // Long enough phases for the scrape "during" to find it running, and for the poller to see
    // GENERATING, on a loaded machine.
    gw = await startGateway({ sim: { queueMs: 300, generateMs: 1000 } });
    const before = await scrape(gw);
    expect(metric(before, 'cinegraph_generation_transitions_total')).toBe(0);
    expect(metric(before, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    const { body } = await gw.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'a kite' } });
    const id = body.data!.generateVideo.generation.id;
    const client = gw.ws();
    const done = collectWs(client, UPDATES, { id });
    await waitFor(() => gw!.app.streams.active === 1, 5000, 'subscription');
    const during = await scrape(gw);
    expect(metric(during, 'cinegraph_active_pollers')).toBe(1);
    expect(metric(during, 'cinegraph_active_subscriptions', { transport: 'ws' })).toBe(1);
    expect(metric(during, 'cinegraph_websocket_connections')).toBe(1);
    await done;

    await gw.gql(GENERATE, { input: { prompt: '' } });
    const after = await scrape(gw);
    expect(metric(after, 'cinegraph_provider_requests_total', { operation: 'create', outcome: 'ok' })).toBe(1);
    expect(metric(after, 'cinegraph_provider_requests_total', { operation: 'read', outcome: 'ok' })).toBeGreaterThan(0);
    expect(metric(after, 'cinegraph_provider_request_duration_seconds_count', { operation: 'create' })).toBe(1);
    expect(metric(after, 'cinegraph_generation_transitions_total', { status: 'COMPLETED' })).toBe(1);
    expect(metric(after, 'cinegraph_generation_transitions_total', { status: 'GENERATING' })).toBe(1);
    expect(metric(after, 'cinegraph_generation_duration_seconds_count', { resolution: '720p', duration: '5', status: 'COMPLETED' })).toBe(1);
    expect(metric(after, 'cinegraph_user_errors_total', { code: 'INVALID_INPUT' })).toBe(1);
    expect(metric(after, 'cinegraph_active_pollers')).toBe(0);
    expect(metric(after, 'cinegraph_http_requests_total', { method: 'POST', status: '200' })).toBeGreaterThanOrEqual(2);
  });

  it('counts provider retries', async () => {
    gw = await startGateway({ sim: { queueMs: 50, generateMs: 150 } });
    const { body } = await gw.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'a kite' } });
    gw.sim.inject({ type: 'status', status: 503 }, { times: 2 });
    await collectWs(gw.ws(), UPDATES, { id: body.data!.generateVideo.generation.id });
    const s = await scrape(gw);
    expect(metric(s, 'cinegraph_provider_retries_total', { operation: 'read' })).toBeGreaterThanOrEqual(2);
    expect(metric(s, 'cinegraph_provider_requests_total', { operation: 'read', outcome: 'http_503' })).toBe(2);
  });

  it('can sit behind its own token, or be switched off', async () => {
    gw = await startGateway({ env: { METRICS_TOKEN: 'metrics-secret-0123456789' } });
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    await scrape(gw, { authorization: 'Bearer metrics-secret-0123456789' });
    await gw.stop();
    gw = await startGateway({ env: { METRICS: 'false' } });
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(404);
  });
});

describe('logs', () => {
  it('are JSON lines with request id, client, operation and generation id, and no secrets or prompts', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    });
    const token = 'alice-secret-token-0123456789';
    const prompt = 'a very private prompt about the moon landing';
    gw = await startGateway({
      env: { GATEWAY_TOKENS: `alice:${token}`, LOG_LEVEL: 'info' },
      deps: { logger: pino({ level: 'info' }, sink) },
    });
    const auth = { authorization: `Bearer ${token}`, 'x-request-id': 'req-test-42' };
    const { body } = await gw.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt } }, auth);
    const id = body.data!.generateVideo.generation.id;
    await collectWs(gw.ws({ authorization: `Bearer ${token}` }), UPDATES, { id });
    await gw.gql(READ, { id }, auth);
    await waitFor(() => lines.some((l) => l.includes('"request"') && l.includes('"Read"')), 5000, 'read log line');

    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const request = parsed.find((l) => l.msg === 'request' && l.requestId === 'req-test-42' && l.operation === 'Generate');
    expect(request).toMatchObject({ method: 'POST', path: '/graphql', status: 200, client: 'alice' });
    expect(typeof request?.durationMs).toBe('number');
    const transitions = parsed.filter((l) => l.msg === 'generation transition' && l.generationId === id);
    expect(transitions.map((t) => t.status)).toEqual(['GENERATING', 'COMPLETED']);
    const created = parsed.find((l) => l.msg === 'generation created');
    expect(created).toMatchObject({ generationId: id, client: 'alice' });

    const all = lines.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(gw.sim.apiKey);
    expect(all).not.toContain(prompt);
  });
});

/**
 * Webhooks end to end: the real gateway (built-in simulator as the provider) delivering to a real
 * receiver on a free 127.0.0.1 port, which verifies every delivery with the `standardwebhooks`
 * package as a user's receiver would. Delivery: once, signed, retried, across a restart,
 * disabled on 410, bounded in time, never in the way of subscriptions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { collectWs, startGateway, tempDir, UPDATES, waitFor } from '../utils/gateway.js';
import {
  capturingLogger,
  cleanups,
  deliveries,
  ENDPOINTS,
  gateway,
  generate,
  receiver,
  REDELIVER,
  register,
  runCleanups,
  type LogLine,
} from '../utils/webhook-helpers.js';

afterEach(runCleanups);

describe('webhook delivery', () => {
  it('delivers a terminal event once, signed, with the documented body, and keeps the secret out of the database', async () => {
    const lines: LogLine[] = [];
    const gw = await gateway({}, { deps: { logger: capturingLogger(lines) } });
    const rx = await receiver();
    const ep = await register(gw, rx.url);
    rx.secret = ep.secret;
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const id = await generate(gw, 'a lighthouse in a storm');
    await rx.waitFor((r) => r.length >= 1);
    // Settle: the delivery is DELIVERED, and nothing else follows.
    await waitFor(async () => (await deliveries(gw, ep.id))[0]?.status === 'DELIVERED', 5000, 'DELIVERED');
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    expect(got.verified).toBe(true);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(got.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(got.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Object.keys(got.body).sort()).toEqual(['data', 'timestamp', 'type']);
    expect(got.body.type).toBe('video_generation.completed');
    expect(new Date(got.body.timestamp).toISOString()).toBe(got.body.timestamp);
    const data = got.body.data;
    expect(Object.keys(data).sort()).toEqual(
      ['completedAt', 'createdAt', 'error', 'id', 'model', 'progress', 'prompt', 'providerStatus', 'status', 'video'].sort(),
    );
    expect(data).toMatchObject({ id, status: 'COMPLETED', model: 'TEXT_TO_VIDEO', prompt: 'a lighthouse in a storm', progress: 1, error: null });
    expect(typeof data.providerStatus).toBe('string');
    expect(new Date(data.createdAt as string).toISOString()).toBe(data.createdAt);
    expect(new Date(data.completedAt as string).toISOString()).toBe(data.completedAt);
    expect(Object.keys(data.video as object).sort()).toEqual(['contentType', 'fileSize', 'url']);
    expect((data.video as { url: string }).url).toMatch(/^https?:\/\//);

    const [d] = await deliveries(gw, ep.id);
    expect(d).toMatchObject({ id: got.id, eventType: 'VIDEO_GENERATION_COMPLETED', generationId: id, status: 'DELIVERED', attempts: 1, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
    expect(d!.deliveredAt).not.toBeNull();

    // The secret is in no log line, and not in the database's files as written.
    const secretBytes = ep.secret.slice('whsec_'.length);
    expect(JSON.stringify(lines)).not.toContain(secretBytes);
    const attempts = lines.filter((l) => l.msg === 'webhook attempt');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ webhookId: got.id, attempt: 1, outcome: 'delivered', statusCode: 204 });
    const dataDir = gw.config.dataDir;
    for (const f of readdirSync(dataDir)) {
      if (!f.startsWith('cinegraph.db')) continue;
      const bytes = readFileSync(path.join(dataDir, f));
      expect(bytes.includes(Buffer.from(secretBytes))).toBe(false);
      expect(bytes.includes(Buffer.from(ep.secret))).toBe(false);
    }
    // The endpoint never shows its secret again.
    const { body } = await gw.gql(ENDPOINTS);
    expect(JSON.stringify(body)).not.toContain(secretBytes);
  });

  it('retries a receiver that answers 500 three times with the same webhook-id, and logs every attempt', async () => {
    const lines: LogLine[] = [];
    const gw = await gateway({}, { deps: { logger: capturingLogger(lines) } });
    const rx = await receiver();
    rx.respond = (req) => ({ status: req.n <= 3 ? 500 : 200 });
    const ep = await register(gw, rx.url);
    rx.secret = ep.secret;
    await generate(gw, 'four knocks');
    await rx.waitFor((r) => r.length >= 4);
    await waitFor(async () => (await deliveries(gw, ep.id))[0]?.status === 'DELIVERED', 5000, 'DELIVERED');
    expect(rx.received).toHaveLength(4);
    expect(new Set(rx.received.map((r) => r.id)).size).toBe(1);
    expect(rx.received.every((r) => r.verified)).toBe(true);
    // The same event each time: the body is fixed when the delivery is recorded.
    expect(new Set(rx.received.map((r) => r.raw)).size).toBe(1);
    const attempts = lines.filter((l) => l.msg === 'webhook attempt' && l.webhookId === rx.received[0]!.id);
    expect(attempts.map((l) => [l.attempt, l.outcome, l.statusCode])).toEqual([
      [1, 'http_error', 500],
      [2, 'http_error', 500],
      [3, 'http_error', 500],
      [4, 'delivered', 200],
    ]);
    const [d] = await deliveries(gw, ep.id);
    expect(d).toMatchObject({ status: 'DELIVERED', attempts: 4, lastStatusCode: 200 });
    // Metrics count the attempts by outcome.
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/cinegraph_webhook_attempts_total\{outcome="http_error"\} 3/);
    expect(metrics).toMatch(/cinegraph_webhook_attempts_total\{outcome="delivered"\} 1/);
    expect(metrics).toMatch(/cinegraph_webhook_delivery_latency_seconds_count 1/);
  });

  it('gives up after the last delay of the schedule (FAILED), and redeliverWebhook sends it again with the same id', async () => {
    const gw = await gateway({ WEBHOOK_RETRY_SCHEDULE: '30,30' });
    const rx = await receiver();
    let healthy = false;
    rx.respond = () => ({ status: healthy ? 200 : 503 });
    const ep = await register(gw, rx.url);
    rx.secret = ep.secret;
    await generate(gw, 'never answered');
    await waitFor(async () => (await deliveries(gw, ep.id))[0]?.status === 'FAILED', 5000, 'FAILED');
    const [failed] = await deliveries(gw, ep.id);
    expect(failed).toMatchObject({ attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: null });
    expect(rx.received).toHaveLength(3);

    healthy = true;
    const { body } = await gw.gql<{ redeliverWebhook: { delivery: { id: string; status: string } | null } }>(REDELIVER, { id: failed!.id });
    expect(body.data?.redeliverWebhook.delivery).toMatchObject({ id: failed!.id, status: 'PENDING' });
    await rx.waitFor((r) => r.length >= 4);
    expect(rx.received[3]!.id).toBe(failed!.id);
    expect(rx.received[3]!.verified).toBe(true);
    await waitFor(async () => (await deliveries(gw, ep.id))[0]?.status === 'DELIVERED', 5000, 'DELIVERED');
    expect((await deliveries(gw, ep.id))[0]).toMatchObject({ attempts: 4, lastStatusCode: 200 });
  });

  it('honours Retry-After', async () => {
    const gw = await gateway({ WEBHOOK_RETRY_SCHEDULE: '20,20' });
    const rx = await receiver();
    rx.respond = (req) => (req.n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    const ep = await register(gw, rx.url);
    rx.secret = ep.secret;
    await generate(gw, 'wait a second');
    await rx.waitFor((r) => r.length >= 2, 10_000);
    const gap = rx.received[1]!.at - rx.received[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('still delivers after a gateway restart when the receiver was down until then (same DATA_DIR)', async () => {
    const dataDir = tempDir();
    const sim: Simulator = await startSimulator({ queueMs: 60, generateMs: 200 });
    cleanups.push(() => sim.stop());
    const rx = await receiver();
    await rx.close(); // down: connections refused
    const env = { WEBHOOK_RETRY_SCHEDULE: '100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100' };
    const lines: LogLine[] = [];
    const first = await startGateway({ dataDir, simulator: sim, env: { WEBHOOK_ALLOW_PRIVATE: 'true', ARCHIVE_VIDEOS: 'false', ...env }, deps: { logger: capturingLogger(lines) } });
    let firstStopped = false;
    cleanups.push(async () => {
      if (!firstStopped) await first.stop();
    });
    const ep = await register(first, rx.url);
    rx.secret = ep.secret;
    const id = await generate(first, 'across a restart');
    await waitFor(() => lines.some((l) => l.msg === 'webhook attempt' && l.outcome === 'network'), 5000, 'a refused attempt');
    await first.stop();
    firstStopped = true;
    expect(rx.received).toHaveLength(0);

    await rx.listen();
    const second = await startGateway({ dataDir, simulator: sim, env: { WEBHOOK_ALLOW_PRIVATE: 'true', ARCHIVE_VIDEOS: 'false', ...env } });
    cleanups.push(() => second.stop());
    await rx.waitFor((r) => r.some((x) => x.body.type === 'video_generation.completed'), 10_000);
    const got = rx.received.find((x) => x.body.type === 'video_generation.completed')!;
    expect(got.verified).toBe(true);
    expect(got.body.data.id).toBe(id);
    const [d] = await waitFor(async () => {
      const ds = await deliveries(second, ep.id);
      return ds[0]?.status === 'DELIVERED' ? ds : null;
    });
    expect(d!.attempts).toBeGreaterThanOrEqual(2);
  });

  it('disables an endpoint that answers 410 Gone, and sends it nothing more', async () => {
    const gw = await gateway();
    const rx = await receiver();
    rx.respond = () => ({ status: 410 });
    const ep = await register(gw, rx.url);
    rx.secret = ep.secret;
    await generate(gw, 'gone');
    await waitFor(async () => {
      const { body } = await gw.gql<{ webhookEndpoints: { id: string; disabledAt: string | null }[] }>(ENDPOINTS);
      return body.data?.webhookEndpoints[0]?.disabledAt;
    }, 5000, 'disabledAt');
    const [d] = await deliveries(gw, ep.id);
    expect(d).toMatchObject({ status: 'FAILED', attempts: 1, lastStatusCode: 410 });
    // A later generation's event is not recorded for a disabled endpoint.
    const second = await generate(gw, 'gone again');
    await waitFor(async () => {
      const { body } = await gw.gql<{ videoGeneration: { status: string } }>(`query($id: ID!) { videoGeneration(id: $id) { status } }`, { id: second });
      return body.data?.videoGeneration.status === 'COMPLETED';
    }, 5000, 'second completed');
    await new Promise((r) => setTimeout(r, 200));
    expect(rx.received).toHaveLength(1);
    expect(await deliveries(gw, ep.id)).toHaveLength(1);
  });

  it('retries a receiver slower than WEBHOOK_TIMEOUT_MS', async () => {
    const lines: LogLine[] = [];
    const gw = await gateway({ WEBHOOK_TIMEOUT_MS: '300' }, { deps: { logger: capturingLogger(lines) } });
    const rx = await receiver();
    rx.respond = (req) => (req.n === 1 ? { status: 200, delayMs: 1500 } : { status: 200 });
    const ep = await register(gw, rx.url);
    rx.secret = ep.secret;
    await generate(gw, 'slowly');
    await waitFor(async () => (await deliveries(gw, ep.id))[0]?.status === 'DELIVERED', 5000, 'DELIVERED');
    expect(rx.received.length).toBeGreaterThanOrEqual(2);
    expect(new Set(rx.received.map((r) => r.id)).size).toBe(1);
    const outcomes = lines.filter((l) => l.msg === 'webhook attempt').map((l) => l.outcome);
    expect(outcomes[0]).toBe('timeout');
    expect(outcomes.at(-1)).toBe('delivered');
  });

  it('sends every status change to an endpoint that asks for them', async () => {
    const gw = await gateway();
    const rx = await receiver();
    const ep = await register(gw, rx.url, ['VIDEO_GENERATION_STATUS_CHANGED', 'VIDEO_GENERATION_COMPLETED']);
    rx.secret = ep.secret;
    const id = await generate(gw, 'step by step');
    await rx.waitFor((r) => r.some((x) => x.body.type === 'video_generation.completed'));
    await waitFor(async () => (await deliveries(gw, ep.id)).every((d) => d.status === 'DELIVERED'), 5000, 'all delivered');
    const { body } = await gw.gql<{ videoGeneration: { transitions: { status: string }[] } }>(
      `query($id: ID!) { videoGeneration(id: $id) { transitions { status } } }`,
      { id },
    );
    const statuses = body.data!.videoGeneration.transitions.map((t) => t.status);
    const changed = rx.received.filter((r) => r.body.type === 'video_generation.status_changed').map((r) => r.body.data.status);
    expect(changed).toEqual(statuses.slice(1));
    expect(rx.received.filter((r) => r.body.type === 'video_generation.completed')).toHaveLength(1);
    expect(new Set(rx.received.map((r) => r.id)).size).toBe(rx.received.length);
    expect(rx.received.every((r) => r.verified)).toBe(true);
  });

  it('never delays subscriptions or polling: a receiver that hangs holds only the worker', async () => {
    const gw = await gateway({ WEBHOOK_TIMEOUT_MS: '8000', WEBHOOK_CONCURRENCY: '1' });
    const rx = await receiver();
    rx.respond = () => ({ status: 200, delayMs: 20_000 });
    const ep = await register(gw, rx.url, ['VIDEO_GENERATION_STATUS_CHANGED', 'VIDEO_GENERATION_COMPLETED']);
    rx.secret = ep.secret;
    const started = Date.now();
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => generate(gw, `busy ${i}`)));
    const client = gw.ws();
    const streams = await Promise.all(ids.map((id) => collectWs<{ videoGenerationUpdates: { status: string } }>(client, UPDATES, { id })));
    const took = Date.now() - started;
    for (const s of streams) {
      expect(s.errors).toEqual([]);
      expect(s.results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
    }
    // Every generation finished and was streamed while the one delivery slot was still stuck
    // on its first attempt (8 s timeout): at most one request has reached the receiver.
    expect(took).toBeLessThan(7000);
    expect(rx.received.length).toBeLessThanOrEqual(1);
    const pending = await deliveries(gw, ep.id);
    expect(pending.length).toBeGreaterThanOrEqual(10);
    expect(pending.every((d) => d.status === 'PENDING')).toBe(true);
  });
});

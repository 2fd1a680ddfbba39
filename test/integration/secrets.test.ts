/**
 * Captures every response, every WebSocket frame and every log line of a full run, the fault
 * matrix included, and finds no trace of the provider key.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { GENERATE, READ, startGateway, UPDATES, type TestGateway } from '../utils/gateway.js';

const KEY = 'sk-aiml-FAKE-3f9c2e7a1b4d4e8f9a0b1c2d3e4f5a6b';
const WRONG_KEY = 'sk-aiml-FAKE-WRONG-0000aaaa1111bbbb2222cccc';

const captured: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    captured.push(chunk.toString('utf8'));
    cb();
  },
});
const logger = pino({ level: 'trace' }, sink);
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function call(gw: TestGateway, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  captured.push(JSON.stringify([...res.headers.entries()]), text);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Speaks graphql-transport-ws by hand so that every frame is seen. */
function watchRaw(gw: TestGateway, id: string): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('message', (data) => {
      const text = String(data);
      captured.push(text);
      const msg = JSON.parse(text) as { type: string };
      if (msg.type === 'connection_ack') ws.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: UPDATES, variables: { id } } }));
      if (msg.type === 'complete' || msg.type === 'error') ws.close();
    });
    ws.on('close', () => resolve());
  });
}

async function sse(gw: TestGateway, id: string): Promise<void> {
  const res = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: UPDATES, variables: { id } }),
  });
  captured.push(await res.text());
}

describe('the provider key', () => {
  let sim: Simulator;

  it('never appears in a response, a frame or a log line, through a full run and the fault matrix', async () => {
    sim = await startSimulator({ apiKey: KEY, queueMs: 40, generateMs: 120 });
    cleanup.push(() => sim.stop());
    const gw = await startGateway({ simulator: sim, deps: { logger } });
    cleanup.push(() => gw.stop());

    const run = async (prompt: string, fault?: () => void): Promise<void> => {
      const created = (await call(gw, GENERATE, { input: { prompt } })) as { data?: { generateVideo: { generation: { id: string } | null } } };
      const id = created.data?.generateVideo.generation?.id;
      if (!id) return;
      fault?.();
      await Promise.all([watchRaw(gw, id), sse(gw, id)]);
      await call(gw, READ, { id });
    };

    await run('a plain run');
    await run('429 with wait', () => sim.inject({ type: 'status', status: 429, retryAfter: 1 }));
    await run('429 without wait', () => sim.inject({ type: 'status', status: 429 }));
    for (const status of [500, 502, 503, 504] as const) await run(`burst ${status}`, () => sim.inject({ type: 'status', status }, { times: 3 }));
    await run('hang', () => sim.inject({ type: 'hang' }));
    await run('reset', () => sim.inject({ type: 'reset' }, { times: 2 }));
    await run('non-json', () => sim.inject({ type: 'non-json' }, { times: 2 }));
    for (const tag of ['legacy', 'unknown-status', 'video-array', 'fail', 'fail-detail', 'done-without-url']) await run(`tagged [sim:${tag}]`);
    for (const status of [400, 403, 429, 500] as const) {
      sim.inject({ type: 'status', status }, { on: 'create' });
      await run(`create refused ${status}`);
    }
    sim.inject({ type: 'hang' }, { on: 'create' });
    await run('create hangs');
    await call(gw, READ, { id: 'unknown:pixverse/v5/text-to-video' });
    await call(gw, '{ videoGenerations(first: 50) { edges { node { id status error { code message } video { url providerUrl } } } } }');
    captured.push(await (await fetch(`${gw.url}/metrics`)).text());

    const everything = captured.join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(8, 30));
  });

  it('a wrong key (401) is reported loudly once, answered UPSTREAM_UNAVAILABLE, and never echoed', async () => {
    const lines: string[] = [];
    const local = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          lines.push(chunk.toString('utf8'));
          captured.push(chunk.toString('utf8'));
          cb();
        },
      }),
    );
    const gw = await startGateway({ simulator: sim, env: { AIMLAPI_KEY: WRONG_KEY }, deps: { logger: local } });
    cleanup.push(() => gw.stop());
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call(gw, GENERATE, { input: { prompt: `with a bad key ${i}` } }));
    for (const a of answers) {
      expect((a as { data: { generateVideo: { userErrors: { code: string }[] } } }).data.generateVideo.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    }
    const loud = lines.filter((l) => l.includes('rejected the API key'));
    expect(loud).toHaveLength(1);
    expect(JSON.parse(loud[0]!).level).toBe(50);
    const everything = captured.join('\n');
    expect(everything).not.toContain(WRONG_KEY);
    expect(everything).not.toContain(KEY);
  });
});

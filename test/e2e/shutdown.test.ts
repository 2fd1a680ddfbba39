import { createClient, type Client } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GENERATE, tempDir, UPDATES, waitFor } from '../utils/gateway.js';
import { spawnGateway, type GatewayProcess } from '../utils/process.js';
import { metric, parseProm } from '../utils/prom.js';

let proc: GatewayProcess | null = null;
const clients: Client[] = [];
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await Promise.allSettled(clients.splice(0).map((c) => c.dispose()));
  if (proc && proc.child.exitCode === null) proc.kill('SIGKILL');
  proc = null;
});

const WS_CONNECTIONS = 50;
const WS_PER_CONNECTION = 10;
const SSE_STREAMS = 500;

describe('graceful shutdown', () => {
  it('closes 1,000 open subscriptions on both transports cleanly and exits 0 within the timeout after SIGTERM', async () => {
    proc = await spawnGateway({ SHUTDOWN_TIMEOUT_MS: '10000', MAX_SUBSCRIPTIONS_PER_CLIENT: '5000', MAX_SUBSCRIPTIONS_PER_CONNECTION: '100', DATA_DIR: tempDir(), MAX_ACTIVE_GENERATIONS: '10' });
    const url = proc.url;
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: GENERATE, variables: { input: { prompt: 'a clock that never strikes [sim:never]' } } }),
    });
    const id = ((await res.json()) as { data: { generateVideo: { generation: { id: string } } } }).data.generateVideo.generation.id;

    let wsFirstEvents = 0;
    let wsCompleted = 0;
    let wsErrored = 0;
    const closeCodes: number[] = [];
    for (let c = 0; c < WS_CONNECTIONS; c++) {
      const client = createClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        on: { closed: (e) => closeCodes.push((e as { code: number }).code) },
      });
      clients.push(client);
      for (let s = 0; s < WS_PER_CONNECTION; s++) {
        let first = true;
        client.subscribe(
          { query: UPDATES, variables: { id } },
          {
            next: () => {
              if (first) wsFirstEvents++;
              first = false;
            },
            error: () => wsErrored++,
            complete: () => wsCompleted++,
          },
        );
      }
    }

    let sseFirstEvents = 0;
    let sseEnded = 0;
    let sseCompleteEvents = 0;
    let sseFailed = 0;
    const sse = Array.from({ length: SSE_STREAMS }, async () => {
      const ac = new AbortController();
      aborts.push(ac);
      try {
        const r = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query: UPDATES, variables: { id } }),
          signal: ac.signal,
        });
        let first = true;
        let text = '';
        for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
          text += Buffer.from(chunk).toString('utf8');
          if (first && text.includes('event: next')) {
            sseFirstEvents++;
            first = false;
          }
        }
        if (text.includes('event: complete')) sseCompleteEvents++;
        sseEnded++;
      } catch {
        sseFailed++;
      }
    });

    await waitFor(() => wsFirstEvents === WS_CONNECTIONS * WS_PER_CONNECTION && sseFirstEvents === SSE_STREAMS, 30_000, 'all subscriptions open');
    const scraped = parseProm(await (await fetch(`${url}/metrics`)).text());
    expect(metric(scraped, 'cinegraph_active_subscriptions')).toBe(WS_CONNECTIONS * WS_PER_CONNECTION + SSE_STREAMS);

    const t0 = Date.now();
    proc.kill('SIGTERM');
    const exit = await proc.exited;
    const tookMs = Date.now() - t0;
    await Promise.all(sse);
    await waitFor(() => closeCodes.length === WS_CONNECTIONS, 5000, 'every socket closed');

    expect(exit.code).toBe(0);
    expect(tookMs).toBeLessThan(10_000);
    // WebSocket clients were told "going away" (1001) so they reconnect elsewhere.
    expect(new Set(closeCodes)).toEqual(new Set([1001]));
    // Every subscription ended by completing (streams ended), none by a transport error.
    expect(wsCompleted + wsErrored).toBeLessThanOrEqual(WS_CONNECTIONS * WS_PER_CONNECTION);
    expect(sseFailed).toBe(0);
    expect(sseEnded).toBe(SSE_STREAMS);
    expect(sseCompleteEvents).toBe(SSE_STREAMS);
  });
});

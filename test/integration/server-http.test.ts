/**
 * The HTTP handling before GraphQL (request id, body limits, the route table) and the route
 * modules, on a real server on port 0 with a stand-in for GraphQL.
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type GatewayHttpServer, type RequestNotes } from '../../src/server/http.js';
import { createHealthRoute } from '../../src/server/routes/health.js';
import { createMetricsRoute } from '../../src/server/routes/metrics.js';
import { createReadiness, createReadyRoute } from '../../src/server/routes/ready.js';
import type { RouteTable } from '../../src/server/routes/route.js';

let running: GatewayHttpServer | null = null;
afterEach(async () => {
  if (!running) return;
  const { server } = running;
  running = null;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function serve(routes: RouteTable, seen: RequestNotes[] = []): Promise<string> {
  running = createHttpServer({
    logger: pino({ level: 'silent' }),
    maxBodyBytes: 100,
    routes,
    graphql: async (_req, res, notes) => {
      seen.push(notes);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('graphql');
    },
  });
  await new Promise<void>((resolve) => running!.server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
}

describe('request handling', () => {
  it('tries routes in order, then GraphQL, with a request id on every answer', async () => {
    const order: string[] = [];
    const seen: RequestNotes[] = [];
    const url = await serve(
      [
        (_req, _res, path) => (order.push(`a:${path}`), false),
        (_req, res, path) => {
          order.push(`b:${path}`);
          if (path !== '/b') return false;
          res.end('b');
          return true;
        },
      ],
      seen,
    );
    const b = await fetch(`${url}/b?x=1`);
    expect(await b.text()).toBe('b');
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const g = await fetch(`${url}/graphql`, { headers: { 'x-request-id': 'req-7' } });
    expect(await g.text()).toBe('graphql');
    expect(g.headers.get('x-request-id')).toBe('req-7');
    expect(seen.map((n) => n.requestId)).toEqual(['req-7']);
    expect(order).toEqual(['a:/b', 'b:/b', 'a:/graphql', 'b:/graphql']);
    // A request id that is not a sane token is replaced.
    const odd = await fetch(`${url}/graphql`, { headers: { 'x-request-id': 'x'.repeat(200) } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses large bodies and bodies without a length before any route or GraphQL', async () => {
    const seen: RequestNotes[] = [];
    const url = await serve([() => true], seen);
    const big = await fetch(`${url}/graphql`, { method: 'POST', body: 'x'.repeat(101) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('BAD_REQUEST');
    const chunked = await fetch(`${url}/graphql`, {
      method: 'POST',
      body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('{}')), c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(411);
    expect(seen).toEqual([]);
  });

  it('answers 500 without details when a route throws', async () => {
    const url = await serve([() => Promise.reject(new Error('secret detail'))]);
    const r = await fetch(`${url}/anything`);
    expect(r.status).toBe(500);
    expect(await r.text()).not.toContain('secret');
  });
});

describe('routes', () => {
  it('/health names the instance when there is one', async () => {
    const url = await serve([createHealthRoute({ instance: 'i-1' })]);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok', instance: 'i-1' });
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('graphql');
  });

  it('/ready lists every problem at once', async () => {
    let down = false;
    let stopping = false;
    const readiness = createReadiness({
      store: { kind: 'memory', healthy: async () => !down },
      shuttingDown: () => stopping,
      checks: [async () => (down ? 'redis unreachable' : null), () => Promise.reject(new Error('check broke'))],
    });
    const url = await serve([createReadyRoute(readiness)]);
    const first = await fetch(`${url}/ready`);
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ status: 'unavailable', problems: ['Error: check broke'] });
    down = true;
    stopping = true;
    expect((await readiness()).problems).toEqual(['shutting down', 'store (memory) unavailable', 'redis unreachable', 'Error: check broke']);
  });

  it('/metrics asks for its token when it has one', async () => {
    const registry = { contentType: 'text/plain; version=0.0.4', metrics: async () => 'up 1\n' };
    const url = await serve([createMetricsRoute({ registry, token: 'metrics-token-0123456789' })]);
    const refused = await fetch(`${url}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(await ok.text()).toBe('up 1\n');
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });
});

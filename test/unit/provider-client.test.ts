import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createUpstreamClient } from '../../src/provider/client.js';
import type { UpstreamClientOptions, UpstreamRequestInfo, UpstreamRetryInfo } from '../../src/provider/client.js';
import { UpstreamError } from '../../src/provider/errors.js';
import { userErrorCodeFor } from '../../src/generations/user-errors.js';
import { GENERATION_PATH } from '../../src/provider/wire.js';

const KEY = 'sk-test-0123456789abcdef-SECRET';
const ID = '1fe4344e-07a4-4c41-b0d4-0f1b2c3d4e5f:pixverse/v5/text-to-video';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number, body: string) => void;

interface TestServer {
  url: string;
  port: number;
  requests: Recorded[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];

/** A real provider stand-in on port 0; `n` counts requests from 1. */
async function startServer(handler: Handler, port = 0): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, requests.length, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  const s: TestServer = {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function providerError(status: number, message: string, requestId = 'req-abc'): Record<string, string> {
  return { message, path: GENERATION_PATH, requestId, statusCode: String(status), timestamp: new Date().toISOString() };
}

/** A free port with nothing listening on it (connections are refused). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Harness {
  delays: number[];
  requests: UpstreamRequestInfo[];
  retries: UpstreamRetryInfo[];
}

function client(baseUrl: string, extra: Partial<UpstreamClientOptions> = {}) {
  const h: Harness = { delays: [], requests: [], retries: [] };
  const c = createUpstreamClient({
    baseUrl,
    apiKey: KEY,
    createTimeoutMs: 300,
    readTimeoutMs: 300,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 5000,
    random: () => 0.5,
    sleep: async (ms) => {
      h.delays.push(ms);
    },
    onRequest: (info) => h.requests.push(info),
    onRetry: (info) => h.retries.push(info),
    ...extra,
  });
  return { c, h };
}

async function rejection(p: Promise<unknown>): Promise<UpstreamError> {
  const err: unknown = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

/** Everything an error could leak through: message, stack, own and hidden props, causes, JSON. */
function serialise(err: unknown): string {
  const parts: string[] = [inspect(err, { showHidden: true, depth: Infinity, getters: true })];
  let current: unknown = err;
  for (let i = 0; i < 10 && current instanceof Error; i++) {
    parts.push(String(current.stack), JSON.stringify(current, Object.getOwnPropertyNames(current)));
    current = current.cause;
  }
  return parts.join('\n');
}

const queued = { id: ID, status: 'queued', meta: { usage: { credits_used: 120000 } } };

describe('create', () => {
  it.each([200, 201])('accepts a %i answer and normalises it', async (status) => {
    const srv = await startServer((_req, res) => json(res, status, queued));
    const { c, h } = client(srv.url);
    await expect(c.create({ prompt: 'a dragon' })).resolves.toEqual({
      id: ID,
      status: 'queued',
      video: null,
      error: null,
      usage: { creditsUsed: 120000, tokensUsed: null, usdSpent: null },
    });
    expect(h.requests).toMatchObject([{ operation: 'create', outcome: 'ok', status, attempt: 1 }]);
  });

  it('posts the documented body and headers, omitting absent fields', async () => {
    const srv = await startServer((_req, res) => json(res, 200, queued));
    const { c } = client(srv.url);
    await c.create(
      { prompt: 'a dragon', resolution: '1080p', duration: 5, aspect_ratio: '16:9', seed: 0, negative_prompt: undefined, style: null as never },
      { requestId: 'gw-req-1' },
    );
    expect(srv.requests).toHaveLength(1);
    const [req] = srv.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe(GENERATION_PATH);
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req?.headers['x-request-id']).toBe('gw-req-1');
    expect(req?.headers['content-type']).toMatch(/^application\/json/);
    const body: unknown = JSON.parse(req?.body ?? '');
    expect(body).toStrictEqual({
      model: 'pixverse/v5/text-to-video',
      prompt: 'a dragon',
      resolution: '1080p',
      duration: 5,
      aspect_ratio: '16:9',
      seed: 0,
    });
    expect(typeof (body as { duration: unknown }).duration).toBe('number');
  });

  it('keeps a path prefix in the base URL and sends no X-Request-Id unless asked', async () => {
    const srv = await startServer((_req, res) => json(res, 200, queued));
    const { c } = client(`${srv.url}/proxy/`);
    await c.create({ prompt: 'p' });
    expect(srv.requests[0]?.url).toBe(`/proxy${GENERATION_PATH}`);
    expect(srv.requests[0]?.headers['x-request-id']).toBeUndefined();
  });

  const neverResent: Array<[string, Handler, Partial<UpstreamError>]> = [
    ['a timeout', () => {}, { kind: 'timeout', status: null }],
    ['a connection reset', (req) => req.socket.destroy(), { kind: 'network', status: null }],
    ['a 500', (_req, res) => json(res, 500, providerError(500, 'Internal server error')), { kind: 'http', status: 500 }],
    ['a 502 from a proxy (HTML)', (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'), { kind: 'http', status: 502 }],
    ['a non-JSON 200', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>'), { kind: 'parse', status: 200 }],
    ['a 201 without an id', (_req, res) => json(res, 201, { status: 'queued' }), { kind: 'parse', status: 201 }],
    ['an empty 200', (_req, res) => res.writeHead(200).end(), { kind: 'parse', status: 200 }],
    ['a body cut off mid-way', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"id":"');
      setTimeout(() => req.socket.destroy(), 20);
    }, { kind: 'network', status: null }],
  ];

  it.each(neverResent)('is never resent after %s, and says it may have reached the provider', async (_label, handler, expected) => {
    const srv = await startServer(handler);
    const { c, h } = client(srv.url, { createTimeoutMs: 150 });
    const err = await rejection(c.create({ prompt: 'p' }));
    expect(err).toMatchObject({ ...expected, method: 'POST', path: GENERATION_PATH, mayHaveReachedProvider: true });
    expect(srv.requests).toHaveLength(1);
    expect(h.retries).toHaveLength(0);
    expect(h.requests).toHaveLength(1);
    expect(userErrorCodeFor(err.reason)).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('is not resent after a 429, and a 4xx means no generation exists', async () => {
    const srv = await startServer((_req, res) => json(res, 429, providerError(429, 'Too many requests'), { 'retry-after': '7' }));
    const { c, h } = client(srv.url);
    const err = await rejection(c.create({ prompt: 'p' }));
    expect(err).toMatchObject({ kind: 'http', status: 429, retryAfterMs: 7000, mayHaveReachedProvider: false, providerMessage: 'Too many requests' });
    expect(srv.requests).toHaveLength(1);
    expect(h.retries).toHaveLength(0);
    expect(userErrorCodeFor(err.reason)).toBe('RATE_LIMITED');
  });

  it('carries the provider message and requestId of a 400', async () => {
    const srv = await startServer((_req, res) => json(res, 400, providerError(400, 'duration must be one of 5, 8', 'req-400')));
    const { c, h } = client(srv.url);
    const err = await rejection(c.create({ prompt: 'p' }));
    expect(err).toMatchObject({ kind: 'http', status: 400, providerMessage: 'duration must be one of 5, 8', requestId: 'req-400', mayHaveReachedProvider: false });
    expect(err.message).toBe(`[POST] "${GENERATION_PATH}": 400: duration must be one of 5, 8`);
    expect(h.requests).toMatchObject([{ outcome: 'http_400', status: 400 }]);
    expect(userErrorCodeFor(err.reason)).toBe('UPSTREAM_REJECTED');
  });

  it('retries a refused connection (nothing was sent) and reports it as not having reached the provider', async () => {
    const port = await closedPort();
    const { c, h } = client(`http://127.0.0.1:${port}`, { createConnectRetries: 2 });
    const err = await rejection(c.create({ prompt: 'p' }));
    expect(err).toMatchObject({ kind: 'network', status: null, mayHaveReachedProvider: false });
    expect((err.cause as { code?: unknown }).code).toBe('ECONNREFUSED');
    expect(h.requests.map((r) => r.outcome)).toEqual(['network', 'network', 'network']);
    expect(h.retries.map((r) => [r.operation, r.attempt, r.delayMs])).toEqual([
      ['create', 2, 50],
      ['create', 3, 100],
    ]);
  });

  it('succeeds once a refused provider comes up', async () => {
    const port = await closedPort();
    let srv: TestServer | undefined;
    const { c } = client(`http://127.0.0.1:${port}`, {
      sleep: async () => {
        srv ??= await startServer((_req, res) => json(res, 201, queued), port);
      },
    });
    await expect(c.create({ prompt: 'p' })).resolves.toMatchObject({ id: ID });
    expect(srv?.requests).toHaveLength(1);
  });
});

describe('read', () => {
  const done = { id: ID, status: 'completed', video: [{ url: 'https://cdn.example/v.mp4', file_size: '99' }] };

  it('GETs the generation with the id URL-encoded', async () => {
    const srv = await startServer((_req, res) => json(res, 200, done));
    const { c } = client(srv.url);
    const g = await c.read(ID, { requestId: 'gw-2' });
    expect(g.video).toEqual({ url: 'https://cdn.example/v.mp4', contentType: null, fileName: null, fileSize: 99 });
    const [req] = srv.requests;
    expect(req?.method).toBe('GET');
    expect(req?.url).toBe(`${GENERATION_PATH}?generation_id=1fe4344e-07a4-4c41-b0d4-0f1b2c3d4e5f%3Apixverse%2Fv5%2Ftext-to-video`);
    expect(new URL(req?.url ?? '', srv.url).searchParams.get('generation_id')).toBe(ID);
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req?.headers['x-request-id']).toBe('gw-2');
  });

  it('encodes awkward ids so they arrive intact', async () => {
    const srv = await startServer((req, res) => json(res, 200, { id: new URL(req.url ?? '', 'http://x').searchParams.get('generation_id'), status: 'queued' }));
    const { c } = client(srv.url);
    const odd = 'a b&c=d?e#f/g:h%20+ü';
    await expect(c.read(odd)).resolves.toMatchObject({ id: odd });
  });

  it('retries a 429, honouring Retry-After in seconds', async () => {
    const srv = await startServer((_req, res, n) =>
      n === 1 ? json(res, 429, providerError(429, 'Concurrency limit'), { 'retry-after': '3' }) : json(res, 200, done),
    );
    const { c, h } = client(srv.url);
    await expect(c.read(ID)).resolves.toMatchObject({ status: 'completed' });
    expect(h.delays).toEqual([3000]);
    expect(h.retries[0]).toMatchObject({ operation: 'read', attempt: 2, delayMs: 3000 });
    expect(h.retries[0]?.error).toMatchObject({ status: 429, retryAfterMs: 3000 });
  });

  it('honours a Retry-After HTTP-date, capped at retryMaxDelayMs', async () => {
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    const srv = await startServer((_req, res, n) => (n === 1 ? json(res, 503, providerError(503, 'busy'), { 'retry-after': later }) : json(res, 200, done)));
    const { c, h } = client(srv.url, { retryMaxDelayMs: 4000 });
    await c.read(ID);
    expect(h.delays).toEqual([4000]);
  });

  it('rides out a burst of 503s with exponential, jittered backoff', async () => {
    const srv = await startServer((_req, res, n) => (n <= 3 ? json(res, 503, providerError(503, 'Service unavailable')) : json(res, 200, done)));
    const { c, h } = client(srv.url);
    await expect(c.read(ID)).resolves.toMatchObject({ id: ID });
    expect(srv.requests).toHaveLength(4);
    expect(h.delays).toEqual([50, 100, 200]);
    expect(h.requests.map((r) => [r.outcome, r.attempt])).toEqual([
      ['http_503', 1],
      ['http_503', 2],
      ['http_503', 3],
      ['ok', 4],
    ]);
  });

  it('gives up after readRetries retries and throws the last error', async () => {
    const srv = await startServer((_req, res, n) => json(res, n < 3 ? 502 : 504, providerError(n < 3 ? 502 : 504, `try ${n}`, `req-${n}`)));
    const { c } = client(srv.url, { readRetries: 2 });
    const err = await rejection(c.read(ID));
    expect(err).toMatchObject({ kind: 'http', status: 504, providerMessage: 'try 3', requestId: 'req-3', method: 'GET' });
    expect(err.path).toBe(`${GENERATION_PATH}?generation_id=${encodeURIComponent(ID)}`);
    expect(srv.requests).toHaveLength(3);
  });

  it('retries a request that hangs past the timeout', async () => {
    const srv = await startServer((_req, res, n) => {
      if (n > 1) json(res, 200, done);
    });
    const { c, h } = client(srv.url, { readTimeoutMs: 100 });
    await expect(c.read(ID)).resolves.toMatchObject({ id: ID });
    expect(h.requests.map((r) => r.outcome)).toEqual(['timeout', 'ok']);
    expect(h.retries[0]?.error).toMatchObject({ kind: 'timeout', status: null });
  });

  it('times out a body that stalls after the headers', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"id":');
    });
    const { c, h } = client(srv.url, { readTimeoutMs: 100, readRetries: 1 });
    const err = await rejection(c.read(ID));
    expect(err.kind).toBe('timeout');
    expect(h.requests.map((r) => r.outcome)).toEqual(['timeout', 'timeout']);
  });

  it('retries a connection reset', async () => {
    const srv = await startServer((req, res, n) => (n === 1 ? req.socket.destroy() : json(res, 200, done)));
    const { c, h } = client(srv.url);
    await expect(c.read(ID)).resolves.toMatchObject({ id: ID });
    expect(h.requests.map((r) => r.outcome)).toEqual(['network', 'ok']);
  });

  it('retries an unparseable 2xx body', async () => {
    const srv = await startServer((_req, res, n) =>
      n === 1 ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": tru') : json(res, 200, done),
    );
    const { c, h } = client(srv.url);
    await expect(c.read(ID)).resolves.toMatchObject({ id: ID });
    expect(h.requests.map((r) => r.outcome)).toEqual(['parse', 'ok']);
  });

  it('does not retry a 404', async () => {
    const srv = await startServer((_req, res) => json(res, 404, providerError(404, 'Generation not found', 'req-404')));
    const { c, h } = client(srv.url);
    const err = await rejection(c.read('nope'));
    expect(err.notFound).toBe(true);
    expect(err).toMatchObject({ status: 404, providerMessage: 'Generation not found', requestId: 'req-404' });
    expect(srv.requests).toHaveLength(1);
    expect(h.retries).toHaveLength(0);
  });

  it('does not retry a 401 or 403', async () => {
    const srv = await startServer((_req, res, n) => json(res, n === 1 ? 401 : 403, providerError(n === 1 ? 401 : 403, 'no')));
    const { c } = client(srv.url);
    expect((await rejection(c.read(ID))).status).toBe(401);
    expect((await rejection(c.read(ID))).status).toBe(403);
    expect(srv.requests).toHaveLength(2);
  });

  it('stops retrying when aborted between attempts', async () => {
    const srv = await startServer((_req, res) => json(res, 503, providerError(503, 'busy')));
    const controller = new AbortController();
    const { c } = client(srv.url, {
      sleep: undefined, // the real sleep: a long wait that the abort must cut short
      retryBaseDelayMs: 60_000,
      random: () => 1,
      onRetry: () => {
        setTimeout(() => controller.abort(new Error('poller stopped')), 20);
      },
    });
    const started = Date.now();
    await expect(c.read(ID, { signal: controller.signal })).rejects.toThrow('poller stopped');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(srv.requests).toHaveLength(1);
  });

  it('stops waiting for an answer when aborted mid-request', async () => {
    const srv = await startServer(() => {});
    const controller = new AbortController();
    const { c, h } = client(srv.url, { readTimeoutMs: 10_000 });
    const pending = c.read(ID, { signal: controller.signal });
    while (srv.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(h.requests.map((r) => r.outcome)).toEqual(['aborted']);
    expect(h.retries).toHaveLength(0);
  });

  it('does not send anything when already aborted', async () => {
    const srv = await startServer((_req, res) => json(res, 200, done));
    const { c } = client(srv.url);
    await expect(c.read(ID, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(srv.requests).toHaveLength(0);
  });

  it('ignores hooks that throw', async () => {
    const srv = await startServer((_req, res, n) => (n === 1 ? json(res, 503, {}) : json(res, 200, done)));
    const { c } = client(srv.url, {
      onRequest: () => {
        throw new Error('metrics broke');
      },
      onRetry: () => {
        throw new Error('logger broke');
      },
    });
    await expect(c.read(ID)).resolves.toMatchObject({ id: ID });
  });
});

describe('the API key never leaks', () => {
  const leaky: Array<[string, Handler]> = [
    ['a 401 echoing the key', (_req, res) => json(res, 401, providerError(401, `Invalid API key ${KEY}`))],
    ['a 500 with an HTML body', (_req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end(`<pre>${KEY}</pre>`)],
    ['a timeout', () => {}],
    ['a reset', (req) => req.socket.destroy()],
    ['a non-JSON 200', (_req, res) => res.writeHead(200).end(`oops ${KEY}`)],
  ];

  it.each(leaky)('from the error of %s', async (_label, handler) => {
    const srv = await startServer(handler);
    const { c } = client(srv.url, { createTimeoutMs: 100, readTimeoutMs: 100, readRetries: 0 });
    for (const call of [() => c.create({ prompt: 'p' }), () => c.read(ID)]) {
      const err = await rejection(call());
      const text = serialise(err);
      expect(text).toContain('UpstreamError');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('Bearer');
    }
    expect(srv.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  });

  it('from the error of a refused connection', async () => {
    const { c } = client(`http://127.0.0.1:${await closedPort()}`, { readRetries: 0, createConnectRetries: 0 });
    for (const call of [() => c.create({ prompt: 'p' }), () => c.read(ID)]) {
      const text = serialise(await rejection(call()));
      expect(text).toContain('ECONNREFUSED');
      expect(text).not.toContain(KEY);
    }
  });

  it('rejects a key that cannot be a header value without quoting it', () => {
    const bad = `${KEY}\u0000x`;
    expect(() => createUpstreamClient({ baseUrl: 'http://127.0.0.1:1', apiKey: bad })).toThrow(/not allowed/);
    try {
      createUpstreamClient({ baseUrl: 'http://127.0.0.1:1', apiKey: bad });
    } catch (err) {
      expect(serialise(err)).not.toContain(KEY);
    }
  });

  it('trims whitespace around the key', async () => {
    const srv = await startServer((_req, res) => json(res, 200, queued));
    const { c } = client(srv.url, { apiKey: `  ${KEY}\n` });
    await c.create({ prompt: 'p' });
    expect(srv.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});

/**
 * The simulated provider's failures in time: outages, generations that finish late, and video
 * URLs that stop answering. All over real sockets, since what a client sees (a refusal, a reset,
 * a 503) is the point.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

const VENDOR = '/v2/generate/video/pixverse/generation';
const UNIVERSAL = '/v2/video/generations';
const T2V = 'pixverse/v5/text-to-video';

let sim: Simulator | null = null;
const agents: Agent[] = [];

afterEach(async () => {
  await sim?.stop();
  sim = null;
  for (const agent of agents.splice(0)) agent.destroy();
});

function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_700_000_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ queueMs: 100, generateMs: 200, ...options });
  return sim;
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  socket: IncomingMessage['socket'];
}

/**
 * One request with node:http, which reports the socket-level error code (ECONNREFUSED,
 * ECONNRESET) that fetch hides behind "fetch failed".
 */
function call(s: Simulator, method: string, path: string, body?: unknown, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${s.url}${path}`,
      {
        method,
        agent: agent ?? false,
        headers: {
          Authorization: `Bearer ${s.apiKey}`,
          ...(text === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }),
        },
      },
      (res) => {
        // Taken now: a keep-alive agent detaches the socket from the response once it ends.
        const socket = res.socket;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), socket }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const create = (s: Simulator, body: Record<string, unknown> = {}, path = VENDOR): Promise<Answer> =>
  call(s, 'POST', path, { model: T2V, prompt: 'a dragon', ...body });
const read = (s: Simulator, id: string, path = VENDOR): Promise<Answer> => call(s, 'GET', `${path}?generation_id=${encodeURIComponent(id)}`);

async function createId(s: Simulator, body: Record<string, unknown> = {}): Promise<string> {
  const answer = await create(s, body);
  expect(answer.status).toBe(201);
  return (JSON.parse(answer.body) as { id: string }).id;
}

async function statusOf(s: Simulator, id: string): Promise<string> {
  const answer = await read(s, id);
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.body) as { status: string }).status;
}

async function videoUrl(s: Simulator, id: string): Promise<string> {
  const answer = await read(s, id);
  return (JSON.parse(answer.body) as { video: { url: string } }).video.url;
}

function expectErrorBody(text: string, status: number): Record<string, unknown> {
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body).toEqual({
    message: expect.any(String),
    path: expect.any(String),
    requestId: expect.any(String),
    statusCode: String(status),
    timestamp: expect.any(String),
  });
  return body;
}

/** Resolves with the error code of a failed connection attempt, or 'connected'. */
function tryConnect(s: Simulator): Promise<string> {
  const { hostname, port } = new URL(s.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('outage: 5xx', () => {
  it('answers every request 503 with the provider error body while generations keep ageing', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now });
    const id = await createId(s);
    const file = (() => `${s.url}/files/${encodeURIComponent(id)}.mp4`)();
    s.stats.reset();

    const outage = s.outage();
    expect(outage).toMatchObject({ mode: '5xx', active: true });
    clock.advance(1_000_000); // the generation finishes during the outage

    const answers = [await create(s), await create(s, {}, UNIVERSAL), await read(s, id), await read(s, id, UNIVERSAL), await call(s, 'GET', '/nowhere')];
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBeUndefined();
      expectErrorBody(answer.body, 503);
    }
    expect((await fetch(file)).status).toBe(503);
    expect(s.stats).toMatchObject({ creates: 2, reads: 2, generations: 0, videoRequests: 1 });
    expect(s.createRequests()).toEqual([]);

    await outage.end();
    expect(outage.active).toBe(false);
    expect(await statusOf(s, id)).toBe('completed');
    expect((await fetch(file)).status).toBe(200);
    await outage.end(); // a no-op once ended
  });

  it('ends by itself after durationMs, with the chosen status, Retry-After and message', async () => {
    const s = await start({ queueMs: 0, generateMs: 100 });
    const id = await createId(s);
    const outage = s.outage({ durationMs: 1000, status: 502, retryAfter: 7, message: 'upstream unavailable' });
    const during = await read(s, id);
    expect(during.status).toBe(502);
    expect(during.headers['retry-after']).toBe('7');
    expect(expectErrorBody(during.body, 502).message).toBe('upstream unavailable');
    await outage.ended;
    expect(outage.active).toBe(false);
    // The generation ran to completion on the real clock while the provider was failing.
    expect(await statusOf(s, id)).toBe('completed');
  });

  it('keeps queued faults for after the outage and fails a request that was delayed into it', async () => {
    const s = await start();
    const id = await createId(s);
    s.inject({ type: 'delay', ms: 1000 });
    const delayed = read(s, id);
    await expect.poll(() => s.stats.readsFor(id)).toBe(1);
    const outage = s.outage();
    expect((await delayed).status).toBe(503);

    s.inject({ type: 'status', status: 429 });
    expect((await read(s, id)).status).toBe(503);
    await outage.end();
    expect((await read(s, id)).status).toBe(429);
    expect((await read(s, id)).status).toBe(200);
  });
});

describe('outage: refuse', () => {
  it('refuses connections on the same port, closes kept-alive ones, and listens again afterwards', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    const first = await call(s, 'POST', VENDOR, { model: T2V, prompt: 'kept alive' }, agent);
    expect(first.status).toBe(201);
    const { id } = JSON.parse(first.body) as { id: string };
    const keptAlive = first.socket;
    expect(keptAlive.destroyed).toBe(false);
    const closed = new Promise((resolve) => keptAlive.once('close', resolve));

    const outage = s.outage({ mode: 'refuse' });
    await closed;
    expect(await tryConnect(s)).toBe('ECONNREFUSED');
    await expect(read(s, id)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(create(s)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(fetch(`${s.url}/files/x.mp4`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    expect(s.stats.generations).toBe(1);

    clock.advance(1_000_000);
    await outage.end();
    expect(await tryConnect(s)).toBe('connected');
    expect(await statusOf(s, id)).toBe('completed');
    expect((await call(s, 'GET', `${VENDOR}?generation_id=${encodeURIComponent(id)}`, undefined, agent)).status).toBe(200);
  });

  it('drops a request in flight when it starts, and ends after durationMs', async () => {
    const s = await start();
    s.inject({ type: 'hang' }, { on: 'create' });
    const hung = create(s);
    await expect.poll(() => s.stats.creates).toBe(1);
    const outage = s.outage({ mode: 'refuse', durationMs: 100 });
    await expect(hung).rejects.toMatchObject({ code: 'ECONNRESET' });
    await outage.ended;
    expect((await create(s)).status).toBe(201);
  });

  it('stops promptly during a refusal, and the outage counts as ended', async () => {
    const s = await start();
    const outage = s.outage({ mode: 'refuse' });
    const started = performance.now();
    await s.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    await outage.ended;
    expect(outage.active).toBe(false);
    expect(await tryConnect(s)).toBe('ECONNREFUSED');
    expect(() => s.outage()).toThrow(/stopped/);
  });
});

describe('outage: reset', () => {
  it('accepts connections and resets them, then serves again', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now });
    const id = await createId(s);
    const outage = s.outage({ mode: 'reset' });
    await expect(read(s, id)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(create(s)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(s.stats.generations).toBe(1);
    clock.advance(1_000_000);
    await outage.end();
    expect(await statusOf(s, id)).toBe('completed');
  });
});

describe('outage options', () => {
  it('refuses a second outage and malformed options', async () => {
    const s = await start();
    expect(() => s.outage({ mode: 'flood' as '5xx' })).toThrow(TypeError);
    expect(() => s.outage({ status: 501 as 500 })).toThrow(TypeError);
    expect(() => s.outage({ durationMs: -1 })).toThrow(TypeError);
    expect(() => s.outage({ durationMs: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    const outage = s.outage();
    expect(() => s.outage({ mode: 'refuse' })).toThrow(/already running/);
    await outage.end();
    await s.outage({ mode: 'reset' }).end();
  });
});

describe('generations that finish late', () => {
  it('finishes exactly lateMs after creation, by prompt tag, on either path', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now, queueMs: 1000, generateMs: 2000 });
    const tagged = await createId(s, { prompt: 'a dragon [sim:late=30000]' });
    const universal = (JSON.parse((await create(s, { prompt: '[sim:late=30000] a dragon' }, UNIVERSAL)).body) as { id: string }).id;
    const plain = await createId(s);
    clock.advance(999);
    expect(await statusOf(s, tagged)).toBe('queued');
    clock.advance(1);
    expect(await statusOf(s, tagged)).toBe('generating');
    clock.advance(2000);
    expect(await statusOf(s, plain)).toBe('completed');
    clock.advance(26_999);
    expect(await statusOf(s, tagged)).toBe('generating');
    expect(await statusOf(s, universal)).toBe('generating');
    clock.advance(1);
    expect(await statusOf(s, tagged)).toBe('completed');
    expect(await statusOf(s, universal)).toBe('completed');
  });

  it('takes lateMs from nextBehaviour, over a tag, with any behaviour', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now, queueMs: 1000, generateMs: 2000 });
    s.nextBehaviour('fail', { lateMs: 10_000 });
    const failing = await createId(s, { prompt: 'x [sim:late=99999]' });
    s.nextBehaviour('legacy', { lateMs: 500 }); // shorter than the queue: queued, then done
    const quick = await createId(s);
    clock.advance(499);
    expect(await statusOf(s, quick)).toBe('waiting');
    clock.advance(1);
    expect(await statusOf(s, quick)).toBe('succeeded');
    clock.advance(9_499);
    expect(await statusOf(s, failing)).toBe('generating');
    clock.advance(1);
    expect(await statusOf(s, failing)).toBe('error');
    expect(() => s.nextBehaviour('normal', { lateMs: -5 })).toThrow(TypeError);
  });

  it('a tagged late generation finishes on the real clock after an outage longer than its deadline', async () => {
    const s = await start({ queueMs: 0 });
    const id = await createId(s, { prompt: 'x [sim:late=500]' });
    expect(await statusOf(s, id)).toBe('generating');
    await s.outage({ mode: 'refuse', durationMs: 600 }).ended;
    expect(await statusOf(s, id)).toBe('completed');
  });
});

describe('expiring video URLs', () => {
  it('makes every video URL answer 404 until restored, while reads still name it', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now });
    const a = await createId(s);
    clock.advance(1_000_000);
    const url = await videoUrl(s, a);
    expect((await fetch(url)).status).toBe(200);

    s.expireVideos();
    const expired = await fetch(url);
    expect(expired.status).toBe(404);
    expectErrorBody(await expired.text(), 404);
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(404);
    // Later generations' URLs are expired too.
    const b = await createId(s);
    clock.advance(1_000_000);
    expect(await videoUrl(s, b)).not.toBe(url);
    expect((await fetch(await videoUrl(s, b))).status).toBe(404);
    expect(await videoUrl(s, a)).toBe(url);
    expect(s.stats.videoRequests).toBe(4);

    s.restoreVideos();
    expect((await fetch(url)).status).toBe(200);
  });

  it('expires chosen ids with a chosen status', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now });
    const a = await createId(s);
    const b = await createId(s);
    clock.advance(1_000_000);
    s.expireVideos({ ids: [a], status: 410 });
    s.expireVideos({ ids: [b], status: 403 });
    expect((await fetch(await videoUrl(s, a))).status).toBe(410);
    expect((await fetch(await videoUrl(s, b))).status).toBe(403);
    expect((await fetch(`${s.url}/files/some-other-id.mp4`)).status).toBe(200);
    expect(() => s.expireVideos({ status: 200 as 404 })).toThrow(TypeError);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Behaviour, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

// Written out from docs/provider.md rather than imported, so these tests check the simulator's own copies.
const GENERATION_PATH = '/v2/generate/video/pixverse/generation';
const PIXVERSE_MODEL = 'pixverse/v5/text-to-video';

let sim: Simulator | null = null;

afterEach(async () => {
  await sim?.stop();
  sim = null;
});

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ queueMs: 50, generateMs: 150, ...options });
  return sim;
}

/** A hand-moved clock, so lifecycle assertions do not depend on scheduling. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_700_000_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function auth(s: Simulator): Record<string, string> {
  return { Authorization: `Bearer ${s.apiKey}` };
}

function create(s: Simulator, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${s.url}${GENERATION_PATH}`, {
    method: 'POST',
    headers: { ...auth(s), 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

function read(s: Simulator, id: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${s.url}${GENERATION_PATH}?generation_id=${encodeURIComponent(id)}`, { headers: auth(s), ...init });
}

async function createId(s: Simulator, body: Record<string, unknown> = {}): Promise<string> {
  const res = await create(s, { model: PIXVERSE_MODEL, prompt: 'a dragon', ...body });
  expect(res.status).toBe(201);
  const json = (await res.json()) as { id: string };
  return json.id;
}

async function readJson(s: Simulator, id: string): Promise<Record<string, unknown>> {
  const res = await read(s, id);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

function expectErrorBody(body: unknown, status: number): void {
  expect(body).toMatchObject({
    message: expect.any(String),
    path: expect.any(String),
    requestId: expect.any(String),
    statusCode: String(status),
    timestamp: expect.any(String),
  });
}

describe('simulator lifecycle', () => {
  it('moves queued → generating → completed in real time and serves a playable file', async () => {
    // Real time: each phase lasts long enough for the reading loop below to see it on a loaded
    // machine (the hand-moved clock tests below check the exact boundaries).
    const s = await start({ queueMs: 300, generateMs: 1000 });
    const res = await create(s, { model: PIXVERSE_MODEL, prompt: 'a dragon', resolution: '540p' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; status: string; meta: unknown };
    expect(created.id).toMatch(/^[0-9a-f-]{36}:pixverse\/v5\/text-to-video$/);
    expect(created.status).toBe('queued');
    expect(created.meta).toEqual({ usage: { credits_used: expect.any(Number) } });

    const seen: string[] = [];
    let last: Record<string, unknown> = {};
    while (last.status !== 'completed') {
      last = await readJson(s, created.id);
      if (seen.at(-1) !== last.status) seen.push(String(last.status));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(seen.slice(-2)).toEqual(['generating', 'completed']);
    const video = last.video as { url: string; content_type: string; file_name: string; file_size: number };
    expect(video).toMatchObject({ content_type: 'video/mp4', file_name: expect.stringMatching(/\.mp4$/) });
    expect(video.url).toBe(`${s.url}/files/${encodeURIComponent(created.id)}.mp4`);
    expect(last.error).toBeNull();

    const file = await fetch(video.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/mp4');
    expect(file.headers.get('accept-ranges')).toBe('bytes');
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes.byteLength).toBe(video.file_size);
    expect(bytes.byteLength).toBeLessThanOrEqual(50_000);
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('ftyp');

    const partial = await fetch(video.url, { headers: { Range: 'bytes=0-99' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 0-99/${video.file_size}`);
    expect(new Uint8Array(await partial.arrayBuffer())).toEqual(bytes.subarray(0, 100));

    const suffix = await fetch(video.url, { headers: { Range: 'bytes=-10' } });
    expect(suffix.status).toBe(206);
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(bytes.subarray(-10));

    const beyond = await fetch(video.url, { headers: { Range: `bytes=${video.file_size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${video.file_size}`);
    await beyond.arrayBuffer();

    const head = await fetch(video.url, { method: 'HEAD', headers: { Range: 'bytes=100-' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-length')).toBe(String(video.file_size - 100));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('follows its configured timings on the injected clock', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now, queueMs: 1000, generateMs: (resolution, duration) => (resolution === '1080p' ? 5000 : 2000) * (duration === 8 ? 2 : 1) });
    const short = await createId(s, { resolution: '720p', duration: 8 });
    const long = await createId(s, { resolution: '1080p' });
    clock.advance(999);
    expect((await readJson(s, short)).status).toBe('queued');
    clock.advance(1);
    expect((await readJson(s, short)).status).toBe('generating');
    clock.advance(3999);
    expect((await readJson(s, short)).status).toBe('generating');
    clock.advance(1);
    expect((await readJson(s, short)).status).toBe('completed');
    expect((await readJson(s, long)).status).toBe('generating');
    clock.advance(1000);
    expect((await readJson(s, long)).status).toBe('completed');
  });

  it('answers a create with 200 when configured to', async () => {
    const s = await start({ createStatus: 200 });
    const res = await create(s, { model: PIXVERSE_MODEL, prompt: 'x' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'queued' });
  });
});

describe('simulator validation and errors', () => {
  const valid = { model: PIXVERSE_MODEL, prompt: 'a dragon' };
  const cases: [string, unknown, RegExp][] = [
    ['wrong model', { ...valid, model: 'pixverse/v4' }, /model/],
    ['missing prompt', { model: PIXVERSE_MODEL }, /prompt/],
    ['empty prompt', { ...valid, prompt: '' }, /prompt/],
    ['prompt too long', { ...valid, prompt: 'x'.repeat(2049) }, /prompt.*2048/],
    ['negative_prompt too long', { ...valid, negative_prompt: 'x'.repeat(2049) }, /negative_prompt/],
    ['bad aspect_ratio', { ...valid, aspect_ratio: '21:9' }, /aspect_ratio/],
    ['bad resolution', { ...valid, resolution: '4k' }, /resolution/],
    ['duration as string', { ...valid, duration: '5' }, /duration must be a number/],
    ['duration 6', { ...valid, duration: 6 }, /duration must be 5 or 8/],
    ['1080p with 8 s', { ...valid, resolution: '1080p', duration: 8 }, /1080p/],
    ['bad style', { ...valid, style: 'noir' }, /style/],
    ['fractional seed', { ...valid, seed: 1.5 }, /seed/],
    ['seed too large', { ...valid, seed: 2_147_483_648 }, /seed/],
    ['negative seed', { ...valid, seed: -1 }, /seed/],
    ['unknown prompt tag', { ...valid, prompt: 'a cat [sim:explode]' }, /unknown simulator tag/],
    ['array body', [valid], /JSON object/],
    ['invalid JSON', '{"model":', /not valid JSON/],
  ];

  it.each(cases)('refuses %s with 400 and the error body', async (_name, body, message) => {
    const s = await start();
    const res = await create(s, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { message: string };
    expectErrorBody(json, 400);
    expect(json.message).toMatch(message);
    expect(s.stats.generations).toBe(0);
  });

  it('accepts a full valid body at the limits', async () => {
    const s = await start();
    await createId(s, {
      prompt: 'x'.repeat(2048),
      negative_prompt: 'blurry',
      aspect_ratio: '9:16',
      resolution: '1080p',
      duration: 5,
      style: '3d_animation',
      seed: 2_147_483_647,
    });
    await createId(s, { resolution: '360p', duration: 8, seed: 0, style: null });
    expect(s.stats.generations).toBe(2);
  });

  it('answers 401 to a missing or wrong key without echoing it', async () => {
    const s = await start();
    const id = await createId(s);
    const responses = [
      await create(s, valid, { headers: { 'Content-Type': 'application/json' } }),
      await create(s, valid, { headers: { Authorization: 'Bearer wrong-key-123', 'Content-Type': 'application/json' } }),
      await read(s, id, { headers: { Authorization: 'Bearer wrong-key-123' } }),
      await read(s, id, { headers: {} }),
    ];
    for (const res of responses) {
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(text).not.toContain('wrong-key-123');
      expectErrorBody(JSON.parse(text), 401);
    }
  });

  it('answers 404 to an unknown id containing ":" and "/"', async () => {
    const s = await start();
    const id = '00000000-0000-0000-0000-000000000000:pixverse/v5/text-to-video';
    const res = await read(s, id);
    expect(res.status).toBe(404);
    const json = (await res.json()) as { message: string };
    expectErrorBody(json, 404);
    expect(json.message).toContain(id);
    expect(s.stats.readsFor(id)).toBe(1);
  });

  it('answers 400 to a read without generation_id and 404 to other paths', async () => {
    const s = await start();
    const missing = await fetch(`${s.url}${GENERATION_PATH}`, { headers: auth(s) });
    expect(missing.status).toBe(400);
    expectErrorBody(await missing.json(), 400);
    const other = await fetch(`${s.url}/v1/nothing`, { headers: auth(s) });
    expect(other.status).toBe(404);
    expectErrorBody(await other.json(), 404);
  });
});

describe('simulator faults', () => {
  it('answers an injected status with Retry-After and message, then recovers', async () => {
    const s = await start();
    const id = await createId(s);
    s.inject({ type: 'status', status: 429, retryAfter: 2, message: 'slow down' }, { times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await read(s, id);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
      const json = (await res.json()) as { message: string };
      expectErrorBody(json, 429);
      expect(json.message).toBe('slow down');
    }
    expect((await read(s, id)).status).toBe(200);
  });

  it.each([400, 401, 403, 404, 408, 429, 500, 502, 503, 504] as const)('can answer %i', async (status) => {
    const s = await start();
    s.inject({ type: 'status', status }, { on: 'create' });
    const res = await create(s, { model: PIXVERSE_MODEL, prompt: 'x' });
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBeNull();
    expectErrorBody(await res.json(), status);
    expect(s.stats.generations).toBe(0);
  });

  it('applies faults to reads by default, to creates or both on request', async () => {
    const s = await start();
    s.inject({ type: 'status', status: 503 });
    const id = await createId(s);
    expect((await read(s, id)).status).toBe(503);

    s.inject({ type: 'status', status: 500 }, { on: 'any', times: 2 });
    expect((await create(s, { model: PIXVERSE_MODEL, prompt: 'x' })).status).toBe(500);
    expect((await read(s, id)).status).toBe(500);
    expect((await read(s, id)).status).toBe(200);
  });

  it('limits a fault to reads of one generation', async () => {
    const s = await start();
    const a = await createId(s);
    const b = await createId(s);
    s.inject({ type: 'status', status: 502 }, { id: b, times: Infinity });
    expect((await read(s, a)).status).toBe(200);
    expect((await read(s, b)).status).toBe(502);
    expect((await read(s, b)).status).toBe(502);
    s.clearFaults();
    expect((await read(s, b)).status).toBe(200);
  });

  it('hangs until the client gives up', async () => {
    const s = await start();
    const id = await createId(s);
    s.inject({ type: 'hang' });
    const controller = new AbortController();
    const pending = read(s, id, { signal: controller.signal });
    await waitFor(() => s.stats.readsFor(id) === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect((await read(s, id)).status).toBe(200);
  });

  it('resets the connection', async () => {
    const s = await start();
    s.inject({ type: 'reset' }, { on: 'create' });
    await expect(create(s, { model: PIXVERSE_MODEL, prompt: 'x' })).rejects.toThrow();
    expect(s.stats.creates).toBe(1);
    expect(s.stats.generations).toBe(0);
    await createId(s);
  });

  it('answers 200 with an HTML page', async () => {
    const s = await start();
    const id = await createId(s);
    s.inject({ type: 'non-json' });
    const res = await read(s, id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    await expect(res.json()).rejects.toThrow();
  });

  it('delays an otherwise normal answer', async () => {
    const s = await start();
    const id = await createId(s);
    s.inject({ type: 'delay', ms: 120 });
    const started = performance.now();
    const json = await readJson(s, id);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(json.id).toBe(id);
  });

  it('refuses malformed fault options', async () => {
    const s = await start();
    expect(() => s.inject({ type: 'hang' }, { times: 0 })).toThrow(TypeError);
    expect(() => s.inject({ type: 'hang' }, { id: 'x', on: 'create' })).toThrow(TypeError);
    expect(() => s.inject({ type: 'status', status: 418 as 400 })).toThrow(TypeError);
    expect(() => s.nextBehaviour('bogus' as Behaviour)).toThrow(TypeError);
  });
});

describe('simulator behaviours', () => {
  const fileShape = { url: expect.stringMatching(/\/files\/.+\.mp4$/), content_type: 'video/mp4', file_name: expect.any(String), file_size: expect.any(Number) };
  const cases: [Behaviour, [string, string, string], unknown, unknown][] = [
    ['normal', ['queued', 'generating', 'completed'], fileShape, null],
    ['legacy', ['waiting', 'active', 'succeeded'], fileShape, null],
    ['legacy-fail', ['waiting', 'active', 'failed'], null, { name: expect.any(String), message: expect.any(String) }],
    ['unknown-status', ['queued', 'rendering', 'completed'], fileShape, null],
    ['video-array', ['queued', 'generating', 'completed'], [fileShape], null],
    ['fail', ['queued', 'generating', 'error'], null, { name: expect.any(String), message: expect.any(String) }],
    ['fail-detail', ['queued', 'generating', 'error'], null, { detail: [{ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) }] }],
    ['done-without-url', ['queued', 'generating', 'completed'], null, null],
    ['never', ['queued', 'generating', 'generating'], null, null],
  ];

  async function walk(s: Simulator, clock: ReturnType<typeof manualClock>, id: string): Promise<Record<string, unknown>[]> {
    const states = [await readJson(s, id)];
    clock.advance(100);
    states.push(await readJson(s, id));
    clock.advance(1_000_000);
    states.push(await readJson(s, id));
    return states;
  }

  it.each(cases)('%s, chosen programmatically and by prompt tag', async (behaviour, words, video, error) => {
    const clock = manualClock();
    const s = await start({ now: clock.now, queueMs: 100, generateMs: 200 });
    const creators = [
      () => {
        s.nextBehaviour(behaviour);
        return createId(s);
      },
      () => createId(s, { prompt: `a dragon [sim:${behaviour}]` }),
    ];
    for (const createOne of creators) {
      const id = await createOne();
      const states = await walk(s, clock, id);
      expect(states.map((st) => st.status)).toEqual(words);
      expect(states[0]).toMatchObject({ id, video: null, error: null, meta: { usage: { credits_used: expect.any(Number) } } });
      expect(states[2]!.video).toEqual(video);
      expect(states[2]!.error).toEqual(error);
    }
    // A queued behaviour applies to one create only.
    const plain = await createId(s);
    clock.advance(1_000_000);
    expect((await readJson(s, plain)).status).toBe('completed');
  });

  it('answers legacy creates with "waiting"', async () => {
    const s = await start();
    s.nextBehaviour('legacy');
    const res = await create(s, { model: PIXVERSE_MODEL, prompt: 'x' });
    expect(await res.json()).toMatchObject({ status: 'waiting' });
  });
});

describe('simulator stats and stop', () => {
  it('counts creates and reads, per id, and resets', async () => {
    const s = await start();
    const a = await createId(s);
    const b = await createId(s);
    await read(s, a);
    await read(s, a);
    await read(s, b);
    await create(s, { model: PIXVERSE_MODEL, prompt: '' }); // refused, still counted
    expect(s.stats).toMatchObject({ creates: 3, reads: 3, generations: 2 });
    expect(s.stats.readsFor(a)).toBe(2);
    expect(s.stats.readsFor(b)).toBe(1);
    expect(s.stats.readsFor('nope')).toBe(0);
    s.stats.reset();
    expect(s.stats).toMatchObject({ creates: 0, reads: 0, generations: 0 });
    expect(s.stats.readsFor(a)).toBe(0);
  });

  it('stops promptly with a hung request and a delayed one open', async () => {
    const s = await start();
    const id = await createId(s);
    s.inject({ type: 'hang' });
    s.inject({ type: 'delay', ms: 60_000 });
    const hung = read(s, id);
    const delayed = read(s, id);
    const outcomes = Promise.allSettled([hung, delayed]);
    await waitFor(() => s.stats.readsFor(id) === 2);
    const started = performance.now();
    await s.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'rejected']);
    await s.stop(); // idempotent
  });
});

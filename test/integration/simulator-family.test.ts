/**
 * The simulated provider's PixVerse v5 family (docs/provider.md) over real HTTP: the three models on
 * the vendor and universal paths, their validation, usage figures, and the record of what a
 * client sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { creditsFor, startSimulator, type Model, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

// Written out from the contract rather than imported, so these tests check the simulator's own copies.
const VENDOR = '/v2/generate/video/pixverse/generation';
const UNIVERSAL = '/v2/video/generations';
const T2V = 'pixverse/v5/text-to-video';
const I2V = 'pixverse/v5/image-to-video';
const TRANSITION = 'pixverse/v5/transition';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

let sim: Simulator | null = null;
const extraServers: Server[] = [];

afterEach(async () => {
  await sim?.stop();
  sim = null;
  await Promise.all(extraServers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_700_000_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ queueMs: 100, generateMs: 200, ...options });
  return sim;
}

function post(s: Simulator, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${s.apiKey}`, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function get(s: Simulator, path: string, id: string): Promise<Response> {
  return fetch(`${s.url}${path}?generation_id=${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${s.apiKey}` } });
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

function expectErrorBody(body: unknown, status: number): void {
  expect(body).toEqual({
    message: expect.any(String),
    path: expect.any(String),
    requestId: expect.any(String),
    statusCode: String(status),
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
}

describe('the PixVerse v5 family on both paths', () => {
  const cases: [Model, string, Record<string, unknown>][] = [
    [T2V, VENDOR, { prompt: 'a dragon' }],
    [T2V, UNIVERSAL, { prompt: 'a dragon' }],
    [I2V, VENDOR, { prompt: 'the dragon wakes', image_url: PNG }],
    [I2V, UNIVERSAL, { prompt: 'the dragon wakes', image_url: 'https://images.example.com/dragon.png', aspect_ratio: '9:16' }],
    [TRANSITION, VENDOR, { prompt: 'day to night', image_url: 'https://images.example.com/day.jpg', tail_image_url: PNG }],
    [TRANSITION, UNIVERSAL, { prompt: 'day to night', image_url: PNG, tail_image_url: 'http://images.example.com/night.webp' }],
  ];

  it.each(cases)('%s created on %s runs to completion, readable on either path', async (model, path, fields) => {
    const clock = manualClock();
    const s = await start({ now: clock.now });
    const res = await post(s, path, { model, ...fields, resolution: '540p', duration: 8 });
    expect(res.status).toBe(201);
    const created = await json(res);
    const credits = creditsFor('540p', 8, model);
    expect(created).toEqual({ id: expect.any(String), status: 'queued', meta: { usage: { credits_used: credits } } });
    const id = created.id as string;
    expect(id.endsWith(`:${model}`)).toBe(true);

    clock.advance(150);
    for (const readPath of [VENDOR, UNIVERSAL]) {
      expect(await json(await get(s, readPath, id))).toMatchObject({ id, status: 'generating', video: null });
    }
    clock.advance(1_000);
    for (const readPath of [VENDOR, UNIVERSAL]) {
      const done = await json(await get(s, readPath, id));
      expect(done).toMatchObject({ id, status: 'completed', error: null, meta: { usage: { credits_used: credits } } });
      expect((done.video as { url: string }).url).toBe(`${s.url}/files/${encodeURIComponent(id)}.mp4`);
    }
    expect(s.stats).toMatchObject({ creates: 1, reads: 4, generations: 1 });
    expect(s.stats.readsFor(id)).toBe(4);
  });

  it.each([
    ['image-to-video without image_url', { model: I2V, prompt: 'x' }, /image_url is required/],
    ['transition without tail_image_url', { model: TRANSITION, prompt: 'x', image_url: PNG }, /tail_image_url is required/],
    ['transition without a prompt', { model: TRANSITION, image_url: PNG, tail_image_url: PNG }, /prompt/],
    ['an unknown model', { model: 'pixverse/v5/sound-effects', prompt: 'x' }, /model must be one of/],
    ['a GIF data URI', { model: I2V, prompt: 'x', image_url: 'data:image/gif;base64,R0lGODlh' }, /data URI type/],
    ['a relative image path', { model: I2V, prompt: 'x', image_url: '/uploads/a.png' }, /image_url must be an http\(s\) URL/],
    ['an image sent to text-to-video', { model: T2V, prompt: 'x', image_url: PNG }, /not accepted/],
  ])('refuses %s with 400 and the provider error body, on both paths', async (_name, body, message) => {
    const s = await start();
    for (const path of [VENDOR, UNIVERSAL]) {
      const res = await post(s, path, body);
      expect(res.status).toBe(400);
      const error = await json(res);
      expectErrorBody(error, 400);
      expect(error.message).toMatch(message);
      expect(error.path).toBe(path);
    }
    expect(s.stats.generations).toBe(0);
  });

  it('serves the universal path with the same errors, faults and methods', async () => {
    const s = await start();
    const missing = await fetch(`${s.url}${UNIVERSAL}`, { headers: { Authorization: `Bearer ${s.apiKey}` } });
    expect(missing.status).toBe(400);
    expectErrorBody(await missing.json(), 400);

    const unknown = await get(s, UNIVERSAL, `00000000-0000-0000-0000-000000000000:${I2V}`);
    expect(unknown.status).toBe(404);
    expectErrorBody(await unknown.json(), 404);

    const put = await fetch(`${s.url}${UNIVERSAL}`, { method: 'PUT', headers: { Authorization: `Bearer ${s.apiKey}` } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    await put.arrayBuffer();

    const noKey = await fetch(`${s.url}${UNIVERSAL}`, { method: 'POST', body: JSON.stringify({ model: T2V, prompt: 'x' }) });
    expect(noKey.status).toBe(401);
    expectErrorBody(await noKey.json(), 401);

    s.inject({ type: 'status', status: 429, retryAfter: 3 }, { on: 'create' });
    const limited = await post(s, UNIVERSAL, { model: T2V, prompt: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    await limited.arrayBuffer();
    expect((await post(s, UNIVERSAL, { model: T2V, prompt: 'x' })).status).toBe(201);
  });

  it('passes the model to a generateMs function and times each model by it', async () => {
    const clock = manualClock();
    const seen: string[] = [];
    const s = await start({
      now: clock.now,
      queueMs: 0,
      generateMs: (resolution, duration, model) => {
        seen.push(`${model} ${resolution} ${duration}`);
        return model === TRANSITION ? 2000 : 1000;
      },
    });
    const i2v = (await json(await post(s, VENDOR, { model: I2V, prompt: 'x', image_url: PNG }))).id as string;
    const transition = (await json(await post(s, UNIVERSAL, { model: TRANSITION, prompt: 'x', image_url: PNG, tail_image_url: PNG, resolution: '360p' })))
      .id as string;
    expect(seen).toEqual([`${I2V} 720p 5`, `${TRANSITION} 360p 5`]);
    clock.advance(1000);
    expect((await json(await get(s, VENDOR, i2v))).status).toBe('completed');
    expect((await json(await get(s, VENDOR, transition))).status).toBe('generating');
    clock.advance(1000);
    expect((await json(await get(s, VENDOR, transition))).status).toBe('completed');
  });

  it('charges per model, resolution and duration on create and on every read', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now });
    const combos: [Model, '360p' | '540p' | '720p' | '1080p', 5 | 8, Record<string, unknown>][] = [
      [T2V, '360p', 5, {}],
      [T2V, '1080p', 5, {}],
      [I2V, '720p', 8, { image_url: PNG }],
      [TRANSITION, '720p', 8, { image_url: PNG, tail_image_url: PNG }],
    ];
    const figures: number[] = [];
    for (const [model, resolution, duration, images] of combos) {
      const created = await json(await post(s, VENDOR, { model, prompt: 'x', resolution, duration, ...images }));
      const expected = creditsFor(resolution, duration, model);
      expect(created.meta).toEqual({ usage: { credits_used: expected } });
      clock.advance(1_000_000);
      expect((await json(await get(s, VENDOR, created.id as string))).meta).toEqual({ usage: { credits_used: expected } });
      figures.push(expected);
    }
    expect(new Set(figures).size).toBe(figures.length);
    // Defaults are charged as what they stand for: 720p, 5 s.
    expect((await json(await post(s, VENDOR, { model: T2V, prompt: 'x' }))).meta).toEqual({ usage: { credits_used: creditsFor('720p', 5, T2V) } });
  });
});

describe('what the simulator received', () => {
  it('records every create body whole, with its path, outcome and id', async () => {
    const s = await start();
    // A realistic upload: about 3 MB of base64, well past the old 1 MiB body limit.
    const big = `data:image/jpeg;base64,${Buffer.alloc(2_250_000, 7).toString('base64')}`;
    const accepted = { model: TRANSITION, prompt: 'x', image_url: big, tail_image_url: 'https://images.example.com/b.png', duration: 5 };
    const createdRes = await post(s, UNIVERSAL, accepted);
    expect(createdRes.status).toBe(201);
    const { id } = (await createdRes.json()) as { id: string };
    expect((await post(s, VENDOR, { model: I2V, prompt: 'x' })).status).toBe(400);
    expect((await post(s, VENDOR, '{"model":')).status).toBe(400);

    // Neither a faulted nor an unauthorised create is recorded: the provider never read its body.
    s.inject({ type: 'status', status: 503 }, { on: 'create' });
    expect((await post(s, VENDOR, { model: T2V, prompt: 'faulted' })).status).toBe(503);
    expect((await post(s, VENDOR, { model: T2V, prompt: 'no key' }, { Authorization: 'Bearer nope' })).status).toBe(401);

    const requests = s.createRequests();
    expect(requests).toEqual([
      { path: UNIVERSAL, body: accepted, bytes: Buffer.byteLength(JSON.stringify(accepted)), status: 201, id, receivedAt: expect.any(Number) },
      { path: VENDOR, body: { model: I2V, prompt: 'x' }, bytes: expect.any(Number), status: 400, id: null, receivedAt: expect.any(Number) },
      { path: VENDOR, body: undefined, bytes: 9, status: 400, id: null, receivedAt: expect.any(Number) },
    ]);
    expect((requests[0]!.body as { image_url: string }).image_url).toBe(big);

    expect(s.createBodies()).toEqual([accepted, { model: I2V, prompt: 'x' }]);
    expect(s.stats.creates).toBe(5);

    s.stats.reset();
    expect(s.createRequests()).toEqual([]);
    expect(s.createBodies()).toEqual([]);
  });

  it('refuses a body past maxBodyBytes with 413 and records its size', async () => {
    const s = await start({ maxBodyBytes: 1000 });
    const body = { model: I2V, prompt: 'x', image_url: `data:image/png;base64,${'A'.repeat(2000)}` };
    const res = await post(s, VENDOR, body);
    expect(res.status).toBe(413);
    expectErrorBody(await res.json(), 413);
    expect(s.createRequests()).toEqual([
      { path: VENDOR, body: undefined, bytes: Buffer.byteLength(JSON.stringify(body)), status: 413, id: null, receivedAt: expect.any(Number) },
    ]);
  });

  it('never fetches the image URLs it is given', async () => {
    let hits = 0;
    const images = createServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { 'Content-Type': 'image/png' }).end();
    });
    extraServers.push(images);
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;

    const clock = manualClock();
    const s = await start({ now: clock.now });
    const ids: string[] = [];
    for (const body of [
      { model: I2V, prompt: 'x', image_url: `${base}/first.png` },
      { model: TRANSITION, prompt: 'x', image_url: `${base}/first.png`, tail_image_url: `${base}/last.png` },
    ]) {
      const res = await post(s, VENDOR, body);
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    clock.advance(1_000_000);
    for (const id of ids) expect((await json(await get(s, VENDOR, id))).status).toBe('completed');
    // Proof the image server was reachable all along, and that only this request reached it.
    expect((await fetch(`${base}/probe.png`)).status).toBe(200);
    expect(hits).toBe(1);
  });
});

/**
 * The PixVerse v5 family end to end: text-to-video, image-to-video and transition, with frames
 * given as uploads (GraphQL multipart over HTTP) or URLs (over HTTP, WebSocket and SSE), each run
 * to COMPLETED against the simulator, checking the create body the provider received; uploads
 * served back; bad frames refused as INVALID_INPUT with nothing sent; idempotency over images.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema/index.js';
import { GRAPHIQL_DEFAULT_QUERY } from '../../src/server/graphiql.js';
import { collectSse, collectWs, startGateway, type TestGateway } from '../utils/gateway.js';
import { makeJpeg, makePng, makeWebp, truncated } from '../utils/images.js';
import { postMultipart, type UploadPart } from '../utils/multipart.js';

const MAX_IMAGE_BYTES = 64 * 1024;

const GENERATE = /* GraphQL */ `
  mutation Generate($input: GenerateVideoInput!) {
    generateVideo(input: $input) {
      generation {
        id status model aspectRatio
        firstFrame { url contentType byteSize width height }
        lastFrame { url contentType byteSize width height }
      }
      userErrors { code message field }
    }
  }
`;

const FOLLOW = /* GraphQL */ `
  subscription Follow($id: ID!) {
    videoGenerationUpdates(id: $id) {
      id status model
      firstFrame { url contentType }
      lastFrame { url contentType }
      video { url }
    }
  }
`;

interface Frame {
  url: string;
  contentType: string | null;
  byteSize: number | null;
  width: number | null;
  height: number | null;
}
interface Generated {
  generateVideo: {
    generation: { id: string; status: string; model: string; aspectRatio: string; firstFrame: Frame | null; lastFrame: Frame | null } | null;
    userErrors: { code: string; message: string; field: string[] | null }[];
  };
}
interface Followed {
  videoGenerationUpdates: { id: string; status: string; model: string; firstFrame: { url: string } | null; lastFrame: { url: string } | null };
}

function part(field: 'firstFrame' | 'lastFrame', bytes: Uint8Array, filename: string, type?: string): UploadPart {
  return { path: `variables.input.${field}.file`, bytes, filename, ...(type ? { type } : {}) };
}

function dataUriBytes(uri: unknown): { type: string; bytes: Buffer } {
  const m = /^data:([^;]+);base64,(.*)$/.exec(String(uri));
  if (!m) throw new Error(`not a data URI: ${String(uri).slice(0, 40)}`);
  return { type: m[1] as string, bytes: Buffer.from(m[2] as string, 'base64') };
}

/** A valid PNG of at least `minBytes` (a larger gradient until it is big enough). */
function bigPng(minBytes: number): Buffer {
  const side = Math.ceil(Math.sqrt(minBytes / 3)) + 4;
  let png = makePng(side, side, 1);
  for (let s = side; png.length < minBytes; s *= 2) png = makePng(s, s, 1);
  return png;
}

describe('image models', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { MAX_IMAGE_BYTES: String(MAX_IMAGE_BYTES) } });
  });
  afterAll(async () => {
    await gw.stop();
  });

  const creates = () => gw.sim.createRequests().length;
  const lastBody = () => gw.sim.createBodies().at(-1) as Record<string, unknown>;

  it('text-to-video stays the default: no frames, the text-to-video model, no image fields; followed over SSE to COMPLETED', async () => {
    const res = await gw.gql<Generated>(GENERATE, { input: { prompt: 'a lighthouse at dusk' } });
    const gen = res.body.data?.generateVideo.generation;
    expect(gen).toMatchObject({ model: 'TEXT_TO_VIDEO', firstFrame: null, lastFrame: null, aspectRatio: 'RATIO_16_9' });
    const body = lastBody();
    expect(body.model).toBe('pixverse/v5/text-to-video');
    expect(body).not.toHaveProperty('image_url');
    expect(body).not.toHaveProperty('tail_image_url');
    expect(body.aspect_ratio).toBe('16:9');
    const { results } = await collectSse<Followed>(gw.url, FOLLOW, { id: gen?.id });
    expect(results.at(-1)?.videoGenerationUpdates).toMatchObject({ status: 'COMPLETED', model: 'TEXT_TO_VIDEO', firstFrame: null, lastFrame: null });
  });

  it('image-to-video from an upload over HTTP multipart: stored, served back, sent as a data URI, followed over SSE to COMPLETED', async () => {
    const png = makePng(40, 30, 7);
    const res = await postMultipart<Generated>(gw.url, GENERATE, { input: { prompt: 'the photo comes alive', firstFrame: { file: null } } }, [
      part('firstFrame', png, 'product.png', 'image/png'),
    ]);
    expect(res.status).toBe(200);
    const gen = res.body.data?.generateVideo.generation;
    expect(res.body.data?.generateVideo.userErrors).toEqual([]);
    expect(gen).toMatchObject({ model: 'IMAGE_TO_VIDEO', lastFrame: null });
    expect(gen?.firstFrame).toMatchObject({ contentType: 'image/png', byteSize: png.length, width: 40, height: 30 });
    expect(gen?.firstFrame?.url).toMatch(new RegExp(`^${gw.url}/images/[A-Za-z0-9_-]{32}\\.png$`));

    const body = lastBody();
    expect(body.model).toBe('pixverse/v5/image-to-video');
    const sent = dataUriBytes(body.image_url);
    expect(sent.type).toBe('image/png');
    expect(sent.bytes.equals(png)).toBe(true);
    expect(body).not.toHaveProperty('tail_image_url');
    // No ratio was asked for: the video follows the image, and none is sent.
    expect(body).not.toHaveProperty('aspect_ratio');

    const served = await fetch(gen?.firstFrame?.url as string);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);

    const { results, errors } = await collectSse<Followed>(gw.url, FOLLOW, { id: gen?.id });
    expect(errors).toEqual([]);
    expect(results.at(-1)?.videoGenerationUpdates).toMatchObject({ status: 'COMPLETED', model: 'IMAGE_TO_VIDEO' });
    expect(results.at(-1)?.videoGenerationUpdates.firstFrame?.url).toBe(gen?.firstFrame?.url);
  });

  it('transition from two uploads (JPEG first, WebP last) over HTTP multipart, followed over WebSocket to COMPLETED', async () => {
    const jpeg = makeJpeg(32, 16);
    const webp = makeWebp(24, 12);
    const res = await postMultipart<Generated>(
      gw.url,
      GENERATE,
      { input: { prompt: 'morph', aspectRatio: 'RATIO_1_1', firstFrame: { file: null }, lastFrame: { file: null } } },
      // Names and declared types prove nothing: the content decides.
      [part('firstFrame', jpeg, 'first.bin'), part('lastFrame', webp, 'last.png', 'image/png')],
    );
    const gen = res.body.data?.generateVideo.generation;
    expect(res.body.data?.generateVideo.userErrors).toEqual([]);
    expect(gen).toMatchObject({ model: 'TRANSITION', aspectRatio: 'RATIO_1_1' });
    expect(gen?.firstFrame).toMatchObject({ contentType: 'image/jpeg', width: 32, height: 16 });
    expect(gen?.lastFrame).toMatchObject({ contentType: 'image/webp', width: 24, height: 12 });
    expect(gen?.lastFrame?.url).toMatch(/\.webp$/);

    const body = lastBody();
    expect(body.model).toBe('pixverse/v5/transition');
    expect(dataUriBytes(body.image_url)).toEqual({ type: 'image/jpeg', bytes: jpeg });
    expect(dataUriBytes(body.tail_image_url)).toEqual({ type: 'image/webp', bytes: webp });
    expect(body.aspect_ratio).toBe('1:1');

    const { results, errors } = await collectWs<Followed>(gw.ws(), FOLLOW, { id: gen?.id });
    expect(errors).toEqual([]);
    expect(results.at(-1)?.videoGenerationUpdates).toMatchObject({ status: 'COMPLETED', model: 'TRANSITION' });
  });

  it('transition from URLs, created and followed over WebSocket: the URLs reach the provider unchanged', async () => {
    const first = 'https://images.example.com/a.png?size=large&v=1';
    const last = 'https://images.example.com/b.webp';
    const client = gw.ws();
    const created = await new Promise<Generated>((resolve, reject) => {
      client.subscribe<Generated>(
        { query: GENERATE, variables: { input: { prompt: 'from a to b', firstFrame: { url: first }, lastFrame: { url: last } } } },
        { next: (v) => (v.data ? resolve(v.data as Generated) : reject(new Error(JSON.stringify(v.errors)))), error: reject, complete: () => {} },
      );
    });
    const gen = created.generateVideo.generation;
    expect(gen).toMatchObject({
      model: 'TRANSITION',
      firstFrame: { url: first, contentType: null, byteSize: null, width: null, height: null },
      lastFrame: { url: last, contentType: null },
    });
    const body = lastBody();
    expect(body).toMatchObject({ model: 'pixverse/v5/transition', image_url: first, tail_image_url: last, aspect_ratio: '16:9' });
    const { results } = await collectWs<Followed>(client, FOLLOW, { id: gen?.id });
    expect(results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
  });

  it('image-to-video from a URL over HTTP, with the ratio the caller chose, followed over SSE to COMPLETED', async () => {
    const url = 'https://cdn.example.org/frame.jpg';
    const res = await gw.gql<Generated>(GENERATE, { input: { prompt: 'pan left', aspectRatio: 'RATIO_9_16', firstFrame: { url } } });
    const gen = res.body.data?.generateVideo.generation;
    expect(gen).toMatchObject({ model: 'IMAGE_TO_VIDEO', aspectRatio: 'RATIO_9_16', firstFrame: { url }, lastFrame: null });
    expect(lastBody()).toMatchObject({ model: 'pixverse/v5/image-to-video', image_url: url, aspect_ratio: '9:16' });
    const { results } = await collectSse<Followed>(gw.url, FOLLOW, { id: gen?.id });
    expect(results.at(-1)?.videoGenerationUpdates).toMatchObject({ status: 'COMPLETED', firstFrame: { url } });
  });

  describe('bad frames: INVALID_INPUT naming the field, nothing sent to the provider', () => {
    const png = makePng();
    const cases: { name: string; input: Record<string, unknown>; files?: UploadPart[]; field: string[]; message: RegExp }[] = [
      {
        name: 'a text file renamed .png',
        input: { firstFrame: { file: null } },
        files: [part('firstFrame', Buffer.from('just some text, not a picture\n'), 'frame.png', 'image/png')],
        field: ['input', 'firstFrame', 'file'],
        message: /not a PNG, JPEG or WebP/,
      },
      {
        name: 'a truncated PNG',
        input: { firstFrame: { file: null } },
        files: [part('firstFrame', truncated(makePng(64, 64)), 'frame.png')],
        field: ['input', 'firstFrame', 'file'],
        message: /truncated/,
      },
      {
        name: 'a truncated JPEG as the last frame',
        input: { firstFrame: { url: 'https://example.com/a.png' }, lastFrame: { file: null } },
        files: [part('lastFrame', truncated(makeJpeg(64, 64), 0.8), 'frame.jpg')],
        field: ['input', 'lastFrame', 'file'],
        message: /truncated/,
      },
      {
        name: 'an upload over MAX_IMAGE_BYTES',
        input: { firstFrame: { file: null } },
        files: [part('firstFrame', bigPng(MAX_IMAGE_BYTES + 1), 'big.png')],
        field: ['input', 'firstFrame', 'file'],
        message: new RegExp(`at most ${MAX_IMAGE_BYTES} bytes`),
      },
      {
        name: 'an empty upload',
        input: { firstFrame: { file: null } },
        files: [part('firstFrame', new Uint8Array(0), 'empty.png')],
        field: ['input', 'firstFrame', 'file'],
        message: /empty/,
      },
      {
        name: 'both url and file',
        input: { firstFrame: { url: 'https://example.com/a.png', file: null } },
        files: [part('firstFrame', png, 'a.png')],
        field: ['input', 'firstFrame'],
        message: /not both/,
      },
      { name: 'neither url nor file', input: { firstFrame: {} }, field: ['input', 'firstFrame'], message: /exactly one of url or file/ },
      { name: 'a javascript: URL', input: { firstFrame: { url: 'javascript:alert(1)' } }, field: ['input', 'firstFrame', 'url'], message: /https:/ },
      { name: 'a file: URL', input: { firstFrame: { url: 'file:///etc/passwd' } }, field: ['input', 'firstFrame', 'url'], message: /https:/ },
      { name: 'an http: URL (not allowed by default)', input: { firstFrame: { url: 'http://example.com/a.png' } }, field: ['input', 'firstFrame', 'url'], message: /https:/ },
      { name: 'a data: URL', input: { firstFrame: { url: 'data:image/png;base64,AAAA' } }, field: ['input', 'firstFrame', 'url'], message: /https:/ },
      {
        name: 'a URL over 2048 characters',
        input: { firstFrame: { url: `https://example.com/${'a'.repeat(2040)}` } },
        field: ['input', 'firstFrame', 'url'],
        message: /at most 2048/,
      },
      { name: 'a relative URL', input: { firstFrame: { url: '/images/a.png' } }, field: ['input', 'firstFrame', 'url'], message: /absolute URL/ },
      {
        name: 'a last frame alone',
        input: { lastFrame: { url: 'https://example.com/b.png' } },
        field: ['input', 'lastFrame'],
        message: /needs a firstFrame/,
      },
      {
        name: 'a last frame alone, uploaded',
        input: { lastFrame: { file: null } },
        files: [part('lastFrame', png, 'b.png')],
        field: ['input', 'lastFrame'],
        message: /needs a firstFrame/,
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const before = creates();
        const variables = { input: { prompt: 'p', ...c.input } };
        const res = c.files ? await postMultipart<Generated>(gw.url, GENERATE, variables, c.files) : await gw.gql<Generated>(GENERATE, variables);
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data?.generateVideo.generation).toBeNull();
        expect(res.body.data?.generateVideo.userErrors).toEqual([{ code: 'INVALID_INPUT', field: c.field, message: expect.stringMatching(c.message) }]);
        expect(creates()).toBe(before);
      });
    }

    it('a picture larger than the sane bounds (a 20000-pixel-wide PNG header)', async () => {
      const wide = makePng(8, 8);
      wide.writeUInt32BE(20_000, 16);
      // Keep the header's checksum right, so only the size is at fault.
      const { crc32 } = await import('../../src/images/sniff.js');
      wide.writeUInt32BE(crc32(wide.subarray(12, 29)), 29);
      const before = creates();
      const res = await postMultipart<Generated>(gw.url, GENERATE, { input: { prompt: 'p', firstFrame: { file: null } } }, [part('firstFrame', wide, 'w.png')]);
      expect(res.body.data?.generateVideo.userErrors).toEqual([
        { code: 'INVALID_INPUT', field: ['input', 'firstFrame', 'file'], message: expect.stringMatching(/at most 16384/) },
      ]);
      expect(creates()).toBe(before);
    });
  });

  describe('transport rules for uploads', () => {
    it('a multipart request without a CSRF header is refused before anything is read into GraphQL', async () => {
      const before = creates();
      const res = await postMultipart(gw.url, GENERATE, { input: { prompt: 'p', firstFrame: { file: null } } }, [part('firstFrame', makePng(), 'a.png')], {
        csrf: false,
      });
      expect(res.status).toBe(403);
      expect(creates()).toBe(before);
    });

    it("Apollo's apollo-require-preflight header lets a multipart request through", async () => {
      const res = await postMultipart<Generated>(
        gw.url,
        GENERATE,
        { input: { prompt: 'p', firstFrame: { file: null } } },
        [part('firstFrame', makePng(16, 16, 3), 'a.png')],
        { csrf: false, headers: { 'apollo-require-preflight': 'true' } },
      );
      expect(res.body.data?.generateVideo.generation?.model).toBe('IMAGE_TO_VIDEO');
    });

    it('a 50 MB upload is refused (413) from its Content-Length, before its body is sent', async () => {
      const before = creates();
      const declared = 50 * 1024 * 1024;
      const boundary = 'cinegraph-boundary';
      const result = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
        let sentBytes = 0;
        const req = http.request(`${gw.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(declared), 'x-graphql-csrf': '1' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, sentBytes });
          req.destroy();
        });
        req.on('error', (err) => (sentBytes > 0 ? undefined : reject(err)));
        // Send a first slice only; the answer must come without the rest.
        const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n`);
        req.write(head);
        sentBytes += head.length;
      });
      expect(result.status).toBe(413);
      expect(result.sentBytes).toBeLessThan(1024);
      expect(creates()).toBe(before);
    });

    it('a multipart body without a Content-Length is refused (411)', async () => {
      const res = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${gw.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=x', 'transfer-encoding': 'chunked', 'x-graphql-csrf': '1' },
        });
        req.on('response', (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        req.write('--x\r\n');
      });
      expect(res).toBe(411);
    });
  });

  describe('idempotency with images', () => {
    const send = (key: string, bytes: Uint8Array) =>
      postMultipart<Generated>(gw.url, GENERATE, { input: { prompt: 'same', idempotencyKey: key, firstFrame: { file: null } } }, [
        part('firstFrame', bytes, 'f.png'),
      ]);

    it('the same key with the same bytes is the same generation, created once (and stored once)', async () => {
      const before = creates();
      const a = await send('img-key-1', makePng(20, 20, 11));
      const b = await send('img-key-1', makePng(20, 20, 11));
      const ga = a.body.data?.generateVideo.generation;
      expect(ga?.id).toBeTruthy();
      expect(b.body.data?.generateVideo.generation?.id).toBe(ga?.id);
      expect(b.body.data?.generateVideo.generation?.firstFrame?.url).toBe(ga?.firstFrame?.url);
      expect(creates()).toBe(before + 1);
    });

    it('the same key with a different image is IDEMPOTENCY_CONFLICT, and nothing is sent', async () => {
      await send('img-key-2', makePng(20, 20, 12));
      const before = creates();
      const other = await send('img-key-2', makePng(20, 20, 13));
      expect(other.body.data?.generateVideo.userErrors).toEqual([
        { code: 'IDEMPOTENCY_CONFLICT', field: ['input', 'idempotencyKey'], message: expect.any(String) },
      ]);
      const asUrl = await gw.gql<Generated>(GENERATE, {
        input: { prompt: 'same', idempotencyKey: 'img-key-2', firstFrame: { url: 'https://example.com/x.png' } },
      });
      expect(asUrl.body.data?.generateVideo.userErrors[0]?.code).toBe('IDEMPOTENCY_CONFLICT');
      const noFrame = await gw.gql<Generated>(GENERATE, { input: { prompt: 'same', idempotencyKey: 'img-key-2' } });
      expect(noFrame.body.data?.generateVideo.userErrors[0]?.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(creates()).toBe(before);
    });
  });

  it('a generation the gateway did not create (looked up by id) shows the image model its id names, frames unknown', async () => {
    const res = await fetch(`${gw.sim.url}/v2/generate/video/pixverse/generation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.sim.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'pixverse/v5/transition', prompt: 'elsewhere', image_url: 'https://e.com/a.png', tail_image_url: 'https://e.com/b.png' }),
    });
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/:pixverse\/v5\/transition$/);
    const read = await gw.gql<{ videoGeneration: { model: string; firstFrame: unknown; prompt: string } | null }>(
      'query ($id: ID!) { videoGeneration(id: $id) { model firstFrame { url } prompt } }',
      { id },
    );
    expect(read.body.data?.videoGeneration).toEqual({ model: 'TRANSITION', firstFrame: null, prompt: '' });
  });

  it("GraphiQL's example document validates, and its image-to-video operation runs with its URL", async () => {
    const doc = parse(GRAPHIQL_DEFAULT_QUERY);
    expect(validate(buildSchema(), doc)).toEqual([]);
    const res = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: GRAPHIQL_DEFAULT_QUERY, operationName: 'Animate' }),
    });
    const body = (await res.json()) as { data: { generateVideo: { generation: { model: string; firstFrame: { url: string } } } } };
    const gen = body.data.generateVideo.generation;
    expect(gen.model).toBe('IMAGE_TO_VIDEO');
    expect(lastBody()).toMatchObject({ model: 'pixverse/v5/image-to-video', image_url: gen.firstFrame.url });
    expect(gen.firstFrame.url).toMatch(/^https:\/\//);
  });

  describe('/images/<name>', () => {
    it('answers 404 for unknown names, other paths and symlinks; 405 for other methods', async () => {
      expect((await fetch(`${gw.url}/images/${'a'.repeat(32)}.png`)).status).toBe(404);
      expect((await fetch(`${gw.url}/images/..%2Fstore.db`)).status).toBe(404);
      expect((await fetch(`${gw.url}/images/.name-key`)).status).toBe(404);
      const dir = gw.config.imageDir;
      const target = path.join(dir, 'outside.txt');
      writeFileSync(target, 'secret');
      const link = `${'b'.repeat(32)}.png`;
      symlinkSync(target, path.join(dir, link));
      const res = await fetch(`${gw.url}/images/${link}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('secret');
      const stored = readdirSync(dir).find((n) => /^[A-Za-z0-9_-]{32}\.png$/.test(n) && n !== link) as string;
      expect((await fetch(`${gw.url}/images/${stored}`, { method: 'DELETE' })).status).toBe(405);
      const head = await fetch(`${gw.url}/images/${stored}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-security-policy')).toContain("default-src 'none'");
    });
  });
});

describe('image URLs with ALLOW_HTTP_IMAGE_URLS=true', () => {
  let gw: TestGateway;
  let images: http.Server;
  let hits = 0;
  beforeAll(async () => {
    gw = await startGateway({ env: { ALLOW_HTTP_IMAGE_URLS: 'true' } });
    images = http.createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(makePng());
    });
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await gw.stop();
    await new Promise<void>((r) => images.close(() => r()));
  });

  it('accepts an http: URL, sends it on unchanged, and never fetches it itself', async () => {
    const { port } = images.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/frame.png`;
    const res = await gw.gql<Generated>(GENERATE, { input: { prompt: 'p', firstFrame: { url } } });
    const gen = res.body.data?.generateVideo.generation;
    expect(gen).toMatchObject({ model: 'IMAGE_TO_VIDEO', firstFrame: { url } });
    expect(gw.sim.createBodies().at(-1)).toMatchObject({ image_url: url });
    const { results } = await collectWs<Followed>(gw.ws(), FOLLOW, { id: gen?.id });
    expect(results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
    expect(hits).toBe(0);
    // javascript: and file: stay refused with the override on.
    const js = await gw.gql<Generated>(GENERATE, { input: { prompt: 'p', firstFrame: { url: 'javascript:alert(1)' } } });
    expect(js.body.data?.generateVideo.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'firstFrame', 'url'] });
  });
});

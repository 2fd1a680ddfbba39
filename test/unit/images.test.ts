/**
 * Frames, below the transports: recognising images by their bytes, the URL rules, validation of
 * the frame fields (which model, what is refused and where), fingerprints over image bytes, the
 * image store's names, the provider body per model, the estimator per model, and SQLite keeping
 * a generation's model and frames across a reopen.
 */
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { FrameImage, Generation, GenerationInput } from '../../src/domain/generation.js';
import { imageUrlProblem, type UploadedImage } from '../../src/domain/images.js';
import { DurationEstimator, publishedDurationMs } from '../../src/domain/progress.js';
import { inputFingerprint, validateGenerationInput, type RawGenerationInput } from '../../src/domain/validate.js';
import { storeUploads } from '../../src/generations/frames.js';
import { crc32, inspectImage, MAX_IMAGE_SIDE } from '../../src/images/sniff.js';
import { FsImageStore, IMAGE_NAME } from '../../src/images/store.js';
import { createBody, createProvider, frameOnWire, toReading } from '../../src/provider/adapter.js';
import { modelOfProviderId } from '../../src/provider/wire.js';
import type { UpstreamClient } from '../../src/provider/wire.js';
import { openSqliteStore } from '../../src/stores/sqlite/index.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import { Redis } from 'ioredis';
import { skipRedisTests, startRedis } from '../utils/redis.js';
import { generationFixture } from '../utils/generation-fixture.js';
import { makeJpeg, makePng, makeWebp, truncated } from '../utils/images.js';

function upload(bytes: Uint8Array): UploadedImage {
  // A copy: a small Buffer is a view into a shared pool, whose .buffer holds other bytes too.
  return { size: bytes.length, arrayBuffer: async () => new Uint8Array(bytes).buffer };
}

describe('inspectImage', () => {
  it('recognises PNG, JPEG and WebP by their bytes and reads their size', () => {
    expect(inspectImage(makePng(33, 17))).toEqual({ ok: true, contentType: 'image/png', width: 33, height: 17 });
    expect(inspectImage(makeJpeg(48, 24))).toEqual({ ok: true, contentType: 'image/jpeg', width: 48, height: 24 });
    expect(inspectImage(makeWebp(300, 200))).toEqual({ ok: true, contentType: 'image/webp', width: 300, height: 200 });
  });

  it('refuses what is not one of them, whatever it is called', () => {
    for (const bytes of [Buffer.from('hello, I am text'), Buffer.from('GIF89a....'), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), Buffer.alloc(0)]) {
      expect(inspectImage(bytes)).toEqual({ ok: false, problem: 'is not a PNG, JPEG or WebP image' });
    }
  });

  it('refuses files cut short at any point', () => {
    for (const [label, bytes] of [
      ['PNG', makePng(64, 64)],
      ['JPEG', makeJpeg(64, 64)],
      ['WebP', makeWebp()],
    ] as const) {
      for (const cut of [0.1, 0.5, 0.9]) {
        const r = inspectImage(truncated(bytes, cut));
        expect(r.ok, `${label} cut at ${cut}`).toBe(false);
      }
      expect(inspectImage(bytes.subarray(0, bytes.length - 1)).ok, `${label} minus its last byte`).toBe(false);
    }
  });

  it('refuses a PNG whose header checksum is wrong', () => {
    const png = makePng();
    png[17] = (png[17] as number) ^ 0xff;
    expect(inspectImage(png)).toMatchObject({ ok: false, problem: expect.stringMatching(/damaged PNG/) });
  });

  it('refuses sizes outside sane bounds (zero, or a side over the limit)', () => {
    const withSize = (w: number, h: number) => {
      const png = makePng(4, 4);
      png.writeUInt32BE(w, 16);
      png.writeUInt32BE(h, 20);
      png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
      return png;
    };
    expect(inspectImage(withSize(0, 10))).toMatchObject({ ok: false, problem: expect.stringMatching(/without a width and height/) });
    expect(inspectImage(withSize(MAX_IMAGE_SIDE + 1, 10))).toMatchObject({ ok: false, problem: expect.stringMatching(/at most 16384/) });
    expect(inspectImage(withSize(16_000, 16_000))).toMatchObject({ ok: false, problem: expect.stringMatching(/pixels in all/) });
    expect(inspectImage(withSize(MAX_IMAGE_SIDE, 10))).toMatchObject({ ok: true, width: MAX_IMAGE_SIDE });
  });
});

describe('imageUrlProblem', () => {
  it('accepts https: URLs up to 2048 characters', () => {
    expect(imageUrlProblem('https://example.com/a.png')).toBeNull();
    const longest = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`;
    expect(longest).toHaveLength(2048);
    expect(imageUrlProblem(longest)).toBeNull();
    expect(imageUrlProblem(`${longest}a`)).toMatch(/at most 2048/);
  });

  it('refuses other schemes; http: only when allowed', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:image/png;base64,AA', 'ftp://example.com/a.png', 'http://example.com/a.png']) {
      expect(imageUrlProblem(url), url).toMatch(/must use https:/);
    }
    expect(imageUrlProblem('http://example.com/a.png', { allowHttpImageUrls: true })).toBeNull();
    expect(imageUrlProblem('javascript:alert(1)', { allowHttpImageUrls: true })).toMatch(/https: or http:/);
  });

  it('refuses relative URLs, spaces, control characters and credentials', () => {
    expect(imageUrlProblem('a.png')).toMatch(/absolute/);
    expect(imageUrlProblem('https://example.com/a b.png')).toMatch(/spaces/);
    expect(imageUrlProblem('https://example.com/\u0000.png')).toMatch(/control/);
    expect(imageUrlProblem('https://user:pw@example.com/a.png')).toMatch(/credentials/);
    expect(imageUrlProblem('')).toMatch(/empty/);
  });
});

describe('validateGenerationInput: frames', () => {
  const ok = (raw: RawGenerationInput) => {
    const r = validateGenerationInput(raw);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r;
  };
  const problems = (raw: RawGenerationInput, rules = {}) => {
    const r = validateGenerationInput(raw, rules);
    return r.ok ? [] : r.problems;
  };

  it('no frame keeps the text-to-video input exactly as before (no model or frame fields)', () => {
    const r = ok({ prompt: 'p' });
    expect(Object.keys(r.input).sort()).toEqual(['aspectRatio', 'duration', 'negativePrompt', 'prompt', 'resolution', 'seed', 'style']);
    expect(r.uploads).toEqual([]);
  });

  it('a first frame is image-to-video; without a ratio, none is sent', () => {
    const r = ok({ prompt: 'p', firstFrame: { url: 'https://e.com/a.png' } });
    expect(r.input).toMatchObject({ model: 'image-to-video', firstFrame: { source: 'url', url: 'https://e.com/a.png' }, lastFrame: null, aspectRatioGiven: false });
    const withRatio = ok({ prompt: 'p', aspectRatio: '1:1', firstFrame: { url: 'https://e.com/a.png' } });
    expect(withRatio.input.aspectRatioGiven).toBeUndefined();
  });

  it('both frames are a transition; uploads are left for the store', () => {
    const file = upload(makePng());
    const r = ok({ prompt: 'p', firstFrame: { file }, lastFrame: { url: ' https://e.com/b.png ' } });
    expect(r.input).toMatchObject({ model: 'transition', firstFrame: null, lastFrame: { source: 'url', url: 'https://e.com/b.png' } });
    expect(r.input.aspectRatioGiven).toBeUndefined();
    expect(r.uploads).toEqual([{ field: 'firstFrame', file }]);
  });

  it('names the field at fault', () => {
    expect(problems({ prompt: 'p', lastFrame: { url: 'https://e.com/b.png' } })).toEqual([
      { field: ['input', 'lastFrame'], message: expect.stringMatching(/needs a firstFrame/) },
    ]);
    expect(problems({ prompt: 'p', firstFrame: {} })).toEqual([{ field: ['input', 'firstFrame'], message: expect.stringMatching(/exactly one/) }]);
    expect(problems({ prompt: 'p', firstFrame: { url: null, file: null } })).toEqual([
      { field: ['input', 'firstFrame'], message: expect.stringMatching(/exactly one/) },
    ]);
    expect(problems({ prompt: 'p', firstFrame: { url: 'https://e.com/a.png', file: upload(makePng()) } })).toEqual([
      { field: ['input', 'firstFrame'], message: expect.stringMatching(/not both/) },
    ]);
    expect(problems({ prompt: 'p', firstFrame: { url: 'https://e.com/a.png' }, lastFrame: { url: 'file:///x' } })).toEqual([
      { field: ['input', 'lastFrame', 'url'], message: expect.stringMatching(/^lastFrame\.url must use https:/) },
    ]);
    expect(problems({ prompt: 'p', firstFrame: { file: upload(new Uint8Array(2000)) } }, { maxImageBytes: 1999 })).toEqual([
      { field: ['input', 'firstFrame', 'file'], message: 'firstFrame.file must be at most 1999 bytes (got 2000)' },
    ]);
    // Frame problems come with the others, in one answer.
    expect(problems({ prompt: '', duration: 7, firstFrame: {} }).map((p) => p.field.join('.')).sort()).toEqual([
      'input.duration',
      'input.firstFrame',
      'input.prompt',
    ]);
  });
});

describe('inputFingerprint with frames', () => {
  const base: GenerationInput = { prompt: 'p', negativePrompt: null, aspectRatio: '16:9', resolution: '720p', duration: 5, style: null, seed: null };
  const file = (sha256: string, name = 'n'): FrameImage => ({ source: 'file', name, contentType: 'image/png', byteSize: 1, width: 1, height: 1, sha256 });

  it('text-to-video fingerprints are unchanged (keys saved before stay valid)', () => {
    expect(inputFingerprint(base)).toBe(JSON.stringify(['p', null, '16:9', '720p', 5, null, null]));
    expect(inputFingerprint({ ...base, model: 'text-to-video' })).toBe(inputFingerprint(base));
  });

  it('the same bytes are the same input whatever their stored name; different bytes, URLs or models are not', () => {
    const i2v = (frame: FrameImage): GenerationInput => ({ ...base, model: 'image-to-video', firstFrame: frame, lastFrame: null });
    expect(inputFingerprint(i2v(file('aa', 'x')))).toBe(inputFingerprint(i2v(file('aa', 'y'))));
    expect(inputFingerprint(i2v(file('aa')))).not.toBe(inputFingerprint(i2v(file('bb'))));
    expect(inputFingerprint(i2v({ source: 'url', url: 'https://e.com/a' }))).not.toBe(inputFingerprint(i2v({ source: 'url', url: 'https://e.com/b' })));
    expect(inputFingerprint(i2v(file('aa')))).not.toBe(inputFingerprint(base));
    expect(inputFingerprint(i2v(file('aa')))).not.toBe(
      inputFingerprint({ ...base, model: 'transition', firstFrame: file('aa'), lastFrame: file('aa') }),
    );
    expect(inputFingerprint(i2v(file('aa')))).not.toBe(inputFingerprint({ ...i2v(file('aa')), aspectRatioGiven: false }));
  });
});

describe('FsImageStore and storeUploads', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cinegraph-images-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores an image under an unguessable name; the same bytes are the same file, and a new store key gives new names', async () => {
    const store = new FsImageStore(path.join(dir, 'a'));
    const png = makePng(10, 10, 1);
    const first = await store.accept(png);
    const again = await store.accept(Buffer.from(png));
    if (!first.ok || !again.ok) throw new Error('refused');
    expect(first.image.name).toMatch(IMAGE_NAME);
    expect(first.image.name.endsWith('.png')).toBe(true);
    expect(again.image).toEqual(first.image);
    expect((await readdir(path.join(dir, 'a'))).filter((n) => !n.startsWith('.'))).toEqual([first.image.name]);
    expect(Buffer.from((await store.read(first.image.name)) ?? []).equals(png)).toBe(true);
    // A second instance on the same directory agrees on the key (names stay stable across restarts).
    const reopened = await new FsImageStore(path.join(dir, 'a')).accept(png);
    expect(reopened.ok && reopened.image.name).toBe(first.image.name);
    const other = await new FsImageStore(path.join(dir, 'b')).accept(png);
    expect(other.ok && other.image.name).not.toBe(first.image.name);
    expect(other.ok && other.image.sha256).toBe(first.image.sha256);
  });

  it('instances starting together on one directory agree on one naming key', async () => {
    const stores = Array.from({ length: 8 }, () => new FsImageStore(dir));
    const png = makePng(6, 6, 4);
    const names = await Promise.all(stores.map(async (s) => {
      const r = await s.accept(png);
      return r.ok ? r.image.name : null;
    }));
    expect(new Set(names).size).toBe(1);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('reads back only regular files with a store name', async () => {
    const store = new FsImageStore(dir);
    await store.accept(makePng());
    await writeFile(path.join(dir, 'secret.txt'), 'secret');
    const link = `${'c'.repeat(32)}.png`;
    await symlink(path.join(dir, 'secret.txt'), path.join(dir, link));
    expect(await store.read(link)).toBeNull();
    expect(await store.read('secret.txt')).toBeNull();
    expect(await store.read('../secret.txt')).toBeNull();
    expect(await store.read('.name-key')).toBeNull();
  });

  it('storeUploads puts stored files in place, and names the field of a bad one', async () => {
    const store = new FsImageStore(dir);
    const v = validateGenerationInput({ prompt: 'p', firstFrame: { file: upload(makeJpeg()) }, lastFrame: { file: upload(Buffer.from('nope')) } });
    if (!v.ok) throw new Error('invalid');
    expect(await storeUploads(v.input, v.uploads, store, 1024 * 1024)).toEqual({
      ok: false,
      problems: [{ field: ['input', 'lastFrame', 'file'], message: 'lastFrame.file is not a PNG, JPEG or WebP image' }],
    });
    const good = validateGenerationInput({ prompt: 'p', firstFrame: { file: upload(makeJpeg()) }, lastFrame: { file: upload(makeWebp()) } });
    if (!good.ok) throw new Error('invalid');
    const stored = await storeUploads(good.input, good.uploads, store, 1024 * 1024);
    expect(stored).toMatchObject({ ok: true, input: { model: 'transition', firstFrame: { contentType: 'image/jpeg' }, lastFrame: { contentType: 'image/webp' } } });
    // Without a store, uploads are refused rather than dropped.
    expect(await storeUploads(good.input, good.uploads, undefined, 1024 * 1024)).toMatchObject({ ok: false });
  });
});

describe('provider body per model', () => {
  const base: GenerationInput = { prompt: 'p', negativePrompt: null, aspectRatio: '4:3', resolution: '540p', duration: 8, style: 'clay', seed: 3 };
  const png = makePng(8, 8);
  const stored: FrameImage = { source: 'file', name: 'x.png', contentType: 'image/png', byteSize: png.length, width: 8, height: 8, sha256: 'h' };

  it('text-to-video is sent as it always was', () => {
    expect(createBody(base)).toEqual({ model: 'pixverse/v5/text-to-video', prompt: 'p', aspect_ratio: '4:3', resolution: '540p', duration: 8, style: 'clay', seed: 3 });
  });

  it('image-to-video leaves aspect_ratio out unless given; transition sends both frames', async () => {
    expect(createBody({ ...base, model: 'image-to-video', aspectRatioGiven: false }, { image_url: 'https://e/a' })).toEqual({
      model: 'pixverse/v5/image-to-video',
      prompt: 'p',
      image_url: 'https://e/a',
      resolution: '540p',
      duration: 8,
      style: 'clay',
      seed: 3,
    });
    const sent: unknown[] = [];
    const client: UpstreamClient = {
      create: async (body) => {
        sent.push(body);
        return { id: 'g1', status: 'queued', video: null, error: null, usage: null };
      },
      read: async () => {
        throw new Error('unused');
      },
    };
    const provider = createProvider(client, { readImage: async (name) => (name === 'x.png' ? png : null) });
    await provider.create({ ...base, model: 'transition', firstFrame: stored, lastFrame: { source: 'url', url: 'https://e/b.png' } });
    expect(sent[0]).toMatchObject({
      model: 'pixverse/v5/transition',
      image_url: `data:image/png;base64,${png.toString('base64')}`,
      tail_image_url: 'https://e/b.png',
      aspect_ratio: '4:3',
    });
    await expect(frameOnWire({ ...stored, name: 'gone.png' }, async () => null)).rejects.toThrow(/not readable/);
  });
});

describe('the model a provider id names', () => {
  it('reads it from the id suffix; text-to-video and unknown ids leave the reading as it was', () => {
    expect(modelOfProviderId('1fe4344e-aa:pixverse/v5/image-to-video')).toBe('image-to-video');
    expect(modelOfProviderId('x:pixverse/v5/transition')).toBe('transition');
    expect(modelOfProviderId('x:pixverse/v5/text-to-video')).toBe('text-to-video');
    expect(modelOfProviderId('plain-id')).toBeNull();
    expect(modelOfProviderId('x:pixverse/v5/transition-extra')).toBeNull();
    const base = { status: 'queued', video: null, error: null, usage: null };
    expect(toReading({ ...base, id: 'a:pixverse/v5/transition' }).model).toBe('transition');
    expect(toReading({ ...base, id: 'a:pixverse/v5/text-to-video' })).not.toHaveProperty('model');
    expect(toReading({ ...base, id: 'plain' })).not.toHaveProperty('model');
  });
});

describe('DurationEstimator per model', () => {
  it('learns each model apart; an unseen model borrows text-to-video, then the published timing', () => {
    const e = new DurationEstimator();
    expect(e.expectedMs('720p', 5, 'transition')).toBe(publishedDurationMs('720p', 5));
    e.observe('720p', 5, 20_000);
    expect(e.expectedMs('720p', 5, 'transition')).toBe(20_000);
    e.observe('720p', 5, 50_000, 'transition');
    expect(e.expectedMs('720p', 5, 'transition')).toBe(50_000);
    expect(e.expectedMs('720p', 5, 'image-to-video')).toBe(20_000);
    expect(e.expectedMs('720p', 5)).toBe(20_000);
    expect(e.snapshot()).toEqual({ '720p/5': { meanMs: 20_000, samples: 1 }, 'transition/720p/5': { meanMs: 50_000, samples: 1 } });
  });
});

describe('stores keep the model and frames', () => {
  const framed = (id: string): Generation => {
    const g = generationFixture(id, { status: 'COMPLETED', providerStatus: 'completed', completedAt: generationFixture(id).createdAt + 42_000 });
    g.video = { url: 'https://v/x.mp4', contentType: 'video/mp4', fileName: null, fileSize: null };
    g.input = {
      ...g.input,
      model: 'image-to-video',
      firstFrame: { source: 'file', name: `${'a'.repeat(32)}.png`, contentType: 'image/png', byteSize: 10, width: 2, height: 3, sha256: 'ff' },
      lastFrame: null,
      aspectRatioGiven: false,
    };
    return g;
  };

  it('SQLite: across a reopen, and in the completion samples; text-to-video rows have no model fields', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cinegraph-sqlite-frames-'));
    try {
      let store = await openSqliteStore(dir);
      await store.save(framed('gen-i2v'));
      await store.save(generationFixture('gen-t2v'));
      await store.close();
      store = await openSqliteStore(dir);
      expect(await store.get('gen-i2v')).toEqual(framed('gen-i2v'));
      expect((await store.get('gen-t2v'))?.input).toEqual(generationFixture('gen-t2v').input);
      expect(await store.recentCompletions(10)).toEqual([{ resolution: '720p', duration: 5, tookMs: 42_000, model: 'image-to-video' }]);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(skipRedisTests('the Redis case of test/unit/images.test.ts'))('Redis: the same (the sample carries its model)', async () => {
    const server = await startRedis();
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    try {
      const store = new RedisStore({ redis, prefix: `images-${Date.now()}` });
      await store.save(framed('gen-i2v'));
      await store.save({ ...generationFixture('gen-t2v'), status: 'COMPLETED', providerStatus: 'completed', completedAt: generationFixture('gen-t2v').createdAt + 30_000 });
      expect(await store.get('gen-i2v')).toEqual(framed('gen-i2v'));
      expect(await store.recentCompletions(10)).toEqual(
        expect.arrayContaining([
          { resolution: '720p', duration: 5, tookMs: 42_000, model: 'image-to-video' },
          { resolution: '720p', duration: 5, tookMs: 30_000 },
        ]),
      );
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });

  it('memory: the same', async () => {
    const store = new MemoryStore();
    await store.save(framed('gen-i2v'));
    expect(await store.get('gen-i2v')).toEqual(framed('gen-i2v'));
    expect(await store.recentCompletions(10)).toEqual([{ resolution: '720p', duration: 5, tookMs: 42_000, model: 'image-to-video' }]);
  });
});

describe('image configuration', () => {
  it('MAX_IMAGE_BYTES, ALLOW_HTTP_IMAGE_URLS and where images are kept', () => {
    const base = { DATA_DIR: '/srv/data' };
    expect(loadConfig(base)).toMatchObject({ maxImageBytes: 10 * 1024 * 1024, allowHttpImageUrls: false, imageDir: '/srv/data/images' });
    expect(loadConfig({ ...base, MAX_IMAGE_BYTES: '2048', ALLOW_HTTP_IMAGE_URLS: 'true' })).toMatchObject({ maxImageBytes: 2048, allowHttpImageUrls: true });
    // Cluster mode: a directory every instance shares.
    expect(loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', ARCHIVE_DIR: '/shared/videos' }).imageDir).toBe('/shared/videos/images');
    expect(loadConfig({ ...base, ARCHIVE_DIR: '/shared/videos' }).imageDir).toBe('/srv/data/images');
    expect(() => loadConfig({ ...base, MAX_IMAGE_BYTES: '10MB' })).toThrow(/^MAX_IMAGE_BYTES must be a whole number/);
    expect(() => loadConfig({ ...base, MAX_IMAGE_BYTES: '1' })).toThrow(/^MAX_IMAGE_BYTES must be between/);
    expect(() => loadConfig({ ...base, ALLOW_HTTP_IMAGE_URLS: 'maybe' })).toThrow(/^ALLOW_HTTP_IMAGE_URLS must be true or false/);
  });
});

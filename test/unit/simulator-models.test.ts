import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { creditsFor, defaultGenerateMs, SIM_MODELS, SIM_PATHS } from '../../src/simulator/index.js';
import { imageProblem, validateCreateBody } from '../../src/simulator/validate.js';

// Written out from docs/provider.md and §4.1, so the simulator's own copies are what is checked.
const T2V = 'pixverse/v5/text-to-video';
const I2V = 'pixverse/v5/image-to-video';
const TRANSITION = 'pixverse/v5/transition';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const URL_A = 'https://images.example.com/first.png';
const URL_B = 'http://images.example.com/last.webp?size=large';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function problems(body: unknown): string[] {
  const result = validateCreateBody(body);
  return result.ok ? [] : result.message.split('; ');
}

describe('the simulator stands alone', () => {
  it('imports nothing of the gateway, only node built-ins, its own files and src/lib helpers', () => {
    const simDir = join(srcDir, 'simulator');
    const files = readdirSync(simDir).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    const outside: string[] = [];
    for (const name of files) {
      const text = readFileSync(join(simDir, name), 'utf8');
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:')) continue;
        if (!specifier.startsWith('.')) {
          outside.push(`${name}: package ${specifier}`);
          continue;
        }
        const target = relative(srcDir, resolve(simDir, specifier));
        if (!target.startsWith('simulator/') && !target.startsWith('lib/')) outside.push(`${name}: ${specifier}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('keeps its own copies of the provider paths and model ids, as the contract spells them', () => {
    expect(SIM_PATHS).toEqual({ vendor: '/v2/generate/video/pixverse/generation', universal: '/v2/video/generations' });
    expect(SIM_MODELS).toEqual({ textToVideo: T2V, imageToVideo: I2V, transition: TRANSITION });
  });
});

describe('validateCreateBody: the PixVerse v5 family', () => {
  it('accepts each model with its required fields and returns them as sent', () => {
    const t2v = validateCreateBody({ model: T2V, prompt: 'a dragon' });
    expect(t2v).toMatchObject({ ok: true, value: { model: T2V, imageUrl: null, tailImageUrl: null } });

    const i2v = validateCreateBody({ model: I2V, prompt: 'a dragon', image_url: PNG, aspect_ratio: '1:1', resolution: '540p', duration: 8 });
    expect(i2v).toMatchObject({ ok: true, value: { model: I2V, imageUrl: PNG, tailImageUrl: null, aspectRatio: '1:1', duration: 8 } });

    const transition = validateCreateBody({ model: TRANSITION, prompt: 'morph', image_url: URL_A, tail_image_url: URL_B, seed: 7 });
    expect(transition).toMatchObject({ ok: true, value: { model: TRANSITION, imageUrl: URL_A, tailImageUrl: URL_B, seed: 7 } });
  });

  it.each([
    ['no model', { prompt: 'x' }, /model is required/],
    ['an unknown model', { model: 'pixverse/v4.5/text-to-video', prompt: 'x' }, /model must be one of/],
    ['a model of the wrong type', { model: 5, prompt: 'x' }, /model must be one of/],
    ['image-to-video without image_url', { model: I2V, prompt: 'x' }, /image_url is required for model "pixverse\/v5\/image-to-video"/],
    ['image-to-video with image_url null', { model: I2V, prompt: 'x', image_url: null }, /image_url is required/],
    ['image-to-video without a prompt', { model: I2V, image_url: URL_A }, /prompt must be a string/],
    ['image-to-video with a last frame', { model: I2V, prompt: 'x', image_url: URL_A, tail_image_url: URL_B }, /tail_image_url is not accepted/],
    ['transition without tail_image_url', { model: TRANSITION, prompt: 'x', image_url: URL_A }, /tail_image_url is required/],
    ['transition without image_url', { model: TRANSITION, prompt: 'x', tail_image_url: URL_B }, /^image_url is required/],
    ['text-to-video with an image', { model: T2V, prompt: 'x', image_url: URL_A }, /image_url is not accepted by model "pixverse\/v5\/text-to-video"/],
    ['a bad image with the text-to-video rules', { model: I2V, prompt: 'x', image_url: URL_A, duration: 6 }, /duration must be 5 or 8/],
  ])('refuses %s', (_name, body, message) => {
    const found = problems(body);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((p) => message.test(p))).toBe(true);
  });

  it('reports every problem of a transition body at once', () => {
    expect(problems({ model: TRANSITION, prompt: '', image_url: 'ftp://x/a.png', tail_image_url: 'data:image/gif;base64,R0lG' })).toHaveLength(3);
  });
});

describe('imageProblem', () => {
  it.each([
    URL_A,
    URL_B,
    'https://cdn.example.com/a%20b.jpeg',
    PNG,
    'data:image/jpeg;base64,/9j/4AAQSkZJRg==',
    'data:image/webp;base64,UklGRiQAAABXRUJQVlA4',
    'data:IMAGE/PNG;base64,iVBORw0KGgo', // media types are case-insensitive; unpadded base64
  ])('accepts %s', (value) => {
    expect(imageProblem(value)).toBeNull();
  });

  it.each([
    [42, /must be a string/],
    ['', /http\(s\) URL or a base64 data URI/],
    ['images/first.png', /http\(s\) URL or a base64 data URI/],
    ['ftp://example.com/a.png', /scheme must be http or https/],
    ['file:///etc/passwd', /scheme must be http or https/],
    ['data:image/gif;base64,R0lGODlh', /data URI type must be one of/],
    ['data:image/svg+xml;base64,PHN2Zz4=', /data URI type must be one of/],
    ['data:image/png,iVBORw0KGgo', /data URI of the form/],
    ['data:image/png;base64,', /data URI of the form/],
    ['data:image/png;base64,iVBO Rw0K', /data URI of the form/],
    ['data:image/png;base64,iVBORw0KG', /malformed base64/],
  ])('refuses %j', (value, message) => {
    expect(imageProblem(value)).toMatch(message);
  });
});

describe('prompt tags', () => {
  it('reads a late tag, alone, beside a behaviour, or in one tag with it', () => {
    expect(validateCreateBody({ model: T2V, prompt: 'x [sim:late=30000]' })).toMatchObject({ ok: true, value: { lateMs: 30000, taggedBehaviour: null } });
    expect(validateCreateBody({ model: T2V, prompt: '[sim:fail] x [sim:late=5]' })).toMatchObject({ ok: true, value: { lateMs: 5, taggedBehaviour: 'fail' } });
    expect(validateCreateBody({ model: T2V, prompt: 'x [sim:legacy, late=0]' })).toMatchObject({ ok: true, value: { lateMs: 0, taggedBehaviour: 'legacy' } });
  });

  it('refuses conflicting, repeated or malformed tags', () => {
    expect(problems({ model: T2V, prompt: 'x [sim:fail] [sim:never]' })).toEqual([expect.stringMatching(/conflicting/)]);
    expect(problems({ model: T2V, prompt: 'x [sim:late=1] [sim:late=2]' })).toEqual([expect.stringMatching(/more than one/)]);
    expect(problems({ model: T2V, prompt: 'x [sim:late=-1]' })).toEqual([expect.stringMatching(/unknown simulator tag/)]);
    expect(problems({ model: T2V, prompt: 'x [sim:late=soon]' })).toEqual([expect.stringMatching(/late=<ms>/)]);
  });
});

describe('creditsFor', () => {
  const models = [T2V, I2V, TRANSITION] as const;
  const resolutions = ['360p', '540p', '720p', '1080p'] as const;
  const durations = [5, 8] as const;

  it('keeps the documented figures', () => {
    expect(creditsFor('720p', 5)).toBe(400_000);
    expect(creditsFor('720p', 5, T2V)).toBe(400_000);
    expect(creditsFor('1080p', 5, TRANSITION)).toBe(1_040_000);
    expect(creditsFor('360p', 8, I2V)).toBe(528_000);
  });

  it('gives every valid model, resolution and duration its own integer figure', () => {
    const figures = new Set<number>();
    let combinations = 0;
    for (const model of models) {
      for (const resolution of resolutions) {
        for (const duration of durations) {
          if (resolution === '1080p' && duration === 8) continue;
          const credits = creditsFor(resolution, duration, model);
          expect(Number.isInteger(credits)).toBe(true);
          expect(credits).toBeGreaterThan(0);
          figures.add(credits);
          combinations += 1;
        }
      }
    }
    expect(figures.size).toBe(combinations);
  });

  it('grows with resolution, duration and model', () => {
    for (const model of models) {
      for (let i = 1; i < resolutions.length; i++) {
        expect(creditsFor(resolutions[i]!, 5, model)).toBeGreaterThan(creditsFor(resolutions[i - 1]!, 5, model));
      }
      expect(creditsFor('720p', 8, model)).toBeGreaterThan(creditsFor('720p', 5, model));
    }
    expect(creditsFor('720p', 5, I2V)).toBeGreaterThan(creditsFor('720p', 5, T2V));
    expect(creditsFor('720p', 5, TRANSITION)).toBeGreaterThan(creditsFor('720p', 5, I2V));
  });
});

describe('defaultGenerateMs per model', () => {
  it('takes text-to-video timings by default, the same for image-to-video, longer for transitions', () => {
    expect(defaultGenerateMs('720p', 5, T2V)).toBe(defaultGenerateMs('720p', 5));
    expect(defaultGenerateMs('720p', 5, I2V)).toBe(defaultGenerateMs('720p', 5));
    expect(defaultGenerateMs('720p', 5, TRANSITION)).toBeGreaterThan(defaultGenerateMs('720p', 5));
    expect(defaultGenerateMs('1080p', 5, TRANSITION)).toBe(90_000);
  });
});

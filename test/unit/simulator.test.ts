import { describe, expect, it } from 'vitest';
import { parseRange } from '../../src/lib/http-range.js';
import { defaultGenerateMs } from '../../src/simulator/index.js';
import { validateCreateBody } from '../../src/simulator/validate.js';

const PIXVERSE_MODEL = 'pixverse/v5/text-to-video';

describe('parseRange', () => {
  it.each([
    [undefined, null],
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=90-500', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-3', null],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
  ] as const)('%s on 100 bytes → %j', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});

describe('validateCreateBody', () => {
  it('fills the provider defaults and reads the prompt tag', () => {
    const result = validateCreateBody({ model: PIXVERSE_MODEL, prompt: 'x [SIM:Fail-Detail]', seed: null });
    expect(result).toEqual({
      ok: true,
      value: {
        model: PIXVERSE_MODEL,
        prompt: 'x [SIM:Fail-Detail]',
        negativePrompt: null,
        aspectRatio: '16:9',
        resolution: '720p',
        duration: 5,
        style: null,
        seed: null,
        imageUrl: null,
        tailImageUrl: null,
        taggedBehaviour: 'fail-detail',
        lateMs: null,
      },
    });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(validateCreateBody({ model: PIXVERSE_MODEL, prompt: '🐉'.repeat(2048) }).ok).toBe(true);
    expect(validateCreateBody({ model: PIXVERSE_MODEL, prompt: '🐉'.repeat(2049) }).ok).toBe(false);
  });

  it('reports every problem at once', () => {
    const result = validateCreateBody({ model: 'x', prompt: 1, duration: '8' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.split('; ')).toHaveLength(3);
  });
});

describe('defaultGenerateMs', () => {
  it('follows the provider published timings', () => {
    expect(defaultGenerateMs('720p', 5)).toBeGreaterThanOrEqual(30_000);
    expect(defaultGenerateMs('720p', 5)).toBeLessThanOrEqual(40_000);
    expect(defaultGenerateMs('1080p', 5)).toBeGreaterThan(60_000);
    expect(defaultGenerateMs('720p', 8)).toBe(defaultGenerateMs('720p', 5) * 1.5);
    expect(defaultGenerateMs('360p', 5)).toBeLessThan(defaultGenerateMs('540p', 5));
    expect(defaultGenerateMs('540p', 5)).toBeLessThan(defaultGenerateMs('720p', 5));
  });
});

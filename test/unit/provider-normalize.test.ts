import { describe, expect, it } from 'vitest';
import {
  WireFormatError,
  mapProviderStatus,
  normalizeErrorBody,
  normalizeFailure,
  normalizeGeneration,
  normalizeStatusWord,
  normalizeUsage,
  normalizeVideo,
  toNumber,
} from '../../src/provider/normalize.js';

const ID = '1fe4344e-07a4-4c41-b0d4-0f1b2c3d4e5f:pixverse/v5/text-to-video';

describe('normalizeGeneration', () => {
  it('reads the documented create answer', () => {
    expect(normalizeGeneration({ id: ID, status: 'queued', meta: { usage: { credits_used: 120000 } } })).toEqual({
      id: ID,
      status: 'queued',
      video: null,
      error: null,
      usage: { creditsUsed: 120000, tokensUsed: null, usdSpent: null },
    });
  });

  it('reads a completed read answer with a video object', () => {
    const g = normalizeGeneration({
      id: ID,
      status: 'completed',
      video: { url: 'https://cdn.example/v.mp4', content_type: 'video/mp4', file_name: 'v.mp4', file_size: 1_234_567 },
    });
    expect(g.status).toBe('completed');
    expect(g.video).toEqual({ url: 'https://cdn.example/v.mp4', contentType: 'video/mp4', fileName: 'v.mp4', fileSize: 1_234_567 });
    expect(g.usage).toBeNull();
  });

  it('lower-cases and trims the status, keeps unknown words, and says unknown when missing', () => {
    expect(normalizeGeneration({ id: ID, status: '  Generating ' }).status).toBe('generating');
    expect(normalizeGeneration({ id: ID, status: 'RENDERING_FRAMES' }).status).toBe('rendering_frames');
    expect(normalizeGeneration({ id: ID }).status).toBe('unknown');
    expect(normalizeGeneration({ id: ID, status: '   ' }).status).toBe('unknown');
    expect(normalizeGeneration({ id: ID, status: null }).status).toBe('unknown');
    expect(normalizeGeneration({ id: ID, status: { nested: true } }).status).toBe('unknown');
    expect(normalizeStatusWord(3)).toBe('3');
  });

  it('throws WireFormatError without a non-empty string id', () => {
    for (const body of [null, 'queued', 42, [], [{ id: ID }], {}, { id: 7 }, { id: '' }, { id: '  ' }, { status: 'queued' }]) {
      expect(() => normalizeGeneration(body), JSON.stringify(body)).toThrow(WireFormatError);
    }
  });
});

describe('normalizeVideo', () => {
  it('takes an object, null or missing', () => {
    expect(normalizeVideo({ url: 'https://a/1.mp4' })).toEqual({ url: 'https://a/1.mp4', contentType: null, fileName: null, fileSize: null });
    expect(normalizeVideo(null)).toBeNull();
    expect(normalizeVideo(undefined)).toBeNull();
    expect(normalizeVideo({})).toBeNull();
    expect(normalizeVideo({ url: '' })).toBeNull();
    expect(normalizeVideo({ url: 42 })).toBeNull();
  });

  it('takes the first entry with a url from an array', () => {
    expect(normalizeVideo([{ file_name: 'no-url.mp4' }, null, { url: 'https://a/2.mp4', file_name: '2.mp4' }, { url: 'https://a/3.mp4' }])).toEqual({
      url: 'https://a/2.mp4',
      contentType: null,
      fileName: '2.mp4',
      fileSize: null,
    });
    expect(normalizeVideo([])).toBeNull();
    expect(normalizeVideo([{}, { url: null }])).toBeNull();
  });

  it('reads file_size as a number or a numeric string, else null', () => {
    expect(normalizeVideo({ url: 'u', file_size: '2048' })?.fileSize).toBe(2048);
    expect(normalizeVideo({ url: 'u', file_size: ' 12.5 ' })?.fileSize).toBe(12.5);
    expect(normalizeVideo({ url: 'u', file_size: 'big' })?.fileSize).toBeNull();
    expect(normalizeVideo({ url: 'u', file_size: '' })?.fileSize).toBeNull();
    expect(normalizeVideo({ url: 'u', file_size: Number.NaN })?.fileSize).toBeNull();
  });

  it('accepts a bare URL string and camelCase fields', () => {
    expect(normalizeVideo('https://a/s.mp4')?.url).toBe('https://a/s.mp4');
    expect(normalizeVideo({ url: 'u', contentType: 'video/mp4', fileName: 'f', fileSize: 3 })).toEqual({
      url: 'u',
      contentType: 'video/mp4',
      fileName: 'f',
      fileSize: 3,
    });
  });
});

describe('normalizeFailure', () => {
  it('maps the documented { name, message }', () => {
    expect(normalizeFailure({ name: 'ContentPolicyViolation', message: 'The prompt was rejected' })).toEqual({
      code: 'ContentPolicyViolation',
      message: 'The prompt was rejected',
    });
    expect(normalizeFailure({ message: 'only a message' })).toEqual({ code: 'provider_error', message: 'only a message' });
    expect(normalizeFailure({ name: 'OnlyName' })).toEqual({ code: 'OnlyName', message: 'OnlyName' });
  });

  it('maps { detail: [{ loc, msg, type }] }, joining messages with their location', () => {
    expect(
      normalizeFailure({
        detail: [
          { loc: ['body', 'duration'], msg: 'Input should be 5 or 8', type: 'literal_error' },
          { loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' },
        ],
      }),
    ).toEqual({ code: 'literal_error', message: 'body.duration: Input should be 5 or 8; body.prompt: Field required' });
    expect(normalizeFailure({ detail: [{ msg: 'bad' }] })).toEqual({ code: 'validation_error', message: 'bad' });
    expect(normalizeFailure({ detail: [] })).toEqual({ code: 'validation_error', message: 'The provider rejected the request' });
  });

  it('maps a plain string', () => {
    expect(normalizeFailure('Generation failed')).toEqual({ code: 'provider_error', message: 'Generation failed' });
  });

  it('treats empty values as no error', () => {
    for (const v of [null, undefined, '', '  ', {}, false, []]) expect(normalizeFailure(v), JSON.stringify(v)).toBeNull();
  });

  it('gives anything else a generic failure that still says what was sent', () => {
    const f = normalizeFailure({ weird: 1 });
    expect(f?.code).toBe('provider_error');
    expect(f?.message).toContain('"weird":1');
    expect(normalizeFailure(500)).toEqual({ code: 'provider_error', message: 'The provider reported an error: 500' });
    expect(normalizeFailure(true)?.code).toBe('provider_error');
  });

  it('clips very long provider text', () => {
    expect(normalizeFailure('x'.repeat(5000))?.message.length).toBeLessThanOrEqual(1001);
  });
});

describe('normalizeUsage', () => {
  it('reads numbers and numeric strings', () => {
    expect(normalizeUsage({ usage: { credits_used: '120000', tokens_used: 5, usd_spent: '0.63' } })).toEqual({
      creditsUsed: 120000,
      tokensUsed: 5,
      usdSpent: 0.63,
    });
  });

  it('is null when absent or empty', () => {
    expect(normalizeUsage(undefined)).toBeNull();
    expect(normalizeUsage(null)).toBeNull();
    expect(normalizeUsage({})).toBeNull();
    expect(normalizeUsage({ usage: null })).toBeNull();
    expect(normalizeUsage({ usage: {} })).toBeNull();
    expect(normalizeUsage({ usage: { credits_used: 'n/a' } })).toBeNull();
  });

  it('toNumber rejects non-numeric input', () => {
    expect(toNumber(Infinity)).toBeNull();
    expect(toNumber('1e3')).toBe(1000);
    expect(toNumber(true)).toBeNull();
  });
});

describe('normalizeErrorBody', () => {
  it('reads { message, path, requestId, statusCode (string), timestamp }', () => {
    expect(
      normalizeErrorBody({
        message: 'Insufficient credits',
        path: '/v2/generate/video/pixverse/generation',
        requestId: 'req-123',
        statusCode: '403',
        timestamp: '2025-01-01T00:00:00.000Z',
      }),
    ).toEqual({ message: 'Insufficient credits', requestId: 'req-123', statusCode: 403 });
  });

  it('tolerates other shapes', () => {
    expect(normalizeErrorBody('<html>')).toEqual({ message: null, requestId: null, statusCode: null });
    expect(normalizeErrorBody({ message: ['a', 'b'] }).message).toBe('a; b');
    expect(normalizeErrorBody({ detail: [{ loc: ['body', 'seed'], msg: 'too big', type: 'x' }] }).message).toBe('body.seed: too big');
    expect(normalizeErrorBody({ statusCode: 'abc' }).statusCode).toBeNull();
  });
});

describe('mapProviderStatus (schema.graphql)', () => {
  it.each([
    ['queued', false, 'QUEUED'],
    ['waiting', false, 'QUEUED'],
    ['generating', false, 'GENERATING'],
    ['active', false, 'GENERATING'],
    ['completed', true, 'COMPLETED'],
    ['succeeded', true, 'COMPLETED'],
    ['completed', false, 'FAILED'],
    ['succeeded', false, 'FAILED'],
    ['error', false, 'FAILED'],
    ['failed', false, 'FAILED'],
    ['error', true, 'FAILED'],
    ['unknown', false, 'GENERATING'],
    ['rendering_frames', false, 'GENERATING'],
    [' Completed ', true, 'COMPLETED'],
    ['QUEUED', false, 'QUEUED'],
  ] as const)('%j (url: %s) -> %s', (word, hasUrl, expected) => {
    expect(mapProviderStatus(word, hasUrl)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { inputFingerprint, validateGenerationInput, type RawGenerationInput } from '../../src/domain/validate.js';

function problems(raw: RawGenerationInput): { field: string; message: string }[] {
  const r = validateGenerationInput(raw);
  return r.ok ? [] : r.problems.map((p) => ({ field: p.field.join('.'), message: p.message }));
}

function fieldsOf(raw: RawGenerationInput): string[] {
  return problems(raw).map((p) => p.field);
}

function ok(raw: RawGenerationInput) {
  const r = validateGenerationInput(raw);
  if (!r.ok) throw new Error(`expected valid, got ${JSON.stringify(r.problems)}`);
  return r;
}

describe('validateGenerationInput: defaults', () => {
  it('fills docs/provider.md defaults and trims the prompt', () => {
    const r = ok({ prompt: '  A fox in snow \n' });
    expect(r.input).toEqual({
      prompt: 'A fox in snow',
      negativePrompt: null,
      aspectRatio: '16:9',
      resolution: '720p',
      duration: 5,
      style: null,
      seed: null,
    });
    expect(r.idempotencyKey).toBeNull();
  });

  it('passes every valid value through', () => {
    const r = ok({
      prompt: 'p',
      negativePrompt: ' blur ',
      aspectRatio: '9:16',
      resolution: '540p',
      duration: 8,
      style: 'clay',
      seed: 0,
      idempotencyKey: 'key-1',
    });
    expect(r.input).toEqual({ prompt: 'p', negativePrompt: 'blur', aspectRatio: '9:16', resolution: '540p', duration: 8, style: 'clay', seed: 0 });
    expect(r.idempotencyKey).toBe('key-1');
  });

  it('treats null optional fields like absent ones, and a blank negativePrompt as none', () => {
    const r = ok({ prompt: 'p', negativePrompt: '   ', aspectRatio: null, resolution: null, duration: null, style: null, seed: null, idempotencyKey: null });
    expect(r.input.negativePrompt).toBeNull();
    expect(r.input.duration).toBe(5);
  });
});

describe('validateGenerationInput: prompt', () => {
  it.each(['', ' ', '\n\t  \r\n'])('rejects an empty or blank prompt %j', (prompt) => {
    expect(problems({ prompt })).toEqual([{ field: 'input.prompt', message: expect.stringMatching(/empty/) }]);
  });

  it('accepts 2048 characters and rejects 2049, counted after trimming', () => {
    expect(ok({ prompt: 'a'.repeat(2048) }).input.prompt).toHaveLength(2048);
    expect(ok({ prompt: `  ${'a'.repeat(2048)}  ` }).input.prompt).toHaveLength(2048);
    expect(fieldsOf({ prompt: 'a'.repeat(2049) })).toEqual(['input.prompt']);
    expect(problems({ prompt: 'a'.repeat(2049) })[0]?.message).toMatch(/2048.*2049/);
  });

  it('counts code points, not UTF-16 units', () => {
    const emoji = '🎬';
    expect(emoji.length).toBe(2);
    expect(ok({ prompt: emoji.repeat(2048) }).input.prompt).toBe(emoji.repeat(2048));
    expect(fieldsOf({ prompt: emoji.repeat(2049) })).toEqual(['input.prompt']);
    expect(ok({ prompt: `${'a'.repeat(2047)}${emoji}` }).input.prompt.length).toBe(2049);
  });

  it.each([
    ['a lone high surrogate', 'a\uD83Db'],
    ['a lone low surrogate', 'a\uDC00b'],
    ['a reversed pair', 'a\uDE00\uD83Db'],
    ['a high surrogate at the end', 'abc\uD83D'],
    ['a low surrogate at the start', '\uDE00abc'],
  ])('rejects %s', (_name, prompt) => {
    expect(problems({ prompt })).toEqual([{ field: 'input.prompt', message: expect.stringMatching(/surrogate/) }]);
  });

  it('accepts well-formed surrogate pairs and other scripts', () => {
    for (const prompt of ['😀 smile', '一只狐狸在雪中', 'Ünïcödé', 'מתחת לים', '👨‍👩‍👧 family']) {
      expect(ok({ prompt }).input.prompt).toBe(prompt);
    }
  });

  it.each([
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['backspace', '\u0008'],
    ['vertical tab', '\u000B'],
    ['form feed', '\u000C'],
    ['ESC', '\u001B'],
    ['unit separator', '\u001F'],
    ['DEL', '\u007F'],
  ])('rejects the control character %s inside the text', (_name, c) => {
    expect(problems({ prompt: `a${c}b` })).toEqual([{ field: 'input.prompt', message: expect.stringMatching(/control/) }]);
  });

  it('allows tab and newlines inside a prompt', () => {
    expect(ok({ prompt: 'line one\nline two\r\n\tindented' }).input.prompt).toBe('line one\nline two\r\n\tindented');
  });
});

describe('validateGenerationInput: negativePrompt', () => {
  it('has the same length, surrogate and control-character rules as the prompt', () => {
    expect(ok({ prompt: 'p', negativePrompt: 'n'.repeat(2048) }).input.negativePrompt).toHaveLength(2048);
    expect(fieldsOf({ prompt: 'p', negativePrompt: 'n'.repeat(2049) })).toEqual(['input.negativePrompt']);
    expect(fieldsOf({ prompt: 'p', negativePrompt: 'a\uD800' })).toEqual(['input.negativePrompt']);
    expect(fieldsOf({ prompt: 'p', negativePrompt: 'a\u0001' })).toEqual(['input.negativePrompt']);
    expect(ok({ prompt: 'p', negativePrompt: '🎬'.repeat(2048) }).input.negativePrompt).toBe('🎬'.repeat(2048));
  });
});

describe('validateGenerationInput: duration, resolution, seed', () => {
  it.each([0, 1, 4, 6, 7, 9, 10, -5, 5.5, 8.0001])('rejects duration %d', (duration) => {
    expect(problems({ prompt: 'p', duration })).toEqual([{ field: 'input.duration', message: expect.stringMatching(/5 or 8/) }]);
  });

  it('accepts 5 and 8, but not 8 at 1080p', () => {
    expect(ok({ prompt: 'p', duration: 5, resolution: '1080p' }).input.duration).toBe(5);
    for (const resolution of ['360p', '540p', '720p'] as const) {
      expect(ok({ prompt: 'p', duration: 8, resolution }).input.duration).toBe(8);
    }
    expect(problems({ prompt: 'p', duration: 8, resolution: '1080p' })).toEqual([
      { field: 'input.duration', message: expect.stringMatching(/P1080/) },
    ]);
  });

  it.each([-1, -2147483648, 2147483648, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects seed %d', (seed) => {
    expect(fieldsOf({ prompt: 'p', seed })).toEqual(['input.seed']);
  });

  it.each([0, 1, 42, 2147483647])('accepts seed %d', (seed) => {
    expect(ok({ prompt: 'p', seed }).input.seed).toBe(seed);
  });
});

describe('validateGenerationInput: idempotencyKey', () => {
  it('accepts 1..255 characters, rejects empty and 256', () => {
    expect(ok({ prompt: 'p', idempotencyKey: 'k' }).idempotencyKey).toBe('k');
    expect(ok({ prompt: 'p', idempotencyKey: 'k'.repeat(255) }).idempotencyKey).toHaveLength(255);
    expect(problems({ prompt: 'p', idempotencyKey: '' })).toEqual([{ field: 'input.idempotencyKey', message: expect.stringMatching(/empty/) }]);
    expect(problems({ prompt: 'p', idempotencyKey: 'k'.repeat(256) })).toEqual([
      { field: 'input.idempotencyKey', message: expect.stringMatching(/255/) },
    ]);
  });

  it.each([['a control character', 'key\u0000'], ['a lone surrogate', 'key\uD800']])('rejects a key with %s', (_n, key) => {
    expect(fieldsOf({ prompt: 'p', idempotencyKey: key })).toEqual(['input.idempotencyKey']);
  });
});

describe('validateGenerationInput: several problems', () => {
  it('reports every field at fault at once, each with its own path', () => {
    expect(
      fieldsOf({ prompt: '', negativePrompt: 'x'.repeat(5000), duration: 6, seed: -1, idempotencyKey: '' }).sort(),
    ).toEqual(['input.duration', 'input.idempotencyKey', 'input.negativePrompt', 'input.prompt', 'input.seed']);
  });

  it('messages are one line and do not echo huge inputs', () => {
    for (const p of problems({ prompt: 'x'.repeat(100_000), negativePrompt: 'y'.repeat(100_000) })) {
      expect(p.message).not.toContain('\n');
      expect(p.message.length).toBeLessThan(200);
    }
  });
});

describe('inputFingerprint', () => {
  it('is equal for equal inputs and differs when any field differs', () => {
    const base = ok({ prompt: 'p', seed: 1 }).input;
    expect(inputFingerprint(base)).toBe(inputFingerprint(ok({ prompt: ' p ', seed: 1 }).input));
    for (const change of [{ prompt: 'q' }, { seed: 2 }, { duration: 8 as const }, { style: 'anime' as const }, { negativePrompt: 'n' }, { aspectRatio: '1:1' as const }, { resolution: '360p' as const }]) {
      expect(inputFingerprint({ ...base, ...change })).not.toBe(inputFingerprint(base));
    }
  });
});

/**
 * Every input rule of generateVideo, through the real gateway: a bad input is an INVALID_INPUT
 * userError naming the field at fault and never reaches the provider; a value GraphQL itself
 * cannot accept is a GraphQL error with extensions.code, never a 500.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GqlError, type TestGateway } from '../utils/gateway.js';
import { GENERATE_FULL, type GeneratePayload } from '../utils/generation-helpers.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.stop();
});
afterEach(() => {
  gw.sim.stats.reset();
});

const OK_PROMPT = 'A koi pond in autumn';

async function generateRaw(input: Record<string, unknown>): Promise<{ status: number; body: { data?: GeneratePayload | null; errors?: GqlError[] } }> {
  return gw.gql<GeneratePayload>(GENERATE_FULL, { input });
}

interface Rule {
  name: string;
  input: Record<string, unknown>;
  field: string[];
  message: RegExp;
}

const RULES: Rule[] = [
  { name: 'empty prompt', input: { prompt: '' }, field: ['input', 'prompt'], message: /empty/ },
  { name: 'whitespace-only prompt', input: { prompt: ' \n\t  ' }, field: ['input', 'prompt'], message: /empty/ },
  { name: '2049-character prompt', input: { prompt: 'a'.repeat(2049) }, field: ['input', 'prompt'], message: /2048/ },
  {
    name: '2049 code points of astral characters',
    input: { prompt: '🎬'.repeat(2049) },
    field: ['input', 'prompt'],
    message: /2048/,
  },
  { name: 'prompt with control characters', input: { prompt: 'A cat\u0000 on a mat' }, field: ['input', 'prompt'], message: /control/ },
  { name: 'prompt with a lone surrogate', input: { prompt: 'A cat \uD83D on a mat' }, field: ['input', 'prompt'], message: /surrogate/ },
  {
    name: '2049-character negativePrompt',
    input: { prompt: OK_PROMPT, negativePrompt: 'b'.repeat(2049) },
    field: ['input', 'negativePrompt'],
    message: /2048/,
  },
  { name: 'duration 6', input: { prompt: OK_PROMPT, duration: 6 }, field: ['input', 'duration'], message: /5 or 8/ },
  { name: 'duration 0', input: { prompt: OK_PROMPT, duration: 0 }, field: ['input', 'duration'], message: /5 or 8/ },
  {
    name: 'duration 8 at P1080',
    input: { prompt: OK_PROMPT, duration: 8, resolution: 'P1080' },
    field: ['input', 'duration'],
    message: /P1080/,
  },
  { name: 'seed -1', input: { prompt: OK_PROMPT, seed: -1 }, field: ['input', 'seed'], message: /0 to 2147483647/ },
  {
    name: '256-character idempotencyKey',
    input: { prompt: OK_PROMPT, idempotencyKey: 'k'.repeat(256) },
    field: ['input', 'idempotencyKey'],
    message: /255/,
  },
  { name: 'empty idempotencyKey', input: { prompt: OK_PROMPT, idempotencyKey: '' }, field: ['input', 'idempotencyKey'], message: /empty/ },
];

describe('core input: rules checked before the provider', () => {
  it.each(RULES)('$name → INVALID_INPUT at $field, nothing sent', async ({ input, field, message }) => {
    const { status, body } = await generateRaw(input);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const payload = body.data!.generateVideo;
    expect(payload.generation).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    expect(payload.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field });
    expect(payload.userErrors[0]!.message).toMatch(message);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it('reports every bad field at once', async () => {
    const { body } = await generateRaw({ prompt: '', duration: 6, seed: -5, negativePrompt: 'x'.repeat(3000) });
    const fields = body.data!.generateVideo.userErrors.map((e) => e.field?.join('.'));
    expect(new Set(fields)).toEqual(new Set(['input.prompt', 'input.negativePrompt', 'input.duration', 'input.seed']));
    expect(body.data!.generateVideo.userErrors.every((e) => e.code === 'INVALID_INPUT')).toBe(true);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it.each([
    { name: '2048 ASCII characters', prompt: 'a'.repeat(2048) },
    { name: '2048 astral code points (4096 UTF-16 units)', prompt: '🎬'.repeat(2048) },
    { name: '2048 characters with surrounding whitespace (trimmed)', prompt: `   ${'c'.repeat(2048)}   ` },
  ])('the limits themselves are accepted: $name', async ({ prompt }) => {
    const { body } = await generateRaw({ prompt, negativePrompt: 'n'.repeat(2048), idempotencyKey: `${prompt.length}-${prompt.codePointAt(0)}-`.padEnd(255, 'k') });
    expect(body.errors).toBeUndefined();
    expect(body.data!.generateVideo.userErrors).toEqual([]);
    expect(body.data!.generateVideo.generation?.id).toBeTruthy();
    expect(body.data!.generateVideo.generation?.prompt).toBe(prompt.trim());
    expect(gw.sim.stats.creates).toBe(1);
  });

  it('accepts the edges of every numeric range and sends them on', async () => {
    for (const input of [
      { prompt: OK_PROMPT, seed: 0 },
      { prompt: OK_PROMPT, seed: 2147483647 },
      { prompt: OK_PROMPT, duration: 8, resolution: 'P720' },
      { prompt: OK_PROMPT, duration: 5, resolution: 'P1080' },
    ]) {
      const { body } = await generateRaw(input);
      expect(body.data!.generateVideo.userErrors, JSON.stringify(input)).toEqual([]);
    }
    expect(gw.sim.stats.creates).toBe(4);
    expect(gw.sim.stats.generations).toBe(4);
  });
});

/**
 * A GraphQL-level rejection: errors with a code, no data, and a 2xx/4xx status. Values that
 * arrive in variables are checked while executing, literals in the document fail validation:
 * both are BAD_USER_INPUT (schema.graphql), the validation ones with yoga's code kept as `reason`.
 */
function expectGraphQLRejection(status: number, body: { data?: unknown; errors?: GqlError[] }, codes = ['BAD_USER_INPUT']): void {
  expect(status, 'a client mistake is never a 5xx').toBeLessThan(500);
  expect(body.errors?.length).toBeGreaterThan(0);
  expect(body.data ?? null).toBeNull();
  for (const e of body.errors!) {
    expect(codes, `extensions.code of ${JSON.stringify(e)}`).toContain(e.extensions?.code);
  }
}

const VALIDATION_CODES = ['GRAPHQL_VALIDATION_FAILED'];

describe('core input: values GraphQL itself rejects', () => {
  it('seed 2147483648 in variables (above GraphQL Int) → BAD_USER_INPUT, nothing sent', async () => {
    const { status, body } = await generateRaw({ prompt: OK_PROMPT, seed: 2147483648 });
    expectGraphQLRejection(status, body);
    // The message says which variable field is at fault, not just what GraphQL Int cannot hold.
    expect(body.errors![0]!.message).toMatch(/2147483648/);
    expect(body.errors![0]!.message).toMatch(/\$input|seed/);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it('seed 2147483648 inline in the document → GRAPHQL_VALIDATION_FAILED, nothing sent', async () => {
    const { status, body } = await gw.gql(`mutation { generateVideo(input: { prompt: "${OK_PROMPT}", seed: 2147483648 }) { userErrors { code } } }`);
    expectGraphQLRejection(status, body, VALIDATION_CODES);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it('duration "5" (a string) in variables → BAD_USER_INPUT, nothing sent', async () => {
    const { status, body } = await generateRaw({ prompt: OK_PROMPT, duration: '5' });
    expectGraphQLRejection(status, body);
    expect(body.errors![0]!.message).toMatch(/\$input|duration/);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it('duration "5" inline in the document → GRAPHQL_VALIDATION_FAILED, nothing sent', async () => {
    const { status, body } = await gw.gql(`mutation { generateVideo(input: { prompt: "${OK_PROMPT}", duration: "5" }) { userErrors { code } } }`);
    expectGraphQLRejection(status, body, VALIDATION_CODES);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it.each([
    { name: 'a missing prompt', input: {} },
    { name: 'a null prompt', input: { prompt: null } },
    { name: 'an unknown resolution', input: { prompt: OK_PROMPT, resolution: 'P4K' } },
    { name: 'an unknown field', input: { prompt: OK_PROMPT, fps: 60 } },
    { name: 'a fractional duration', input: { prompt: OK_PROMPT, duration: 5.5 } },
  ])('$name → BAD_USER_INPUT, nothing sent', async ({ input }) => {
    const { status, body } = await generateRaw(input);
    expectGraphQLRejection(status, body);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it('a syntax error gets the same extensions.code over HTTP and WebSocket', async () => {
    const http = await gw.gql('mutation { generateVideo(input: { prompt: "x" }) { userErrors { code } }');
    expect(http.status).toBeLessThan(500);
    const httpCode = http.body.errors?.[0]?.extensions?.code;
    expect(httpCode).toBeTruthy();
    const wsErrors = await new Promise<GqlError[]>((resolve) => {
      gw.ws().subscribe(
        { query: 'mutation { generateVideo(input: { prompt: "x" }) { userErrors { code } }' },
        {
          next: (v) => resolve((v.errors ?? []) as unknown as GqlError[]),
          error: (e) => resolve(Array.isArray(e) ? (e as GqlError[]) : [{ message: String(e) }]),
          complete: () => resolve([]),
        },
      );
    });
    expect(wsErrors[0]?.extensions?.code, JSON.stringify(wsErrors)).toBe(httpCode);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it('a wrong type over WebSocket is an error with a code too, and the socket stays usable', async () => {
    const client = gw.ws();
    const result = await new Promise<{ errors: GqlError[] }>((resolve) => {
      const errors: GqlError[] = [];
      client.subscribe(
        { query: GENERATE_FULL, variables: { input: { prompt: OK_PROMPT, duration: '5' } } },
        {
          next: (v) => errors.push(...((v.errors ?? []) as unknown as GqlError[])),
          error: (e) => {
            if (Array.isArray(e)) errors.push(...(e as GqlError[]));
            else errors.push({ message: String(e) });
            resolve({ errors });
          },
          complete: () => resolve({ errors }),
        },
      );
    });
    expect(result.errors.length).toBeGreaterThan(0);
    for (const e of result.errors) expect(e.extensions?.code, JSON.stringify(e)).toBe('BAD_USER_INPUT');
    expect(gw.sim.stats.creates).toBe(0);
    const ok = await new Promise<unknown>((resolve, reject) => {
      let data: unknown = null;
      client.subscribe({ query: '{ __typename }' }, { next: (v) => (data = v.data), error: reject, complete: () => resolve(data) });
    });
    expect(ok).toEqual({ __typename: 'Query' });
  });
});

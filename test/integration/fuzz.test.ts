/**
 * Property-based fuzzing of every door: random and malformed documents, variables, JSON bodies,
 * WebSocket frames and odd strings. Every answer must be a 4xx or a GraphQL error, never a 5xx,
 * a crash or a hang, and the gateway must still serve a well-formed request afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GENERATE, startGateway, type TestGateway } from '../utils/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ env: { GENERATE_RATE_PER_MINUTE: '100000', MAX_ACTIVE_GENERATIONS: '100000' } });
});
afterAll(async () => {
  await gw.stop();
});

async function post(body: string | Uint8Array, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const r = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/graphql-response+json, application/json' },
    body: typeof body === 'string' ? body : Buffer.from(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: r.status, text: await r.text() };
}

function assertClientError(r: { status: number; text: string }): void {
  expect(r.status, r.text).toBeLessThan(500);
  if (r.status === 200) {
    const body = JSON.parse(r.text) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    expect(body.data !== undefined || body.errors !== undefined).toBe(true);
    for (const e of body.errors ?? []) expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  }
}

/** Strings that break naive code: control characters, lone surrogates, huge and exotic text. */
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom('\u0000', '\uD800', '\uDFFF', 'a\uD83D', '\u202E', '\r\n', '\\', '"', "'", '{', '}', '$', '#', '…'),
  fc.integer({ min: 2040, max: 2060 }).map((n) => 'x'.repeat(n)),
);

const graphqlish = fc
  .array(
    fc.oneof(
      fc.constantFrom('{', '}', '(', ')', ':', '$', '!', '...', '@', 'query', 'mutation', 'subscription', 'fragment', 'on', 'videoGeneration', 'generateVideo', 'input', 'id', 'status', '"x"', '1', '[', ']', '__schema', '__typename'),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(' '));

describe('fuzzing', () => {
  it('random documents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(graphqlish, oddString), async (query) => {
        assertClientError(await post(JSON.stringify({ query })));
      }),
      { numRuns: 150 },
    );
  });

  it('random variables for generateVideo', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.record({
            prompt: fc.oneof(oddString, fc.anything()),
            duration: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
            seed: fc.oneof(fc.integer(), fc.bigInt().map(String), fc.double()),
            resolution: fc.oneof(fc.constantFrom('P360', 'P1080', 'p720', ''), fc.string()),
            negativePrompt: oddString,
            idempotencyKey: oddString,
          }, { requiredKeys: [] }),
        ),
        async (input) => {
          let body: string;
          try {
            body = JSON.stringify({ query: GENERATE, variables: { input } });
          } catch {
            return; // not representable as JSON (e.g. a bigint): nothing to send
          }
          assertClientError(await post(body));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('malformed JSON and binary bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 500 }), fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))), fc.json()),
        async (body) => {
          assertClientError(await post(body));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('1 MB prompts and huge documents are refused with a 4xx', async () => {
    const r = await post(JSON.stringify({ query: GENERATE, variables: { input: { prompt: '\uD800'.repeat(1024 * 1024) } } }));
    expect(r.status).toBe(413);
    const deep = await post(JSON.stringify({ query: `{ ${'videoGeneration(id: "a") { '.repeat(500)}id${' }'.repeat(500)} }` }));
    assertClientError(deep);
  });

  it('random WebSocket frames never bring the server down', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 200 }),
            fc.json(),
            fc.constantFrom(
              '{"type":"connection_init"}',
              '{"type":"subscribe","id":"1","payload":{"query":"subscription { videoGenerationUpdates(id: \\"x\\") { id } }"}}',
              '{"type":"subscribe","id":"1","payload":{}}',
              '{"type":"subscribe"}',
              '{"type":"complete","id":"1"}',
              '{"type":"ping"}',
              '{"type":"pong"}',
              '{"type":"next","id":"1"}',
            ),
          ),
          { maxLength: 6 },
        ),
        async (frames) => {
          const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
          await new Promise<void>((resolve) => {
            ws.on('open', () => {
              for (const f of frames) ws.send(f);
              setTimeout(() => ws.close(), 20);
            });
            ws.on('close', () => resolve());
            ws.on('error', () => resolve());
          });
        },
      ),
      { numRuns: 60 },
    );
    // A WebSocket message over the size limit is refused by closing that socket only.
    const big = new WebSocket(`${gw.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => {
      big.on('open', () => big.send('x'.repeat(2 * 1024 * 1024)));
      big.on('close', (c) => resolve(c));
    });
    expect(code).toBe(1009);
  });

  it('still serves a well-formed request afterwards', async () => {
    const r = await gw.gql<{ generateVideo: { generation: { id: string } | null } }>(GENERATE, { input: { prompt: 'after the storm' } });
    expect(r.status).toBe(200);
    expect(r.body.data?.generateVideo.generation?.id).toBeTruthy();
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
  });
});

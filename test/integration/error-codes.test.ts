/**
 * Error codes as graphql-yoga and Apollo Server spell them, the same code for the same fault over
 * HTTP, SSE and WebSocket; malformed requests are 400 BAD_REQUEST, never a 500; every code is
 * listed in the README.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/server/errors.js';
import { startGateway, type GqlError, type TestGateway } from '../utils/gateway.js';
import { sseEvents } from '../utils/sse.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.stop();
});

type Params = { query: string; variables?: Record<string, unknown>; operationName?: string };

async function overHttp(p: Params): Promise<{ status: number; codes: unknown[] }> {
  const res = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(p),
  });
  const body = (await res.json()) as { errors?: GqlError[] };
  return { status: res.status, codes: (body.errors ?? []).map((e) => e.extensions?.code) };
}

async function overSse(p: Params): Promise<unknown[]> {
  const res = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(p),
  });
  const codes: unknown[] = [];
  if (!res.body) return codes;
  for await (const { event, data } of sseEvents(res.body as unknown as AsyncIterable<Uint8Array>)) {
    if (event === 'complete') break;
    if (data) codes.push(...((JSON.parse(data) as { errors?: GqlError[] }).errors ?? []).map((e) => e.extensions?.code));
  }
  return codes;
}

function overWs(p: Params): Promise<unknown[]> {
  return new Promise((resolve) => {
    const codes: unknown[] = [];
    gw.ws().subscribe(p, {
      next: (v) => codes.push(...(v.errors ?? []).map((e) => (e.extensions as { code?: unknown } | undefined)?.code)),
      error: (e) => {
        codes.push(...(Array.isArray(e) ? (e as GqlError[]).map((x) => x.extensions?.code) : [String(e)]));
        resolve(codes);
      },
      complete: () => resolve(codes),
    });
  });
}

const FOLLOW = 'subscription Follow($id: ID!) { videoGenerationUpdates(id: $id) { id status } }';

describe('the same code for the same fault, over HTTP, SSE and WebSocket', () => {
  const faults: { fault: string; code: string; params: Params; http?: false }[] = [
    { fault: 'a document that does not parse', code: 'GRAPHQL_PARSE_FAILED', params: { query: 'subscription { videoGenerationUpdates(id: "x") { id ' } },
    { fault: 'a field the schema does not have', code: 'GRAPHQL_VALIDATION_FAILED', params: { query: 'subscription { videoGenerationUpdates(id: "x") { nope } }' } },
    { fault: 'a literal of the wrong type', code: 'GRAPHQL_VALIDATION_FAILED', params: { query: 'subscription { videoGenerationUpdates(id: 5.5) { id } }' } },
    { fault: 'a variable of the wrong type', code: 'BAD_USER_INPUT', params: { query: FOLLOW, variables: { id: { not: 'an id' } } } },
    { fault: 'a missing required variable', code: 'BAD_USER_INPUT', params: { query: FOLLOW, variables: {} } },
    {
      fault: 'two operations and no operationName',
      code: 'OPERATION_RESOLUTION_FAILURE',
      params: { query: `${FOLLOW} subscription Other { videoGenerationUpdates(id: "x") { id } }`, variables: { id: 'x' } },
    },
    {
      fault: 'an operationName the document does not have',
      code: 'OPERATION_RESOLUTION_FAILURE',
      params: { query: FOLLOW, variables: { id: 'x' }, operationName: 'Missing' },
    },
    // Over plain HTTP a subscription is not served; a query of the id answers null instead.
    { fault: 'a subscription to an id nobody knows', code: 'NOT_FOUND', params: { query: FOLLOW, variables: { id: 'no-such-generation' } }, http: false },
  ];

  for (const { fault, code, params, http } of faults) {
    it(`${fault} → ${code}`, async () => {
      const [sse, ws] = await Promise.all([overSse(params), overWs(params)]);
      expect(sse, 'SSE').toEqual([code]);
      expect(ws, 'WebSocket').toEqual([code]);
      if (http !== false) {
        // Over HTTP the same document as a query, so that it is served at all.
        const asQuery = { ...params, query: params.query.replace(/subscription/g, 'query').replace(/videoGenerationUpdates/g, 'videoGeneration') };
        const r = await overHttp(asQuery);
        expect(r.codes, 'HTTP').toEqual([code]);
        expect(r.status).toBeLessThan(500);
      }
    });
  }
});

describe('malformed requests are 400 BAD_REQUEST, never a 500', () => {
  const get = async (search: string): Promise<{ status: number; body: { errors?: GqlError[] } }> => {
    const res = await fetch(`${gw.url}/graphql?${search}`, { headers: { accept: 'application/graphql-response+json' } });
    return { status: res.status, body: (await res.json()) as { errors?: GqlError[] } };
  };
  const q = `query=${encodeURIComponent('query($id: ID!) { videoGeneration(id: $id) { id } }')}`;

  it.each([
    ['variables that are not JSON', `${q}&variables=${encodeURIComponent('{"id": ')}`, /"variables" parameter is not valid JSON/],
    ['extensions that are not JSON', `${q}&variables=%7B%22id%22%3A%22x%22%7D&extensions=${encodeURIComponent('{oops')}`, /"extensions" parameter is not valid JSON/],
    ['variables that are a JSON array', `${q}&variables=${encodeURIComponent('[1]')}`, /"variables" parameter must be a JSON object/],
    ['no query at all', 'variables=%7B%7D', /Must provide query string/],
  ])('a GET with %s', async (_what, search, message) => {
    const r = await get(search);
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message), extensions: { code: 'BAD_REQUEST' } })]);
  });

  it('a POST body that is not JSON, and a mutation over GET', async () => {
    const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: GqlError[] }).errors[0]?.extensions?.code).toBe('BAD_REQUEST');
    const mutation = await get(`query=${encodeURIComponent('mutation { generateVideo(input: { prompt: "x" }) { userErrors { code } } }')}`);
    expect(mutation.status).toBe(405);
    expect(mutation.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(gw.sim.stats.creates).toBe(0);
  });
});

describe('UNAUTHENTICATED', () => {
  it('over HTTP and SSE; a WebSocket is closed with 4403 in connection_init instead', async () => {
    const secured = await startGateway({ env: { GATEWAY_TOKENS: 'alice:alice-token-0123456789ab' } });
    try {
      const http = await secured.gql('{ __typename }');
      expect(http.status).toBe(401);
      expect(http.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const sse = await fetch(`${secured.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: FOLLOW, variables: { id: 'x' } }),
      });
      expect(sse.status).toBe(401);
      expect(JSON.stringify(await sse.text())).toContain('UNAUTHENTICATED');
      const closed = await new Promise<unknown>((resolve) => {
        secured.ws().subscribe({ query: '{ __typename }' }, { next: () => undefined, error: resolve, complete: () => resolve('complete') });
      });
      expect((closed as { code?: number }).code).toBe(4403);
    } finally {
      await secured.stop();
    }
  });
});

describe('the README', () => {
  it('lists every code a client can meet', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(readme, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|`));
  });
});

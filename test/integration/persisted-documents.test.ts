/**
 * Trusted documents (PERSISTED_DOCUMENTS, PERSISTED_DOCUMENTS_ONLY) and automatic persisted
 * queries on every transport: HTTP GET and POST, SSE and graphql-ws, with the same codes for the
 * same fault (PERSISTED_QUERY_NOT_FOUND, OPERATION_RESOLUTION_FAILURE, BAD_REQUEST).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, LruPersistedQueryStore, ManifestError, normalizeDocumentId, parseManifest } from '../../src/server/persisted-documents.js';
import { startGateway, type GqlError, type TestGateway } from '../utils/gateway.js';
import { sseEvents } from '../utils/sse.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const TYPENAME = 'query Typename { __typename }';
const START = 'mutation Start($input: GenerateVideoInput!) { generateVideo(input: $input) { generation { id status } userErrors { code } } }';
const FOLLOW = 'subscription Follow($id: ID!) { videoGenerationUpdates(id: $id) { id status } }';
/** As the client preset keys them. */
const id = (doc: string): string => `sha256:${sha256(doc)}`;

type Body = { data?: Record<string, unknown> | null; errors?: GqlError[] };

async function post(gw: TestGateway, body: Record<string, unknown>, accept = 'application/graphql-response+json'): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

async function get(gw: TestGateway, params: Record<string, unknown>): Promise<{ status: number; body: Body }> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) q.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const res = await fetch(`${gw.url}/graphql?${q}`, { headers: { accept: 'application/graphql-response+json' } });
  return { status: res.status, body: (await res.json()) as Body };
}

/** Every `next` payload of an SSE request until `complete`. */
async function sse(gw: TestGateway, body: Record<string, unknown>): Promise<Body[]> {
  const res = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  const out: Body[] = [];
  if (!res.body) return out;
  for await (const { event, data } of sseEvents(res.body as unknown as AsyncIterable<Uint8Array>)) {
    if (event === 'complete') break;
    if (data) out.push(JSON.parse(data) as Body);
  }
  return out;
}

/** Every result of a graphql-ws operation until it completes; refusals come back as `errors`. */
function ws(client: Client, payload: Record<string, unknown>): Promise<Body[]> {
  return new Promise((resolve) => {
    const out: Body[] = [];
    client.subscribe(payload as { query: string }, {
      next: (v) => out.push(v as Body),
      error: (e) => {
        out.push({ errors: Array.isArray(e) ? (e as GqlError[]) : [{ message: String(e) }] });
        resolve(out);
      },
      complete: () => resolve(out),
    });
  });
}

const codes = (b: Body): (string | undefined)[] => (b.errors ?? []).map((e) => e.extensions?.code);

let dir = '';
let manifestFile = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cinegraph-pd-'));
  manifestFile = path.join(dir, 'persisted-documents.json');
  writeFileSync(manifestFile, JSON.stringify({ [id(TYPENAME)]: TYPENAME, [id(START)]: START, [id(FOLLOW)]: FOLLOW }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

describe('trusted documents', () => {
  it('serves a manifest document by documentId over GET, POST, SSE and WebSocket, by either spelling of its hash', async () => {
    gw = await startGateway({ env: { PERSISTED_DOCUMENTS: manifestFile } });
    expect((await post(gw, { documentId: id(TYPENAME) })).body).toEqual({ data: { __typename: 'Query' } });
    expect((await get(gw, { documentId: id(TYPENAME) })).body).toEqual({ data: { __typename: 'Query' } });
    // Apollo's spelling: extensions.persistedQuery with the bare hex hash.
    const apollo = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(TYPENAME) } } };
    expect((await post(gw, apollo)).body).toEqual({ data: { __typename: 'Query' } });
    expect((await get(gw, apollo)).body).toEqual({ data: { __typename: 'Query' } });
    // The ids are not case-sensitive hex.
    expect((await post(gw, { documentId: id(TYPENAME).toUpperCase().replace('SHA256:', 'sha256:') })).body).toEqual({ data: { __typename: 'Query' } });

    const started = await post(gw, { documentId: id(START), variables: { input: { prompt: 'A kettle boils over' } } });
    const genId = (started.body.data?.generateVideo as { generation: { id: string } }).generation.id;
    const overSse = await sse(gw, { documentId: id(FOLLOW), variables: { id: genId } });
    expect(overSse.at(-1)?.data).toEqual({ videoGenerationUpdates: { id: genId, status: 'COMPLETED' } });
    const overWs = await ws(gw.ws(), { query: '', documentId: id(FOLLOW), variables: { id: genId } });
    expect(overWs.map((r) => r.errors)).toEqual(overWs.map(() => undefined));
    expect(overWs.at(-1)?.data).toEqual({ videoGenerationUpdates: { id: genId, status: 'COMPLETED' } });
    const overWsApollo = await ws(gw.ws(), { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(TYPENAME) } } });
    expect(overWsApollo).toEqual([{ data: { __typename: 'Query' } }]);
  });

  it('an unknown id is PERSISTED_QUERY_NOT_FOUND on every transport; ad-hoc documents still run when not only', async () => {
    gw = await startGateway({ env: { PERSISTED_DOCUMENTS: manifestFile } });
    const unknown = id('query Nope { __typename }');
    const http = await post(gw, { documentId: unknown });
    expect(http.status).toBe(404);
    expect(codes(http.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(codes((await get(gw, { documentId: unknown })).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await sse(gw, { documentId: unknown })).flatMap(codes)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const overWs = await ws(gw.ws(), { query: '', documentId: unknown });
    expect(overWs.flatMap(codes)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    // Nothing HTTP-only on a socket.
    expect(overWs[0]?.errors?.[0]?.extensions).toEqual({ code: 'PERSISTED_QUERY_NOT_FOUND' });
    expect((await post(gw, { query: '{ __typename }' })).body).toEqual({ data: { __typename: 'Query' } });
    // Neither a query nor an id: a malformed request.
    const none = await post(gw, { variables: {} });
    expect(none.status).toBe(400);
    expect(codes(none.body)).toEqual(['BAD_REQUEST']);
    expect((await ws(gw.ws(), { query: '' })).flatMap(codes)).toEqual(['BAD_REQUEST']);
  });

  it('PERSISTED_DOCUMENTS_ONLY refuses every ad-hoc document, on every transport, and registers nothing by APQ', async () => {
    gw = await startGateway({ env: { PERSISTED_DOCUMENTS: manifestFile, PERSISTED_DOCUMENTS_ONLY: 'true' } });
    const adHoc = '{ __typename }';
    const http = await post(gw, { query: adHoc });
    expect(http.status).toBe(400);
    expect(codes(http.body)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(http.body.errors?.[0]?.message).toMatch(/only trusted documents/i);
    expect(codes((await get(gw, { query: adHoc })).body)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect((await sse(gw, { query: FOLLOW, variables: { id: 'x' } })).flatMap(codes)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect((await ws(gw.ws(), { query: adHoc })).flatMap(codes)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    // Even a manifest document, sent as text, is an ad-hoc document: only its id is trusted.
    expect(codes((await post(gw, { query: TYPENAME })).body)).toEqual(['OPERATION_RESOLUTION_FAILURE']);

    // APQ registration (query with its hash) is refused, and the hash stays unknown.
    const pq = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(adHoc) } } };
    expect(codes((await post(gw, { query: adHoc, ...pq })).body)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(codes((await post(gw, pq)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await ws(gw.ws(), { query: adHoc, ...pq })).flatMap(codes)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect((await ws(gw.ws(), { query: '', ...pq })).flatMap(codes)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    // The manifest's documents still run.
    expect((await post(gw, { documentId: id(TYPENAME) })).body).toEqual({ data: { __typename: 'Query' } });
    expect(await ws(gw.ws(), { query: '', documentId: id(TYPENAME) })).toEqual([{ data: { __typename: 'Query' } }]);
  });

  it('GraphiQL says the gateway runs only trusted documents', async () => {
    gw = await startGateway({ env: { PERSISTED_DOCUMENTS: manifestFile, PERSISTED_DOCUMENTS_ONLY: 'true' } });
    const page = await fetch(`${gw.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('PERSISTED_DOCUMENTS_ONLY');
  });

  it('is off by default: an id alone is PERSISTED_QUERY_NOT_FOUND (never "Must provide query string")', async () => {
    gw = await startGateway();
    const r = await post(gw, { documentId: id(TYPENAME) });
    expect(codes(r.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await post(gw, { query: TYPENAME })).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('a manifest that cannot be used stops start-up with one line naming PERSISTED_DOCUMENTS', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'sha256:abc': '{ unclosed' }));
    await expect(startGateway({ env: { PERSISTED_DOCUMENTS: bad } })).rejects.toThrow(/^PERSISTED_DOCUMENTS: the document of "sha256:abc" does not parse/);
    await expect(startGateway({ env: { PERSISTED_DOCUMENTS: path.join(dir, 'missing.json') } })).rejects.toThrow(/^PERSISTED_DOCUMENTS: cannot read .*ENOENT/);
    await expect(startGateway({ env: { PERSISTED_DOCUMENTS_ONLY: 'true' } })).rejects.toThrow(/PERSISTED_DOCUMENTS_ONLY=true needs PERSISTED_DOCUMENTS/);
  });
});

describe('automatic persisted queries (APQ)', () => {
  it('hash only → PERSISTED_QUERY_NOT_FOUND; query with its hash runs and registers it; then the hash alone runs (POST, GET, SSE, WebSocket)', async () => {
    gw = await startGateway();
    const query = 'query Apq { __typename }';
    const pq = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } };
    expect(codes((await post(gw, pq)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(codes((await get(gw, pq)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await post(gw, { query, ...pq })).body).toEqual({ data: { __typename: 'Query' } });
    expect((await post(gw, pq)).body).toEqual({ data: { __typename: 'Query' } });
    expect((await get(gw, pq)).body).toEqual({ data: { __typename: 'Query' } });
    expect(await sse(gw, pq)).toEqual([{ data: { __typename: 'Query' } }]);
    expect(await ws(gw.ws(), { query: '', ...pq })).toEqual([{ data: { __typename: 'Query' } }]);

    // Registered over WebSocket (and over GET), used over HTTP.
    const other = 'query ApqWs { __typename }';
    const pq2 = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(other) } } };
    expect((await ws(gw.ws(), { query: '', ...pq2 })).flatMap(codes)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(await ws(gw.ws(), { query: other, ...pq2 })).toEqual([{ data: { __typename: 'Query' } }]);
    expect((await post(gw, pq2)).body).toEqual({ data: { __typename: 'Query' } });
    const third = 'query ApqGet { __typename }';
    const pq3 = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(third) } } };
    expect((await get(gw, { query: third, ...pq3 })).body).toEqual({ data: { __typename: 'Query' } });
    expect((await post(gw, pq3)).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a hash that is not the SHA-256 of its query (BAD_REQUEST), and keeps nothing under it', async () => {
    gw = await startGateway();
    const planted = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('query Victim { __typename }') } } };
    const r = await post(gw, { query: 'mutation Evil { generateVideo(input: { prompt: "x" }) { userErrors { code } } }', ...planted });
    expect(r.status).toBe(400);
    expect(codes(r.body)).toEqual(['BAD_REQUEST']);
    expect(r.body.errors?.[0]?.message).toBe('provided sha does not match query');
    expect((await ws(gw.ws(), { query: '{ __typename }', ...planted })).flatMap(codes)).toEqual(['BAD_REQUEST']);
    expect(codes((await post(gw, planted)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(gw.sim.stats.creates).toBe(0);
  });

  it('keeps only documents that validated', async () => {
    gw = await startGateway();
    const invalid = 'query Bad { nope }';
    const pq = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(invalid) } } };
    expect(codes((await post(gw, { query: invalid, ...pq })).body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes((await post(gw, pq)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('APQ_MAX_DOCUMENTS=0 turns it off: the query still runs, its hash is never kept', async () => {
    gw = await startGateway({ env: { APQ_MAX_DOCUMENTS: '0' } });
    const query = 'query Off { __typename }';
    const pq = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } };
    expect((await post(gw, { query, ...pq })).body).toEqual({ data: { __typename: 'Query' } });
    expect(codes((await post(gw, pq)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('the store and the manifest reader', () => {
  it('LruPersistedQueryStore is bounded in documents and characters, least recently used first', () => {
    const store = new LruPersistedQueryStore({ maxDocuments: 3, maxChars: 20 });
    store.set('a', 'aaaa');
    store.set('b', 'bbbb');
    store.set('c', 'cccc');
    expect(store.get('a')).toBe('aaaa'); // a is now the most recently used
    store.set('d', 'dddd');
    expect(store.size).toBe(3);
    expect(store.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => store.get(k))).toEqual(['aaaa', 'cccc', 'dddd']);
    store.set('e', 'e'.repeat(12)); // 4 + 4 + 4 + 12 > 20 characters: the least recently used (a) goes
    expect(store.size).toBe(3);
    expect(store.get('a')).toBeUndefined();
    expect(['c', 'd', 'e'].map((k) => store.get(k)?.length)).toEqual([4, 4, 12]);
    store.set('f', 'f'.repeat(10)); // c, d and then e go: e and f together are 22 > 20
    expect(['c', 'd', 'e', 'f'].map((k) => store.get(k) !== undefined)).toEqual([false, false, false, true]);
    store.set('huge', 'x'.repeat(21)); // larger than the whole store: not kept, nothing evicted
    expect(store.get('huge')).toBeUndefined();
    expect(store.get('f')).toBe('f'.repeat(10));
  });

  it('reads the client preset manifest and Apollo\'s persisted query manifest', () => {
    const preset = parseManifest({ [id(TYPENAME)]: TYPENAME });
    expect(preset.get(sha256(TYPENAME))).toBe(TYPENAME);
    expect(preset.get(id(TYPENAME))).toBe(TYPENAME);
    const apollo = parseManifest({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256(START), body: START, name: 'Start', type: 'mutation' }],
    });
    expect(apollo.get(`sha256:${sha256(START)}`)).toBe(START);
    expect(normalizeDocumentId('custom-id')).toBe('custom-id');
    expect(() => parseManifest([])).toThrow(ManifestError);
    expect(() => parseManifest({ x: 'type Query { a: Int }' })).toThrow(/not an executable document/);
    expect(() => parseManifest({ x: 42 })).toThrow(/is not a string/);
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, '{');
    expect(() => loadManifest(notJson)).toThrow(/^PERSISTED_DOCUMENTS: .* is not valid JSON$/);
  });
});

/**
 * Compression over HTTP, read with node:http (fetch would decompress behind our back): answers
 * of 1 KiB or more go out br or gzip as the client prefers, smaller ones and streams as they are;
 * GraphiQL is a small page revalidated with a strong ETag (304, no body) plus immutable hashed
 * files, under 1.5 MB in all with brotli.
 */
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCompressibleType, negotiateEncoding, varyOnAcceptEncoding } from '../../src/server/compress.js';
import { precompressGraphiQL } from '../../src/server/routes/graphiql.js';
import { GENERATE, startGateway, waitFor, type TestGateway } from '../utils/gateway.js';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes on the wire (after transfer decoding, before content decoding). */
  wire: Buffer;
  /** The body, content-decoded. */
  body: Buffer;
}

function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const wire = Buffer.concat(chunks);
        const enc = res.headers['content-encoding'];
        const body = wire.length === 0 ? wire : enc === 'br' ? brotliDecompressSync(wire) : enc === 'gzip' ? gunzipSync(wire) : wire;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, wire, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const INTROSPECT = '{ __schema { types { name description fields { name description } } } }';

function postGraphQL(url: string, query: string, acceptEncoding?: string): Promise<Raw> {
  const body = JSON.stringify({ query });
  return request(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      accept: 'application/graphql-response+json',
      ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
    },
    body,
  });
}

describe('content negotiation', () => {
  it('picks br or gzip by q-value, br on a tie, and refuses q=0', () => {
    expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(negotiateEncoding('gzip')).toBe('gzip');
    expect(negotiateEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(negotiateEncoding('br;q=0, gzip')).toBe('gzip');
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('*;q=0, gzip;q=0.1')).toBe('gzip');
    expect(negotiateEncoding('identity')).toBeNull();
    expect(negotiateEncoding('br;q=0, gzip;q=0')).toBeNull();
    expect(negotiateEncoding('')).toBeNull();
    expect(negotiateEncoding(undefined)).toBeNull();
  });

  it('compresses text and JSON, never event streams, videos or fonts already compressed', () => {
    for (const t of ['application/json', 'application/graphql-response+json; charset=utf-8', 'text/html; charset=utf-8', 'text/javascript', 'image/svg+xml', 'text/plain; version=0.0.4']) {
      expect(isCompressibleType(t), t).toBe(true);
    }
    for (const t of ['text/event-stream', 'video/mp4', 'font/woff2', 'image/png', 'multipart/mixed; boundary="-"', '', null]) {
      expect(isCompressibleType(t), String(t)).toBe(false);
    }
    expect(varyOnAcceptEncoding(undefined)).toBe('Accept-Encoding');
    expect(varyOnAcceptEncoding('Accept, Origin')).toBe('Accept, Origin, Accept-Encoding');
    expect(varyOnAcceptEncoding('accept-encoding')).toBe('accept-encoding');
  });
});

describe('compressed answers', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ sim: { queueMs: 50, generateMs: 150 } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('GraphQL JSON over 1 KiB: br or gzip as accepted, the same document either way', async () => {
    const plain = await postGraphQL(gw.url, INTROSPECT);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.body.length).toBeGreaterThan(1024);
    const br = await postGraphQL(gw.url, INTROSPECT, 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(Number(br.headers['content-length'])).toBe(br.wire.length);
    expect(br.wire.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(br.body.toString())).toEqual(JSON.parse(plain.body.toString()));
    const gz = await postGraphQL(gw.url, INTROSPECT, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gz.body.toString())).toEqual(JSON.parse(plain.body.toString()));
  });

  it('small answers go out as they are', async () => {
    const small = await postGraphQL(gw.url, '{ __typename }', 'br, gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString())).toEqual({ data: { __typename: 'Query' } });
  });

  it('the demo page and its scripts, and /metrics', async () => {
    for (const path of ['/', '/demo/app.js', '/demo/style.css', '/metrics']) {
      const res = await request(`${gw.url}${path}`, { headers: { 'accept-encoding': 'gzip;q=0.9, br' } });
      expect(res.status, path).toBe(200);
      expect(res.headers['content-encoding'], path).toBe('br');
      expect(res.body.length, path).toBeGreaterThan(res.wire.length);
    }
    const metrics = await request(`${gw.url}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
    expect(metrics.headers['content-encoding']).toBe('gzip');
    expect(metrics.body.toString()).toContain('process_resident_memory_bytes');
    const head = await request(`${gw.url}/`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.wire.length).toBe(0);
  });

  it('an SSE subscription streams uncompressed, event by event; a video is not compressed', async () => {
    const { body } = await gw.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'a kite' } });
    const id = body.data!.generateVideo.generation.id;
    const query = 'subscription ($id: ID!) { videoGenerationUpdates(id: $id) { status video { url } } }';
    const events = await new Promise<{ headers: http.IncomingHttpHeaders; first: string; all: string }>((resolve, reject) => {
      const payload = JSON.stringify({ query, variables: { id } });
      const req = http.request(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), accept: 'text/event-stream', 'accept-encoding': 'gzip, br' },
      }, (res) => {
        let all = '';
        let first = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          all += c;
          // The first event arrives while the generation is still running: nothing is buffered.
          if (!first && /data: .*\n\n/.test(all)) first = all;
        });
        res.on('end', () => resolve({ headers: res.headers, first, all }));
      });
      req.on('error', reject);
      req.end(payload);
    });
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    // yoga marks event streams `content-encoding: none` so proxies leave them alone too.
    expect(['none', undefined]).toContain(events.headers['content-encoding']);
    expect(events.first).toMatch(/"status":"(QUEUED|GENERATING)"/);
    expect(events.first).not.toContain('COMPLETED');
    expect(events.all).toContain('"status":"COMPLETED"');
    const gen = await waitFor(async () => {
      const g = await gw.app.store.get(id);
      return g?.video?.archivedFile ? g : null;
    }, 10_000, 'archived video');
    const videoUrl = /"url":"([^"]+)"/.exec(events.all)?.[1] ?? '';
    expect(gen.video?.archiveName && videoUrl.endsWith(gen.video.archiveName)).toBe(true);
    const video = await request(videoUrl, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(video.status).toBe(200);
    expect(video.headers['content-type']).toMatch(/^video\//);
    expect(video.headers['content-encoding']).toBeUndefined();
  });
});

describe('GraphiQL', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // What `npm run build` does ahead of time (kept in node_modules/.cache; quick once made).
    await precompressGraphiQL();
    gw = await startGateway();
  }, 240_000);
  afterAll(async () => {
    await gw?.stop();
  });

  it('first visit under 1.5 MB with brotli, a reload transfers no body, the files are immutable', async () => {
    const html = { accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip, deflate, br' };
    const page = await request(`${gw.url}/graphql`, { headers: html });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(page.headers.vary).toMatch(/accept/i);
    expect(page.headers['content-security-policy']).toBeTruthy();
    const text = page.body.toString();
    expect(text).not.toMatch(/<script>(?!<)/); // no inline script: the options are a JSON data block
    const files = [...text.matchAll(/(?:src|href)="(\/graphiql\/[^"]+)"/g)].map((m) => m[1]!);
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    expect(files.some((f) => f.endsWith('.css'))).toBe(true);

    let transferred = page.wire.length;
    const fetched: Raw[] = [];
    for (const file of files) {
      const res = await request(`${gw.url}${file}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(res.status, file).toBe(200);
      expect(res.headers['cache-control'], file).toBe('public, max-age=31536000, immutable');
      transferred += res.wire.length;
      fetched.push(res);
    }
    // The stylesheet's fonts are fetched only for the faces a page uses: count the Latin ones.
    const css = fetched.find((r) => String(r.headers['content-type']).startsWith('text/css'))!.body.toString();
    const fonts = [...css.matchAll(/@font-face\{[^}]*url\((\/graphiql\/[^)]+)\)[^}]*\}/g)]
      .filter((m) => /unicode-range:U\+0000-00FF/.test(m[0]) || !/unicode-range/.test(m[0]))
      .map((m) => m[1]!);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of new Set(fonts)) transferred += (await request(`${gw.url}${font}`, { headers: { 'accept-encoding': 'br' } })).wire.length;
    expect(transferred).toBeLessThan(1_500_000);
    // Everything GraphiQL had inline is still there, Monaco's workers included.
    const bundle = fetched.find((r) => String(r.headers['content-type']).startsWith('text/javascript'))!.body.toString();
    expect(bundle).toContain('renderYogaGraphiQL');
    expect(bundle).toContain('MonacoEnvironment');

    // A reload revalidates the page: 304, no body. The files are not asked for again (immutable).
    const again = await request(`${gw.url}/graphql`, { headers: { ...html, 'if-none-match': String(page.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.wire.length).toBe(0);
    expect(again.headers.etag).toBe(page.headers.etag);
    const file = await request(`${gw.url}${files[0]}`, { headers: { 'if-none-match': String(fetched[0]!.headers.etag) } });
    expect(file.status).toBe(304);

    // GraphiQL over gzip only still works (larger), and without any encoding.
    const gzPage = await request(`${gw.url}/graphql`, { headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
    expect(gzPage.headers['content-encoding']).toBe('gzip');
    expect(gzPage.body.toString()).toBe(text);
    expect((await request(`${gw.url}/graphiql/nope.js`)).status).toBe(404);
    expect((await request(`${gw.url}${files[0]}`, { method: 'POST', headers: { 'content-length': '0' } })).status).toBe(405);
  });
});

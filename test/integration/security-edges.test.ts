/**
 * The edges a security review of the running gateway found (two tenants, introspection off):
 * authentication before any GraphQL work, no schema hints, ownership that no provider state
 * reveals, foreign ids that cannot drain the provider, page headers, client mistakes kept out of
 * the error log, slow clients dropped, and only files the gateway wrote served.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationStore } from '../../src/domain/ports.js';
import { loadConfig } from '../../src/config.js';
import type { GenerationService } from '../../src/generations/service.js';
import { buildSchema } from '../../src/schema/index.js';
import { createGatewayServer } from '../../src/server/index.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { createAtSimulator } from '../utils/generation-helpers.js';
import { collectSse, collectWs, GENERATE, READ, startGateway, tempDir, UPDATES, type TestGateway } from '../utils/gateway.js';
import { capturedErrorLines, clientMistakeLines } from '../utils/log-scan.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdefgh';
const TOKENS = `alice:${ALICE},bob:${BOB}`;
const asAlice = { authorization: `Bearer ${ALICE}` };
const asBob = { authorization: `Bearer ${BOB}` };
const unknownId = (): string => `${randomUUID()}:pixverse/v5/text-to-video`;

interface GenData {
  generateVideo: { generation: { id: string } | null; userErrors: { code: string }[] };
}

let gw: TestGateway | null = null;
let errorLinesBefore = 0;
beforeEach(() => {
  errorLinesBefore = capturedErrorLines.length;
});
afterEach(async () => {
  await gw?.stop();
  gw = null;
  // Everything here is a client's doing (or a provider's): none of it is the gateway's own fault.
  expect(capturedErrorLines.slice(errorLinesBefore).map((l) => l.line)).toEqual([]);
});

async function generateAs(g: TestGateway, headers: Record<string, string>, prompt: string): Promise<string> {
  const { body } = await g.gql<GenData>(GENERATE, { input: { prompt } }, headers);
  const id = body.data?.generateVideo.generation?.id;
  if (!id) throw new Error(`generate failed: ${JSON.stringify(body)}`);
  return id;
}

/** The close code a graphql-ws client saw, or null when the operation was not refused by a close. */
const closeCode = (errors: unknown[]): number | null => (errors[0] as { code?: number } | undefined)?.code ?? null;

describe('authentication comes before any GraphQL work', () => {
  const INVALID = '{ videoGeneratoin(id: "x") { id } }';
  const INVALID_SUB = 'subscription { videoGenerationUpdate(id: "x") { id } }';

  it('answers 401 to an invalid document without a token over HTTP POST, GET and SSE, and closes the WebSocket with 4403', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS } });
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-token-000000000000' }];
    for (const headers of attempts) {
      const post = await gw.gql(INVALID, {}, headers);
      expect(post.status).toBe(401);
      expect(post.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      // Nothing of the schema: no validation message, no suggestion.
      expect(JSON.stringify(post.body)).not.toMatch(/videoGeneration|Did you mean|Cannot query/);
    }
    // A body that is not even JSON gets the same 401: it was never read.
    const junk = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(junk.status).toBe(401);
    expect(junk.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    const get = await fetch(`${gw.url}/graphql?query=${encodeURIComponent(INVALID)}`, { headers: { accept: 'application/json' } });
    expect(get.status).toBe(401);
    expect(((await get.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const sse = await collectSse(gw.url, INVALID_SUB, {});
    expect(sse.status).toBe(401);
    expect(sse.results).toEqual([]);

    const none = await collectWs(gw.ws(), INVALID_SUB, {});
    expect(closeCode(none.errors)).toBe(4403);
    const wrong = await collectWs(gw.ws({ authorization: 'Bearer not-a-token-000000000000' }), INVALID_SUB, {});
    expect(closeCode(wrong.errors)).toBe(4403);

    // With a token, the same documents meet validation: the 401 came first.
    const authed = await gw.gql(INVALID, {}, asAlice);
    expect(authed.status).toBe(400);
    expect(authed.body.errors?.[0]?.message).toMatch(/Cannot query field/);
    const authedWs = await collectWs(gw.ws(asAlice), INVALID_SUB, {});
    expect(closeCode(authedWs.errors)).toBeNull();
    expect(JSON.stringify(authedWs.errors)).toMatch(/Cannot query field/);
  });

  it('answers 500 without detail, and logs the fault, when the authenticator itself fails', async () => {
    const lines: Record<string, unknown>[] = [];
    const server = createGatewayServer({
      schema: buildSchema(),
      service: {} as GenerationService,
      authenticate: () => Promise.reject(new Error('key cache unreadable')),
      authRequired: true,
      logger: pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) }),
      limits: loadConfig({}).limits,
      publicUrl: () => '',
    });
    try {
      const url = await server.listen(0, '127.0.0.1');
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: '{"query":"{ __typename }"}' });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual(['authentication failed']);
    } finally {
      await server.close(0);
    }
  });

  it('still serves the GraphiQL page and CORS preflights without a token (the token is entered in GraphiQL)', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS, CORS_ORIGINS: 'https://app.example' } });
    const page = await fetch(`${gw.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const preflight = await fetch(`${gw.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});

describe('no schema disclosure with introspection off', () => {
  /** Documents graphql-js would answer with "Did you mean …", and the variables they need. */
  const HINTED: { name: string; query: string; variables?: Record<string, unknown>; over: ('post' | 'get' | 'sse' | 'ws')[] }[] = [
    { name: 'field', query: '{ videoGeneratoin(id: "x") { id } }', over: ['post', 'get', 'sse', 'ws'] },
    { name: 'argument', query: '{ videoGeneration(idd: "x") { id } }', over: ['post', 'get', 'sse', 'ws'] },
    { name: 'type', query: 'query ($i: GenerateVideoInpt) { __typename }', over: ['post', 'get', 'ws'] },
    { name: 'enum value', query: 'mutation { generateVideo(input: { prompt: "p", resolution: P72 }) { userErrors { code } } }', over: ['post', 'ws'] },
    { name: 'input field', query: 'mutation { generateVideo(input: { promt: "p" }) { userErrors { code } } }', over: ['post', 'ws'] },
    {
      name: 'enum value in a variable',
      query: 'mutation ($r: VideoResolution) { generateVideo(input: { prompt: "p", resolution: $r }) { userErrors { code } } }',
      variables: { r: 'P72' },
      over: ['post', 'ws'],
    },
    {
      name: 'input field in a variable',
      query: 'mutation ($i: GenerateVideoInput!) { generateVideo(input: $i) { userErrors { code } } }',
      variables: { i: { promt: 'p' } },
      over: ['post', 'ws'],
    },
    { name: 'subscription field', query: 'subscription { videoGenerationUpdate(id: "x") { id } }', over: ['post', 'sse', 'ws'] },
    { name: 'subscription selection', query: 'subscription { videoGenerationUpdates(id: "x") { statsu } }', over: ['sse', 'ws'] },
  ];

  async function answers(g: TestGateway): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const d of HINTED) {
      for (const t of d.over) {
        let text: string;
        if (t === 'post') text = JSON.stringify((await g.gql(d.query, d.variables)).body);
        else if (t === 'get') {
          const qs = `query=${encodeURIComponent(d.query)}${d.variables ? `&variables=${encodeURIComponent(JSON.stringify(d.variables))}` : ''}`;
          text = await (await fetch(`${g.url}/graphql?${qs}`, { headers: { accept: 'application/json' } })).text();
        } else if (t === 'sse') text = JSON.stringify((await collectSse(g.url, d.query, d.variables ?? {})).errors);
        else text = JSON.stringify((await collectWs(g.ws(), d.query, d.variables ?? {})).errors);
        out[`${d.name} over ${t}`] = text;
      }
    }
    return out;
  }

  it('answers no "Did you mean" for fields, arguments, types, enum values or input fields, on any transport', async () => {
    gw = await startGateway({ env: { INTROSPECTION: 'false' } });
    const off = await answers(gw);
    for (const [what, text] of Object.entries(off)) {
      // Each is refused with an error (so the check below is about real messages) …
      expect(text, what).toMatch(/"message"/);
      // … that names no schema element it was not given.
      // (Messages are JSON-escaped here: a quoted name reads \"name\".)
      expect(text, what).not.toMatch(/Did you mean|videoGenerations\b|\\"P720\\"|\\"status\\"/);
    }
    // With introspection on, graphql-js's hints are left as they are: the setting is what hides them.
    await gw.stop();
    gw = await startGateway();
    const on = await answers(gw);
    expect(Object.values(on).filter((t) => t.includes('Did you mean')).length).toBeGreaterThanOrEqual(8);
  });

  it('serves GraphiQL only when GRAPHIQL says so (by default, when introspection is on)', async () => {
    const page = async (g: TestGateway): Promise<{ status: number; type: string; body: string }> => {
      const r = await fetch(`${g.url}/graphql`, { headers: { accept: 'text/html' } });
      return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
    };
    gw = await startGateway({ env: { INTROSPECTION: 'false' } });
    const hidden = await page(gw);
    expect(hidden.type).not.toMatch(/text\/html/);
    expect(hidden.body).not.toMatch(/GraphiQL/i);
    await gw.stop();
    gw = await startGateway({ env: { INTROSPECTION: 'false', GRAPHIQL: 'true' } });
    expect((await page(gw)).type).toMatch(/^text\/html/);
    await gw.stop();
    gw = await startGateway({ env: { GRAPHIQL: 'false' } });
    expect((await page(gw)).type).not.toMatch(/text\/html/);
  });
});

describe('ownership never leaks, whatever the provider does', () => {
  it('answers another client’s id exactly like an unknown id while the provider fails, is slow, or is healthy', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS }, sim: { queueMs: 60_000, generateMs: 60_000 } });
    const g = gw;
    const alices = [await generateAs(g, asAlice, 'one'), await generateAs(g, asAlice, 'two'), await generateAs(g, asAlice, 'three')];
    const bobReads = async (id: string): Promise<{ text: string; ms: number }> => {
      const started = Date.now();
      const r = await g.gql(READ, { id }, asBob);
      return { text: `${r.status} ${JSON.stringify(r.body).replaceAll(id, '<id>')}`, ms: Date.now() - started };
    };
    const bobWatches = async (id: string): Promise<string> => JSON.stringify((await collectWs(g.ws(asBob), UPDATES, { id })).errors).replaceAll(id, '<id>');

    // Failing: both are "the provider cannot be reached", over HTTP and WebSocket alike.
    const outage = g.sim.outage();
    const failingForeign = await bobReads(alices[0]!);
    const failingUnknown = await bobReads(unknownId());
    expect(failingForeign.text).toBe(failingUnknown.text);
    expect(failingForeign.text).toContain('UPSTREAM_UNAVAILABLE');
    expect(await bobWatches(alices[0]!)).toBe(await bobWatches(unknownId()));
    await outage.end();

    // Slow: both wait for the same provider read, and both are null.
    g.sim.inject({ type: 'delay', ms: 300 }, { times: Infinity, on: 'read' });
    const slowForeign = await bobReads(alices[1]!);
    const slowUnknown = await bobReads(unknownId());
    g.sim.clearFaults();
    expect(slowForeign.text).toBe(slowUnknown.text);
    expect(slowForeign.text).toContain('"videoGeneration":null');
    expect(slowForeign.ms).toBeGreaterThanOrEqual(280);
    expect(slowUnknown.ms).toBeGreaterThanOrEqual(280);

    // Healthy.
    const healthyForeign = await bobReads(alices[2]!);
    expect(healthyForeign.text).toBe((await bobReads(unknownId())).text);
    expect(await bobWatches(alices[2]!)).toBe(await bobWatches(unknownId()));
    // Alice still has all three.
    for (const id of alices) expect((await g.gql<{ videoGeneration: { id: string } }>(READ, { id }, asAlice)).body.data?.videoGeneration.id).toBe(id);
  });

  it('answers the loser of two clients adopting the same provider id at once like an unknown id, not an error', async () => {
    // A store whose reads of one id, while it is absent, wait for each other in pairs: both
    // clients' lookups pass "nobody owns it" before either saves, so one save must lose.
    const inner = new MemoryStore();
    let raced: string | null = null;
    let waiting: (() => void)[] = [];
    let refusedSaves = 0;
    const store = new Proxy(inner, {
      get(target, prop) {
        if (prop === 'save') {
          return (gen: Parameters<MemoryStore['save']>[0]) =>
            target.save(gen).catch((err: unknown) => {
              refusedSaves++;
              throw err;
            });
        }
        if (prop === 'get') {
          return async (id: string) => {
            const found = await target.get(id);
            if (id === raced && found === null) {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, 2000);
                waiting.push(() => {
                  clearTimeout(timer);
                  resolve();
                });
                if (waiting.length >= 2) {
                  for (const go of waiting) go();
                  waiting = [];
                }
              });
            }
            return found;
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as GenerationStore;
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS }, deps: { store } });
    const id = await createAtSimulator(gw, 'adopted by whoever asks first');
    raced = id;
    const [a, b] = await Promise.all([gw.gql<{ videoGeneration: { id: string } | null }>(READ, { id }, asAlice), gw.gql<{ videoGeneration: { id: string } | null }>(READ, { id }, asBob)]);
    raced = null;
    expect(a.body.errors).toBeUndefined();
    expect(b.body.errors).toBeUndefined();
    const winners = [a, b].filter((r) => r.body.data?.videoGeneration?.id === id);
    expect(winners).toHaveLength(1);
    const loser = winners[0] === a ? b : a;
    const loserHeaders = loser === a ? asAlice : asBob;
    expect(loser.body).toEqual((await gw.gql(READ, { id: unknownId() }, loserHeaders)).body);
    expect((await inner.get(id))?.owner).toBe(winners[0] === a ? 'alice' : 'bob');
    // The race did happen: the loser's save was refused by the store.
    expect(refusedSaves).toBe(1);
  });
});

describe('foreign ids cannot drain the provider', () => {
  const bomb = (ids: string[]): string => `query Bomb { ${ids.map((id, i) => `a${i}: videoGeneration(id: "${id}") { id }`).join(' ')} }`;

  it('spends at most the budget of provider reads on an alias bomb of random ids, and answers the rest as unknown', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS, FOREIGN_LOOKUPS_PER_MINUTE: '30' } });
    gw.sim.stats.reset();
    for (let r = 0; r < 20; r++) {
      const res = await gw.gql<Record<string, null>>(bomb(Array.from({ length: 15 }, unknownId)), {}, asBob);
      expect(res.body.errors).toBeUndefined();
      expect(Object.values(res.body.data ?? {})).toEqual(Array.from({ length: 15 }, () => null));
    }
    // 300 ids looked up; the provider was asked about 30 of them.
    expect(gw.sim.stats.reads).toBe(30);

    // Over budget, an id the provider does know answers like an unknown one, without a read …
    const real = await createAtSimulator(gw, 'a provider-only generation');
    const before = gw.sim.stats.reads;
    expect((await gw.gql(READ, { id: real }, asBob)).body).toEqual((await gw.gql(READ, { id: unknownId() }, asBob)).body);
    expect(gw.sim.stats.reads).toBe(before);
    // … while another owner's budget is untouched: Alice adopts it.
    expect((await gw.gql<{ videoGeneration: { id: string } }>(READ, { id: real }, asAlice)).body.data?.videoGeneration.id).toBe(real);
  });

  it('remembers a negative answer briefly: asking again costs no provider read', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS } });
    const id = unknownId();
    gw.sim.stats.reset();
    for (let i = 0; i < 5; i++) expect((await gw.gql(READ, { id }, asBob)).body.data).toEqual({ videoGeneration: null });
    const sub = await collectWs(gw.ws(asBob), UPDATES, { id });
    expect(JSON.stringify(sub.errors)).toContain('NOT_FOUND');
    expect(gw.sim.stats.readsFor(id)).toBe(1);
  });
});

describe('headers on every page', () => {
  it('serves GraphiQL with a Content-Security-Policy allowing exactly its inlined script, no framing and nosniff', async () => {
    gw = await startGateway();
    const res = await fetch(`${gw.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => { const [k, ...v] = d.trim().split(/\s+/); return [k, v]; }));
    // Every script the page runs is allowed by the policy, and nothing else: inline ones by hash,
    // files only from this origin.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
      .map((m) => ({ attrs: m[1] ?? '', text: m[2] ?? '' }))
      .filter((sc) => !/type="application\/json"/.test(sc.attrs));
    expect(scripts.length).toBeGreaterThan(0);
    const scriptSrc = directives.get('script-src') ?? [];
    const inline = scripts.filter((sc) => !/\bsrc=/.test(sc.attrs));
    const files = scripts.filter((sc) => /\bsrc=/.test(sc.attrs));
    for (const sc of inline) expect(scriptSrc).toContain(`'sha256-${createHash('sha256').update(sc.text).digest('base64')}'`);
    for (const sc of files) expect(/\bsrc="([^"]*)"/.exec(sc.attrs)?.[1]).toMatch(/^\/[^/]/);
    expect(scriptSrc.sort()).toEqual([...(files.length > 0 ? ["'self'"] : []), ...inline.map((sc) => `'sha256-${createHash('sha256').update(sc.text).digest('base64')}'`)].sort());
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // The GraphQL answers and the other routes are not sniffed either.
    const answer = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${gw.url}/health`)).headers.get('x-content-type-options')).toBe('nosniff');
  });
});

/** Opens a WebSocket by hand and sends an unmasked text frame, which the server must refuse. */
function badFrame(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    socket.setTimeout(5000, () => socket.destroy(new Error('no close after a bad frame')));
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) return;
      upgraded = true;
      expect(chunk.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
      socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
    });
    socket.once('close', () => (upgraded ? resolve() : reject(new Error('the upgrade was refused'))));
    socket.once('error', () => undefined);
    socket.write(
      `GET /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${Buffer.from(randomUUID().slice(0, 16)).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
        'Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
    );
  });
}

describe('client mistakes are not server errors', () => {
  it('logs refused documents, tokens and ids at info or below, without the document or the prompt', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS, INTROSPECTION: 'false' }, deps: { logger } });
    const g = gw;
    const SECRET = 'lighthouse-keeper-7f3a';
    const doc = `mutation { generateVideo(input: { prompt: "${SECRET}", resolution: P72 }) { userErrors { code } } }`;
    // No token, a wrong token.
    await g.gql(doc);
    await g.gql(doc, {}, { authorization: 'Bearer not-a-token-000000000000' });
    await collectSse(g.url, UPDATES, { id: SECRET });
    await collectWs(g.ws(), UPDATES, { id: SECRET });
    // Parse, validation, variable and limit failures.
    await g.gql(`${doc} {`, {}, asAlice);
    await g.gql(doc, {}, asAlice);
    await g.gql('mutation ($r: VideoResolution) { generateVideo(input: { prompt: "x", resolution: $r }) { userErrors { code } } }', { r: SECRET }, asAlice);
    await g.gql(GENERATE, { input: { prompt: SECRET, duration: 'five' } }, asAlice);
    await g.gql(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: videoGeneration(id: "${SECRET}${i}") { id }`).join(' ')} }`, {}, asAlice);
    await collectWs(g.ws(asAlice), `subscription { videoGenerationUpdates(id: "${SECRET}") { statsu } }`, {});
    // Unknown ids: null for a query, NOT_FOUND for subscriptions on both transports.
    await g.gql(READ, { id: SECRET }, asAlice);
    await collectSse(g.url, UPDATES, { id: `${SECRET}-sse` }, asAlice);
    await collectWs(g.ws(asAlice), UPDATES, { id: `${SECRET}-ws` });
    // A WebSocket frame that breaks the protocol (a client's frame must be masked).
    await badFrame(g.url);
    // A good generation: its prompt is not logged either.
    await generateAs(g, asAlice, `${SECRET} at dawn`);
    await g.stop();
    gw = null;

    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
    expect(lines.filter((l) => JSON.stringify(l).includes(SECRET))).toEqual([]);
    expect(lines.filter((l) => /generateVideo|videoGenerationUpdates|statsu/.test(JSON.stringify(l)))).toEqual([]);
    // The refusals are there, at info, as request lines.
    const statuses = lines.filter((l) => l.msg === 'request').map((l) => l.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses).toContain(400);
    expect(lines.filter((l) => l.msg === 'websocket fault; closing that socket')).toEqual([
      expect.objectContaining({ level: 30, code: 'WS_ERR_EXPECTED_MASK' }),
    ]);
  });

  it('the log scan tells a line caused by a client mistake from a gateway fault', () => {
    const at = (line: Record<string, unknown>) => ({ test: null, line: { level: 50, ...line } });
    const mistakes = [
      at({ msg: 'yoga', yoga: ['No video generation with id "nope"\n\nGraphQL request:2:3\n1 |\n2 |   subscription Updates($id: ID!) {'] }),
      at({ msg: 'yoga', yoga: ['Syntax Error: Aliases limit of 15 exceeded, found 20.'] }),
      at({ msg: 'yoga', yoga: ['Variable "$r" got invalid value "P72"; Value "P72" does not exist in "VideoResolution" enum.'] }),
    ];
    const faults = [
      at({ msg: 'unexpected error while executing an operation', err: { type: 'TypeError', message: "Cannot read properties of undefined (reading 'id')" } }),
      at({ msg: 'poll failed unexpectedly; backing off', generationId: 'x', err: { message: 'provider answered 503' } }),
      { test: null, line: { level: 30, msg: 'request', status: 400, code: 'BAD_USER_INPUT' } },
    ];
    expect(clientMistakeLines([...mistakes, ...faults])).toEqual(mistakes);
  });
});

describe('slow clients', () => {
  /** Opens a raw connection, writes `head`, then one byte of `drip` every 50 ms; resolves when the server closes it. */
  function trickle(url: string, head: string, drip: string): Promise<{ answer: string; ms: number }> {
    const { port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      const started = Date.now();
      let answer = '';
      let timer: NodeJS.Timeout | undefined;
      socket.on('connect', () => {
        socket.write(head);
        timer = setInterval(() => socket.writable && socket.write(drip), 50);
      });
      socket.on('data', (d) => (answer += String(d)));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, ms: Date.now() - started });
      });
      setTimeout(() => {
        socket.destroy();
        reject(new Error(`still connected after 10 s: ${answer}`));
      }, 10_000).unref();
    });
  }

  it('drops a trickling body at REQUEST_TIMEOUT_MS, and trickling headers at HEADERS_TIMEOUT_MS, with 408', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: TOKENS, REQUEST_TIMEOUT_MS: '600', HEADERS_TIMEOUT_MS: '300' } });
    const post = (headers: string): string =>
      `POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n${headers}\r\n{`;
    const body = await trickle(gw.url, post(`authorization: Bearer ${ALICE}\r\n`), ' ');
    expect(body.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(body.ms).toBeGreaterThanOrEqual(550);
    expect(body.ms).toBeLessThan(2000);
    const headers = await trickle(gw.url, 'GET /health HTTP/1.1\r\nhost: x\r\n', 'x');
    expect(headers.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(headers.ms).toBeLessThan(1500);
    // Answered (401) before its body arrived: the answer stays whole, and the connection still goes at the limit.
    const early = await trickle(gw.url, post(''), ' ');
    expect(early.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(early.answer).not.toContain('408');
    expect(early.ms).toBeLessThan(2000);
    // The gateway is unharmed.
    expect((await gw.gql('{ __typename }', {}, asAlice)).status).toBe(200);
  });
});

describe('files served are files the gateway wrote', () => {
  it('answers 404 for a symlink in the archive directory, even to a readable file', async () => {
    gw = await startGateway();
    const dir = gw.config.archiveDir;
    mkdirSync(dir, { recursive: true });
    const outside = path.join(tempDir(), 'secret.txt');
    writeFileSync(outside, 'not a video the gateway wrote');
    const link = `${randomUUID()}.mp4`;
    symlinkSync(outside, path.join(dir, link));
    const res = await fetch(`${gw.url}/videos/${link}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).not.toContain('not a video');
    // A regular file there is served.
    const real = `${randomUUID()}.mp4`;
    writeFileSync(path.join(dir, real), 'video bytes');
    const ok = await fetch(`${gw.url}/videos/${real}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('video bytes');
  });
});

/**
 * Execute once, send many (src/server/shared-subscriptions.ts): subscribers of the same
 * generation with the same document and variables, on the same transport and for the same
 * owner, share one stream and one execution per transition, and each still gets its own
 * transitions exactly once, its own start, its own end, its own limits. Nothing is shared across
 * owners or documents.
 */
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type TestGateway } from '../utils/gateway.js';
import { expectLifecycleInvariants, generate, PHASE_MS, SimClock, statuses, watchSse, watchWs, WATCH } from '../utils/generation-helpers.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdefgh';
const TOKENS = `alice:${ALICE},bob:${BOB}`;

let gw: TestGateway | null = null;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await gw?.stop();
  gw = null;
});

async function start(env: Record<string, string> = {}): Promise<{ gw: TestGateway; clock: SimClock }> {
  const clock = new SimClock();
  gw = await startGateway({ sim: { queueMs: PHASE_MS, generateMs: PHASE_MS, now: clock.now }, env });
  return { gw, clock };
}

/** A raw graphql-transport-ws socket, recording every message as received (text). */
async function rawSocket(g: TestGateway, token?: string): Promise<{ socket: WebSocket; messages: string[]; subscribe(id: string, opId: string, query?: string): void }> {
  const socket = new WebSocket(`${g.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  sockets.push(socket);
  const messages: string[] = [];
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const acked = new Promise<void>((resolve) => {
    socket.on('message', (raw) => {
      const text = String(raw);
      if (text.includes('"connection_ack"')) resolve();
      else messages.push(text);
    });
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} }));
  await acked;
  return {
    socket,
    messages,
    subscribe: (id, opId, query = WATCH) => socket.send(JSON.stringify({ id: opId, type: 'subscribe', payload: { query, variables: { id } } })),
  };
}

describe('shared subscriptions', () => {
  it('subscribers of one generation share one stream per transport, and each gets every transition exactly once', async () => {
    const { gw: g, clock } = await start();
    const id = await generate(g, { prompt: 'A kite over a windy beach' });
    const clients = [g.ws(), g.ws(), g.ws()];
    const ws = Array.from({ length: 30 }, (_, i) => watchWs(clients[i % 3]!, id));
    const sse = Array.from({ length: 4 }, () => watchSse(g.url, id));
    const all = [...ws, ...sse];
    await Promise.all(all.map((s) => s.nth(1)));
    // 34 subscriptions, counted as such against limits and in metrics; two streams (ws, sse).
    expect(g.app.streams.active).toBe(34);
    expect(g.app.streams.byTransport()).toMatchObject({ ws: 30, sse: 4 });
    expect(g.app.streams.sources).toBe(2);
    clock.advance(PHASE_MS);
    await Promise.all(all.map((s) => s.nth(2)));
    clock.advance(PHASE_MS);
    await Promise.all(all.map((s) => s.ended));
    for (const s of all) {
      expect(s.end).toBe('complete');
      expect(s.errors).toEqual([]);
      expect(statuses(s.events)).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
      expectLifecycleInvariants(s.events);
      // The transitions are one shared result per transport (each transport's stream executes
      // once, at its own moment, so progress may differ between the two); the start is each
      // subscriber's own (progress of its moment).
      const first = (ws.includes(s) ? ws[0] : sse[0])!;
      expect(s.events.slice(1)).toEqual(first.events.slice(1));
      expect(s.events[0]!.transitions).toEqual(first.events[0]!.transitions);
    }
    await waitFor(() => g.app.streams.active === 0, 3000, 'every subscription to be released');
    expect(g.app.streams.sources).toBe(0);
  });

  it('one payload serialized once: the messages differ only in their operation id', async () => {
    const { gw: g, clock } = await start();
    const id = await generate(g, { prompt: 'A paper lantern drifting upward' });
    const a = await rawSocket(g);
    const b = await rawSocket(g);
    a.subscribe(id, 'first');
    b.subscribe(id, 'second-op');
    await waitFor(() => a.messages.length >= 1 && b.messages.length >= 1, 3000, 'the first states');
    clock.advance(PHASE_MS);
    await waitFor(() => a.messages.length >= 2 && b.messages.length >= 2, 3000, 'GENERATING');
    clock.advance(PHASE_MS);
    await waitFor(() => a.messages.length >= 4 && b.messages.length >= 4, 3000, 'COMPLETED and complete');
    // The first message is each subscriber's own start (executed when it subscribed, as its
    // `progress` is of that moment); the transitions after it are one shared payload.
    for (let i = 1; i < 4; i++) {
      const ma = JSON.parse(a.messages[i]!) as { id: string; type: string; payload?: unknown };
      const mb = JSON.parse(b.messages[i]!) as { id: string; type: string; payload?: unknown };
      expect(ma.id).toBe('first');
      expect(mb.id).toBe('second-op');
      expect(a.messages[i]!.replace('"first"', '"X"')).toBe(b.messages[i]!.replace('"second-op"', '"X"'));
      expect(ma.type).toBe(i < 3 ? 'next' : 'complete');
    }
    const last = JSON.parse(a.messages[2]!) as { payload: { data: { videoGenerationUpdates: { status: string } } } };
    expect(last.payload.data.videoGenerationUpdates.status).toBe('COMPLETED');
  });

  it('a late subscriber starts from the current state; leaving, even the first one, ends only its own subscription', async () => {
    const { gw: g, clock } = await start();
    const id = await generate(g, { prompt: 'A train crossing a viaduct' });
    const c = g.ws();
    const first = watchWs(c, id);
    const second = watchWs(c, id);
    await Promise.all([first.nth(1), second.nth(1)]);
    clock.advance(PHASE_MS);
    await Promise.all([first.nth(2), second.nth(2)]);
    const late = watchWs(g.ws(), id);
    await late.nth(1);
    expect(statuses(late.events)).toEqual(['GENERATING']);
    expect(g.app.streams.active).toBe(3);
    expect(g.app.streams.sources).toBe(1);
    // The subscriber whose subscription opened the stream leaves: the others keep it, and the
    // count stays exact.
    first.cancel();
    await waitFor(() => g.app.streams.active === 2, 2000, 'the first subscription to be released');
    clock.advance(PHASE_MS);
    await Promise.all([second.ended, late.ended]);
    expect(statuses(second.events)).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(statuses(late.events)).toEqual(['GENERATING', 'COMPLETED']);
    expect(second.end).toBe('complete');
    expect(late.end).toBe('complete');
    expect(statuses(first.events)).toEqual(['QUEUED', 'GENERATING']);
    await waitFor(() => g.app.streams.active === 0, 2000, 'every subscription to be released');
  });

  it('never shares across owners: another owner is refused as before while the owner is served', async () => {
    const { gw: g, clock } = await start({ GATEWAY_TOKENS: TOKENS });
    const res = await g.gql<{ generateVideo: { generation: { id: string } } }>(
      'mutation { generateVideo(input: { prompt: "A lighthouse at dusk" }) { generation { id } } }',
      {},
      { authorization: `Bearer ${ALICE}` },
    );
    const id = res.body.data!.generateVideo.generation.id;
    const alice = [watchWs(g.ws({ authorization: `Bearer ${ALICE}` }), id), watchWs(g.ws({ authorization: `Bearer ${ALICE}` }), id)];
    await Promise.all(alice.map((s) => s.nth(1)));
    const bob = watchWs(g.ws({ authorization: `Bearer ${BOB}` }), id);
    const bobSse = watchSse(g.url, id, { headers: { authorization: `Bearer ${BOB}` } });
    await Promise.all([bob.ended, bobSse.ended]);
    expect(bob.events).toEqual([]);
    expect(bob.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(bobSse.events).toEqual([]);
    expect(bobSse.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(g.app.streams.sources).toBe(1);
    clock.advance(PHASE_MS);
    await Promise.all(alice.map((s) => s.nth(2)));
    clock.advance(PHASE_MS);
    await Promise.all(alice.map((s) => s.ended));
    for (const s of alice) expect(statuses(s.events)).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
  });

  it('different documents or variables are executed separately, each with its own shape', async () => {
    const { gw: g, clock } = await start();
    const id = await generate(g, { prompt: 'Fireflies in a jar' });
    const other = await generate(g, { prompt: 'A snail on a leaf' });
    const slim = /* GraphQL */ `subscription Slim($id: ID!) { videoGenerationUpdates(id: $id) { status } }`;
    const c = g.ws();
    const full = watchWs(c, id);
    const small = watchWs(c, id, slim);
    const elsewhere = watchWs(c, other);
    await Promise.all([full.nth(1), small.nth(1), elsewhere.nth(1)]);
    expect(g.app.streams.sources).toBe(3);
    clock.advance(PHASE_MS);
    await Promise.all([full.nth(2), small.nth(2), elsewhere.nth(2)]);
    clock.advance(PHASE_MS);
    await Promise.all([full.ended, small.ended, elsewhere.ended]);
    expect(Object.keys(small.events[0]!)).toEqual(['status']);
    expect(Object.keys(full.events[0]!).length).toBeGreaterThan(1);
    expect(statuses(small.events)).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(statuses(elsewhere.events)).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(elsewhere.events.every((e) => e.id === other)).toBe(true);
  });

  it('the per-client subscription cap counts every shared subscriber', async () => {
    const { gw: g } = await start({ MAX_SUBSCRIPTIONS_PER_CLIENT: '3' });
    const id = await generate(g, { prompt: 'A windmill turning slowly' });
    const c = g.ws();
    const held = [watchWs(c, id), watchWs(c, id), watchWs(c, id)];
    await Promise.all(held.map((s) => s.nth(1)));
    const refused = watchWs(c, id);
    await refused.ended;
    expect(JSON.stringify(refused.errors)).toContain('RATE_LIMITED');
    expect(refused.events).toEqual([]);
    held[1]!.cancel();
    await waitFor(() => g.app.streams.active === 2, 2000, 'a slot to be freed');
    const again = watchWs(c, id);
    await again.nth(1);
    expect(statuses(again.events)).toEqual(['QUEUED']);
  });
});

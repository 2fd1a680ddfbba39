/**
 * Nothing is left behind: subscribers that go away mid-stream (however they go) are dropped
 * at once, and pollers stop when generations end.
 */
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type TestGateway } from '../utils/gateway.js';
import { generate, watchSse, watchWs, WATCH } from '../utils/generation-helpers.js';

let gw: TestGateway | null = null;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await gw?.stop();
  gw = null;
});

/** A generation that stays GENERATING: no event will come along to wake a forgotten stream. */
async function endless(g: TestGateway): Promise<string> {
  return generate(g, { prompt: 'A candle burning down [sim:never]' });
}

/** A bare graphql-transport-ws socket, for disconnecting without a goodbye. */
async function rawSubscribe(g: TestGateway, id: string): Promise<{ socket: WebSocket; firstNext: Promise<unknown> }> {
  const socket = new WebSocket(`${g.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  sockets.push(socket);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const firstNext = new Promise((resolve) => {
    socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { type: string; payload?: unknown };
      if (msg.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: WATCH, variables: { id } } }));
      } else if (msg.type === 'next') resolve(msg.payload);
    });
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  return { socket, firstNext };
}

describe('core cleanup', () => {
  it('a WebSocket client that disconnects mid-stream leaves no subscription behind; others keep theirs', async () => {
    gw = await startGateway({ env: { GENERATION_TIMEOUT_MS: '20000' } });
    const id = await endless(gw);
    const stayer = watchWs(gw.ws(), id);
    const leaver = gw.ws();
    const left = watchWs(leaver, id);
    await Promise.all([stayer.nth(1), left.nth(1)]);
    expect(gw.app.streams.active).toBe(2);
    await leaver.dispose();
    await waitFor(() => gw!.app.streams.active === 1, 2000, 'the departed subscription to be dropped');
    expect(stayer.end).toBeNull();
    expect(gw.app.scheduler.active).toBe(1);
  });

  it('a WebSocket that drops without a close frame leaves no subscription behind', async () => {
    gw = await startGateway();
    const id = await endless(gw);
    const { socket, firstNext } = await rawSubscribe(gw, id);
    await firstNext;
    expect(gw.app.streams.active).toBe(1);
    socket.terminate();
    await waitFor(() => gw!.app.streams.active === 0, 2000, 'the dropped subscription to be released');
    await waitFor(() => gw!.app.server.webSocketCount === 0, 2000, 'the socket to be forgotten');
  });

  it('a graphql-ws client that unsubscribes (complete) mid-stream leaves no subscription behind', async () => {
    gw = await startGateway();
    const id = await endless(gw);
    const client = gw.ws();
    const w = watchWs(client, id);
    await w.nth(1);
    w.cancel();
    await waitFor(() => gw!.app.streams.active === 0, 2000, 'the subscription to be released');
  });

  it('an SSE reader that aborts mid-stream leaves no subscription behind', async () => {
    gw = await startGateway();
    const id = await endless(gw);
    const stayer = watchSse(gw.url, id);
    const leaver = watchSse(gw.url, id);
    await Promise.all([stayer.nth(1), leaver.nth(1)]);
    expect(gw.app.streams.active).toBe(2);
    leaver.cancel();
    await waitFor(() => gw!.app.streams.active === 1, 2000, 'the aborted SSE subscription to be dropped');
    expect(stayer.end).toBeNull();
  });

  it('once the generation is terminal, no poller and no subscription remain', async () => {
    gw = await startGateway({ sim: { queueMs: 100, generateMs: 200 } });
    const ids = await Promise.all([
      generate(gw, { prompt: 'A pendulum swinging' }),
      generate(gw, { prompt: 'A pendulum swinging [sim:fail]' }),
      generate(gw, { prompt: 'A pendulum swinging [sim:done-without-url]' }),
    ]);
    expect(gw.app.scheduler.active).toBe(3);
    const streams = ids.flatMap((id) => [watchWs(gw!.ws(), id), watchSse(gw!.url, id)]);
    await Promise.all(streams.map((s) => s.ended));
    for (const s of streams) expect(s.end).toBe('complete');
    await waitFor(() => gw!.app.scheduler.active === 0, 2000, 'pollers to stop');
    await waitFor(() => gw!.app.streams.active === 0, 2000, 'subscriptions to end');
  });

  it('a TIMED_OUT generation leaves no poller behind', async () => {
    gw = await startGateway({ env: { GENERATION_TIMEOUT_MS: '1000' } });
    const id = await endless(gw);
    const w = watchWs(gw.ws(), id);
    expect(await w.ended).toBe('complete');
    expect(w.events.at(-1)?.status).toBe('TIMED_OUT');
    await waitFor(() => gw!.app.scheduler.active === 0, 2000, 'the poller to stop');
    expect(gw.app.streams.active).toBe(0);
  });

  it('20 subscribe/unsubscribe cycles on each transport leave nothing behind', async () => {
    gw = await startGateway();
    const id = await endless(gw);
    const client = gw.ws();
    for (let i = 0; i < 20; i++) {
      const w = watchWs(client, id);
      await w.nth(1);
      w.cancel();
      const s = watchSse(gw.url, id);
      await s.nth(1);
      s.cancel();
    }
    // And 20 connections that come and go.
    for (let i = 0; i < 20; i++) {
      const c = gw.ws();
      const w = watchWs(c, id);
      await w.nth(1);
      await c.dispose();
    }
    await waitFor(() => gw!.app.streams.active === 0, 3000, 'every subscription to be released');
    // Still one poller for the one generation that is still running, not one per subscriber.
    expect(gw.app.scheduler.active).toBe(1);
  });

  it('subscribers that leave before their first event (while the initial read is slow) leave nothing behind', async () => {
    gw = await startGateway();
    const id = await endless(gw);
    const client = gw.ws();
    for (let i = 0; i < 10; i++) {
      // The next read takes 200 ms, so each subscription is still loading when it is cancelled.
      gw.sim.inject({ type: 'delay', ms: 200 }, { on: 'read', id });
      const w = watchWs(client, id);
      const s = watchSse(gw.url, id);
      await s.status;
      w.cancel();
      s.cancel();
    }
    await waitFor(() => gw!.app.streams.active === 0, 3000, 'every subscription to be released');
    expect(gw.app.scheduler.active).toBe(1);
  });

  it('stopping the gateway ends open streams on both transports', async () => {
    gw = await startGateway();
    const id = await endless(gw);
    const ws = watchWs(gw.ws(), id);
    const sse = watchSse(gw.url, id);
    await Promise.all([ws.nth(1), sse.nth(1)]);
    const g = gw;
    gw = null;
    await g.stop();
    await Promise.all([ws.ended, sse.ended]);
    expect(ws.end).not.toBeNull();
    expect(sse.end).not.toBeNull();
    expect(g.app.streams.active).toBe(0);
    expect(g.app.scheduler.active).toBe(0);
  });
});

/**
 * The WebSocket transport on its own: the gateway's server with a small schema in place of the
 * generation service, real graphql-ws clients over `ws`. Subprotocol negotiation, one
 * authentication per connection, the per-socket operation cap counted from graphql-ws's own
 * context, and refusals that leave the socket open.
 */
import { Repeater } from '@repeaterjs/repeater';
import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.js';
import type { GenerationService } from '../../src/generations/service.js';
import type { GatewayContext } from '../../src/schema/builder.js';
import { createAuthenticator } from '../../src/server/auth.js';
import { createGatewayServer, type GatewayServer } from '../../src/server/index.js';

const TOKEN = 'alice-token-0123456789abcdef';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, GatewayContext>({
    name: 'Query',
    fields: {
      whoami: { type: new GraphQLNonNull(GraphQLString), resolve: (_r, _a, ctx) => `${ctx.client}/${ctx.transport}` },
    },
  }),
  subscription: new GraphQLObjectType<unknown, GatewayContext>({
    name: 'Subscription',
    fields: {
      // One event, then open until the client completes it.
      held: {
        type: new GraphQLNonNull(GraphQLInt),
        subscribe: () =>
          new Repeater<{ held: number }>(async (push, stop) => {
            await push({ held: 1 });
            await stop;
          }),
      },
    },
  }),
});

interface Running {
  server: GatewayServer;
  url: string;
  /** How many times the authenticator ran. */
  authCalls: () => number;
}

let running: Running | null = null;
const clients: Client[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.dispose()));
  for (const s of sockets.splice(0)) s.terminate();
  await running?.server.close(0);
  running = null;
});

async function start(limits: { maxSubscriptionsPerConnection?: number } = {}): Promise<Running> {
  const auth = createAuthenticator([{ client: 'alice', token: TOKEN }]);
  let calls = 0;
  const server = createGatewayServer({
    schema,
    service: {} as GenerationService,
    authenticate: (credential) => {
      calls++;
      return auth(credential);
    },
    authRequired: true,
    logger: pino({ level: 'silent' }),
    limits: { ...loadConfig({}).limits, ...limits },
    publicUrl: () => '',
  });
  const url = (await server.listen(0, '127.0.0.1')).replace('http', 'ws') + '/graphql';
  running = { server, url, authCalls: () => calls };
  return running;
}

function client(url: string, authorization = `Bearer ${TOKEN}`): Client {
  const c = createClient({ url, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: { authorization } });
  clients.push(c);
  return c;
}

function query(c: Client, q: string): Promise<{ data?: unknown; errors?: unknown }> {
  return new Promise((resolve, reject) => {
    let last: { data?: unknown; errors?: unknown } = {};
    c.subscribe({ query: q }, { next: (v) => (last = v as typeof last), error: reject, complete: () => resolve(last) });
  });
}

/** Opens a `held` subscription; resolves with its first event or its error. */
function hold(c: Client): { first: Promise<unknown>; end: () => void } {
  let end: () => void = () => undefined;
  const first = new Promise((resolve) => {
    end = c.subscribe({ query: 'subscription { held }' }, { next: resolve, error: resolve, complete: () => undefined });
  });
  return { first, end };
}

function rawSocket(url: string, protocols?: string[]): WebSocket {
  const s = new WebSocket(url, protocols);
  sockets.push(s);
  return s;
}

describe('subprotocol negotiation', () => {
  it('agrees to graphql-transport-ws among other offers', async () => {
    const { url } = await start();
    const s = rawSocket(url, ['something-else', 'graphql-transport-ws']);
    await new Promise((resolve, reject) => {
      s.once('open', resolve);
      s.once('error', reject);
    });
    expect(s.protocol).toBe('graphql-transport-ws');
  });

  it('refuses a client offering only an unsupported subprotocol, and one offering none with 4406', async () => {
    const { url } = await start();
    const legacy = rawSocket(url, ['graphql-ws']);
    const err = await new Promise<Error>((resolve) => legacy.once('error', resolve));
    expect(err.message).toMatch(/subprotocol/i);

    const none = rawSocket(url);
    const code = await new Promise<number>((resolve) => none.once('close', resolve));
    expect(code).toBe(4406);
  });
});

describe('authentication', () => {
  it('runs once per connection, and the client reaches every operation on it', async () => {
    const r = await start();
    const c = client(r.url);
    // Held subscriptions keep the lazy client's one connection open throughout.
    const held = [hold(c), hold(c)];
    expect(await Promise.all(held.map((h) => h.first))).toEqual([{ data: { held: 1 } }, { data: { held: 1 } }]);
    expect(await query(c, '{ whoami }')).toEqual({ data: { whoami: 'alice/ws' } });
    expect(await query(c, '{ whoami }')).toEqual({ data: { whoami: 'alice/ws' } });
    expect(r.authCalls()).toBe(1);
  });

  it('closes with 4403 for a bad token', async () => {
    const r = await start();
    const err = await query(client(r.url, 'Bearer wrong-token-00000000000000'), '{ whoami }').catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(4403);
  });
});

describe('operations on one socket', () => {
  it('are capped, the refused one gets an error and a freed slot can be used again', async () => {
    const r = await start({ maxSubscriptionsPerConnection: 2 });
    const c = client(r.url);
    const a = hold(c);
    const b = hold(c);
    const third = hold(c);
    expect(await a.first).toEqual({ data: { held: 1 } });
    expect(await b.first).toEqual({ data: { held: 1 } });
    expect(JSON.stringify(await third.first)).toMatch(/RATE_LIMITED.*At most 2|At most 2.*RATE_LIMITED/);
    a.end();
    // graphql-ws drops a completed operation as it reads the complete message, so the next
    // one fits; the refused one is dropped once its error is sent, which may trail the answer
    // the client reads by a moment, hence a few tries.
    let next: unknown;
    for (let i = 0; i < 20; i++) {
      next = await hold(c).first;
      if (JSON.stringify(next).includes('"held":1')) break;
    }
    expect(next).toEqual({ data: { held: 1 } });
    expect(r.server.webSocketCount).toBe(1);
  });

  it('are refused with GraphQL errors, never by closing the socket', async () => {
    const r = await start();
    const c = client(r.url);
    const held = hold(c);
    await held.first;
    const parse = await query(c, '{ whoami').catch((e: unknown) => e);
    // The code as yoga gives it over HTTP, and nothing HTTP-only (extensions.http) on a socket.
    expect(parse).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
    const invalid = await query(c, '{ nope }').catch((e: unknown) => e);
    expect(invalid).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
    expect(await query(c, '{ whoami }')).toEqual({ data: { whoami: 'alice/ws' } });
    expect(r.server.webSocketCount).toBe(1);
  });
});

/**
 * The sharing mechanism of src/server/shared-subscriptions.ts on its own: a small schema whose
 * subscription field the test drives by hand, so executions, queues and endings can be counted.
 */
import { Repeater } from '@repeaterjs/repeater';
import { GraphQLID, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { sharedPayload, SharedSubscriptions, withSharedPayload } from '../../src/server/shared-subscriptions.js';

interface Event {
  status: string;
}

function harness() {
  let sources = 0;
  let executions = 0;
  const feeds: { push: (e: Event) => Promise<unknown>; stop: (err?: unknown) => void }[] = [];
  let released = 0;
  let followed = 0;
  const State = new GraphQLObjectType<Event>({
    name: 'State',
    fields: {
      status: {
        type: new GraphQLNonNull(GraphQLString),
        resolve: (e) => {
          executions++;
          return e.status;
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        videoGenerationUpdates: {
          type: new GraphQLNonNull(State),
          args: { id: { type: new GraphQLNonNull(GraphQLID) } },
          subscribe: () => {
            sources++;
            return new Repeater<Event>(async (push, stop) => {
              feeds.push({ push, stop });
              await stop;
            });
          },
          resolve: (e: Event) => e,
        },
      },
    }),
  });
  const document = parse('subscription W($id: ID!) { videoGenerationUpdates(id: $id) { status } }');
  const service = {
    follow: () => {
      followed++;
      return () => {
        released++;
      };
    },
  };
  const args = (owner = 'alice', id = 'g1'): ExecutionArgs => ({
    schema,
    document,
    variableValues: { id },
    contextValue: { viewer: { owner, kind: 'service' }, service, transport: 'ws' },
  });
  const fallback = (): never => {
    throw new Error('not shared');
  };
  return {
    args,
    fallback,
    feeds,
    counts: () => ({ sources, executions, followed, released }),
  };
}

type It = AsyncIterator<ExecutionResult>;
const status = (r: IteratorResult<ExecutionResult>): unknown => (r.value as { data?: { videoGenerationUpdates?: { status?: string } } } | undefined)?.data?.videoGenerationUpdates?.status;

describe('SharedSubscriptions', () => {
  it('one source and one execution per event for every subscriber of the same key; other owners get their own', async () => {
    const h = harness();
    const shared = new SharedSubscriptions();
    const a = (await shared.subscribe(h.args(), h.fallback)) as It;
    const b = (await shared.subscribe(h.args(), h.fallback)) as It;
    const c = (await shared.subscribe(h.args(), h.fallback)) as It;
    const bob = (await shared.subscribe(h.args('bob'), h.fallback)) as It;
    const firsts = [a.next(), b.next(), c.next()];
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(h.counts().sources).toBe(2);
    expect(shared.size).toBe(2);
    await h.feeds[0]!.push({ status: 'QUEUED' });
    expect((await Promise.all(firsts)).map(status)).toEqual(['QUEUED', 'QUEUED', 'QUEUED']);
    expect(h.counts().executions).toBe(1);
    const seconds = [a.next(), b.next(), c.next()];
    await h.feeds[0]!.push({ status: 'GENERATING' });
    expect((await Promise.all(seconds)).map(status)).toEqual(['GENERATING', 'GENERATING', 'GENERATING']);
    expect(h.counts().executions).toBe(2);
    // Two joined and were counted through the service; the first is counted by its stream.
    expect(h.counts().followed).toBe(2);
    // A late one starts from the latest event, executed for it alone.
    const d = (await shared.subscribe(h.args(), h.fallback)) as It;
    expect(status(await d.next())).toBe('GENERATING');
    expect(h.counts().executions).toBe(3);
    h.feeds[0]!.stop();
    for (const it of [a, b, c, d]) expect((await it.next()).done).toBe(true);
    expect(h.counts().released).toBe(3);
    expect(shared.size).toBe(1);
    await bob.return!();
    expect(shared.size).toBe(0);
  });

  it('a member leaving ends only its own iterator; the last one leaving returns the source', async () => {
    const h = harness();
    const shared = new SharedSubscriptions();
    const a = (await shared.subscribe(h.args(), h.fallback)) as It;
    const b = (await shared.subscribe(h.args(), h.fallback)) as It;
    const pa = a.next();
    await new Promise((r) => setImmediate(r));
    await h.feeds[0]!.push({ status: 'QUEUED' });
    await pa;
    await a.return!();
    expect((await a.next()).done).toBe(true);
    // b took over a's place in the count: its own count was released.
    expect(h.counts().released).toBe(1);
    const pb = b.next();
    await h.feeds[0]!.push({ status: 'GENERATING' });
    expect((await pb).done).toBe(false);
    await b.return!();
    expect(shared.size).toBe(0);
  });

  it('an error of the source reaches every member', async () => {
    const h = harness();
    const shared = new SharedSubscriptions();
    const a = (await shared.subscribe(h.args(), h.fallback)) as It;
    const b = (await shared.subscribe(h.args(), h.fallback)) as It;
    const pending = [a.next(), b.next()];
    await new Promise((r) => setImmediate(r));
    h.feeds[0]!.stop(new Error('generation gone'));
    for (const p of pending) await expect(p).rejects.toThrow('generation gone');
    expect((await a.next()).done).toBe(true);
    expect(shared.size).toBe(0);
  });

  it('a consumer that falls behind is ended with SLOW_CONSUMER; the others get everything', async () => {
    const h = harness();
    const shared = new SharedSubscriptions({ maxQueued: 2 });
    const fast = (await shared.subscribe(h.args(), h.fallback)) as It;
    const slow = (await shared.subscribe(h.args(), h.fallback)) as It;
    const got: unknown[] = [];
    const reading = (async () => {
      for (let i = 0; i < 4; i++) got.push(status(await fast.next()));
    })();
    await new Promise((r) => setImmediate(r));
    for (const s of ['QUEUED', 'GENERATING', 'GENERATING', 'COMPLETED']) await h.feeds[0]!.push({ status: s });
    await reading;
    expect(got).toEqual(['QUEUED', 'GENERATING', 'GENERATING', 'COMPLETED']);
    await expect(slow.next()).rejects.toMatchObject({ extensions: { code: 'SLOW_CONSUMER' } });
    expect(h.counts().released).toBe(1);
    await fast.return!();
  });

  it('a refused start (bad variables) answers every subscriber of that key with the errors', async () => {
    const h = harness();
    const shared = new SharedSubscriptions();
    const bad = { ...h.args(), variableValues: {} };
    const r = (await shared.subscribe(bad, h.fallback)) as ExecutionResult;
    expect(r.errors?.[0]?.message).toMatch(/\$id/);
    expect(shared.size).toBe(0);
  });
});

describe('one serialized payload', () => {
  it('puts the payload in place of its stand-in, and leaves every other message alone', () => {
    const result = { data: { videoGenerationUpdates: { status: 'COMPLETED' } } };
    const stand = sharedPayload(result);
    expect(sharedPayload(result)).toBe(stand);
    const message = JSON.stringify({ id: 'op-1', type: 'next', payload: stand });
    expect(JSON.parse(withSharedPayload(message))).toEqual({ id: 'op-1', type: 'next', payload: result });
    // No stand-in serialized: untouched, even text that looks like the token's prefix.
    const plain = JSON.stringify({ id: 'x', type: 'next', payload: { data: { s: 'cinegraph.shared-payload.' } } });
    expect(withSharedPayload(plain)).toBe(plain);
  });
});

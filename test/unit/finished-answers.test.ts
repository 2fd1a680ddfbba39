/**
 * The answer cache of src/server/plugins/use-answers.ts: an answer that read only finished
 * generations is served again without executing for as long as the store hands out the very
 * same objects, and never after a save replaced one (archiving, a late TIMED_OUT → COMPLETED).
 */
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useFinishedAnswers } from '../../src/server/plugins/use-answers.js';

interface Gen {
  id: string;
  status: string;
}

function setup() {
  const store = new Map<string, Gen>();
  let executions = 0;
  const service = { get: async (_client: string, id: string) => store.get(id) ?? null };
  const yoga = createYoga({
    // The plugin reads only client, service, finishedReads and answer off the context.
    schema: createSchema({
      typeDefs: 'type G { id: ID! status: String! } type Query { videoGeneration(id: ID!): G }',
      resolvers: {
        Query: {
          videoGeneration: (_: unknown, { id }: { id: string }, ctx: { finishedReads?: { id: string; gen: unknown }[]; answer?: string }) => {
            executions++;
            const gen = store.get(id) ?? null;
            if (gen && gen.status !== 'GENERATING') (ctx.finishedReads ??= []).push({ id, gen });
            else ctx.answer = 'live';
            return gen;
          },
        },
      },
    }) as never,
    context: ({ request }) => ({ client: request.headers.get('x-client') ?? 'alice', service }),
    plugins: [useFinishedAnswers()],
    logging: false,
  });
  const read = async (id: string, client = 'alice'): Promise<unknown> => {
    const res = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client': client },
      body: JSON.stringify({ query: 'query R($id: ID!) { videoGeneration(id: $id) { id status } }', variables: { id } }),
    });
    return ((await res.json()) as { data: unknown }).data;
  };
  return { store, read, executions: () => executions };
}

describe('finished answers', () => {
  it('serves an answer again without executing while the store hands out the same object', async () => {
    const t = setup();
    t.store.set('g1', { id: 'g1', status: 'TIMED_OUT' });
    expect(await t.read('g1')).toEqual({ videoGeneration: { id: 'g1', status: 'TIMED_OUT' } });
    expect(await t.read('g1')).toEqual({ videoGeneration: { id: 'g1', status: 'TIMED_OUT' } });
    expect(t.executions()).toBe(1);
  });

  it('a late change (a save replacing the object: late recovery, archiving) is answered at once', async () => {
    const t = setup();
    t.store.set('g1', { id: 'g1', status: 'TIMED_OUT' });
    await t.read('g1');
    await t.read('g1');
    t.store.set('g1', { id: 'g1', status: 'COMPLETED' });
    expect(await t.read('g1')).toEqual({ videoGeneration: { id: 'g1', status: 'COMPLETED' } });
    expect(t.executions()).toBe(2);
  });

  it('keeps answers per client, and never keeps one that read a generation in progress', async () => {
    const t = setup();
    t.store.set('g1', { id: 'g1', status: 'COMPLETED' });
    t.store.set('g2', { id: 'g2', status: 'GENERATING' });
    await t.read('g1', 'alice');
    await t.read('g1', 'bob');
    expect(t.executions()).toBe(2);
    await t.read('g2');
    await t.read('g2');
    expect(t.executions()).toBe(4);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { GENERATE, startGateway, type TestGateway } from '../utils/gateway.js';

interface GenData {
  generateVideo: {
    generation: { id: string } | null;
    userErrors: { code: string; message: string; field: string[] | null }[];
  };
}

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

describe('idempotency', () => {
  it('20 concurrent identical requests with one key make one provider create and one generation', async () => {
    gw = await startGateway({ sim: { queueMs: 200, generateMs: 500 } });
    const input = { prompt: 'a paper boat on a river', idempotencyKey: 'order-42' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => gw!.gql<GenData>(GENERATE, { input })));
    const ids = new Set(answers.map((a) => a.body.data?.generateVideo.generation?.id));
    expect(answers.every((a) => a.body.data?.generateVideo.userErrors.length === 0)).toBe(true);
    expect(ids.size).toBe(1);
    expect(gw.sim.stats.generations).toBe(1);
    expect(gw.sim.stats.creates).toBe(1);

    // A later retry with the same key and input returns the same generation, still one create.
    const again = await gw.gql<GenData>(GENERATE, { input });
    expect(again.body.data?.generateVideo.generation?.id).toBe([...ids][0]);
    expect(gw.sim.stats.creates).toBe(1);
  });

  it('the same key with a different input is an IDEMPOTENCY_CONFLICT', async () => {
    gw = await startGateway();
    await gw.gql<GenData>(GENERATE, { input: { prompt: 'first', idempotencyKey: 'k1' } });
    const other = await gw.gql<GenData>(GENERATE, { input: { prompt: 'second', idempotencyKey: 'k1' } });
    expect(other.body.data?.generateVideo.generation).toBeNull();
    expect(other.body.data?.generateVideo.userErrors[0]).toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
      field: ['input', 'idempotencyKey'],
    });
    expect(gw.sim.stats.creates).toBe(1);
    // Trimming is part of the input: the same prompt with extra spaces is the same request.
    const same = await gw.gql<GenData>(GENERATE, { input: { prompt: '  first ', idempotencyKey: 'k1' } });
    expect(same.body.data?.generateVideo.userErrors).toEqual([]);
  });

  it('keys are per client', async () => {
    gw = await startGateway({ env: { GATEWAY_TOKENS: 'alice:alice-token-0123456789,bob:bob-token-0123456789ab' } });
    const a = await gw.gql<GenData>(GENERATE, { input: { prompt: 'x', idempotencyKey: 'shared' } }, { authorization: 'Bearer alice-token-0123456789' });
    const b = await gw.gql<GenData>(GENERATE, { input: { prompt: 'y', idempotencyKey: 'shared' } }, { authorization: 'Bearer bob-token-0123456789ab' });
    expect(a.body.data?.generateVideo.userErrors).toEqual([]);
    expect(b.body.data?.generateVideo.userErrors).toEqual([]);
    expect(a.body.data?.generateVideo.generation?.id).not.toBe(b.body.data?.generateVideo.generation?.id);
  });

  it('a create whose fate is unknown puts the key in doubt and is never sent again under it', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'hang' }, { on: 'create' });
    const input = { prompt: 'a storm over the sea', idempotencyKey: 'doubt-1' };
    const first = await gw.gql<GenData>(GENERATE, { input });
    expect(first.body.data?.generateVideo.userErrors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gw.sim.stats.creates).toBe(1);
    const retry = await gw.gql<GenData>(GENERATE, { input });
    expect(retry.body.data?.generateVideo.userErrors[0]).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', field: ['input', 'idempotencyKey'] });
    expect(retry.body.data?.generateVideo.userErrors[0]?.message).toMatch(/paying twice/);
    expect(gw.sim.stats.creates).toBe(1);
    // A new key is the caller's explicit choice to create anyway.
    const fresh = await gw.gql<GenData>(GENERATE, { input: { ...input, idempotencyKey: 'doubt-2' } });
    expect(fresh.body.data?.generateVideo.userErrors).toEqual([]);
    expect(gw.sim.stats.creates).toBe(2);
  });

  it('a create the provider refused frees the key for a retry', async () => {
    gw = await startGateway();
    gw.sim.inject({ type: 'status', status: 429, retryAfter: 1 }, { on: 'create' });
    const input = { prompt: 'a quiet library', idempotencyKey: 'retry-me' };
    const first = await gw.gql<GenData>(GENERATE, { input });
    expect(first.body.data?.generateVideo.userErrors[0]?.code).toBe('RATE_LIMITED');
    const second = await gw.gql<GenData>(GENERATE, { input });
    expect(second.body.data?.generateVideo.userErrors).toEqual([]);
    expect(gw.sim.stats.generations).toBe(1);
  });
});

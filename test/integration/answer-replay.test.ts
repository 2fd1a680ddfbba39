/**
 * Finished answers replayed at the HTTP layer (src/server/answer-replay.ts): the same request
 * of the same caller gets the bytes yoga answered the first time, with its own request id; any
 * other caller, credential, negotiation or a late change goes through yoga.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATE, startGateway, waitFor, type TestGateway } from '../utils/gateway.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdefgh';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

const READ = 'query Read($id: ID!) { videoGeneration(id: $id) { id status video { url } transitions { status at } } }';

async function post(g: TestGateway, body: unknown, headers: Record<string, string>): Promise<{ status: number; type: string | null; requestId: string | null; text: string }> {
  const res = await fetch(`${g.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), requestId: res.headers.get('x-request-id'), text: await res.text() };
}

describe('answer replay', () => {
  it('replays a finished answer byte for byte to the same caller, and to nobody else', async () => {
    gw = await startGateway({ sim: { queueMs: 20, generateMs: 50 }, env: { GATEWAY_TOKENS: `alice:${ALICE},bob:${BOB}` } });
    const g = gw;
    const asAlice = { authorization: `Bearer ${ALICE}` };
    const created = await g.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'A heron in the reeds' } }, asAlice);
    const id = created.body.data!.generateVideo.generation.id;
    await waitFor(async () => (await post(g, { query: READ, variables: { id } }, asAlice)).text.includes('COMPLETED'), 10_000, 'COMPLETED');
    const before = g.app.server.answersReplayed;
    const first = await post(g, { query: READ, variables: { id } }, asAlice);
    const second = await post(g, { query: READ, variables: { id } }, asAlice);
    const third = await post(g, { query: READ, variables: { id } }, asAlice);
    expect(g.app.server.answersReplayed - before).toBeGreaterThanOrEqual(2);
    for (const r of [second, third]) {
      expect(r.status).toBe(200);
      expect(r.type).toBe(first.type);
      expect(r.text).toBe(first.text);
    }
    expect(new Set([first.requestId, second.requestId, third.requestId]).size).toBe(3);
    expect((JSON.parse(first.text) as { data: { videoGeneration: { status: string } } }).data.videoGeneration.status).toBe('COMPLETED');

    // Another owner, the same request otherwise: yoga answers, and it is not alice's answer.
    const replayed = g.app.server.answersReplayed;
    const bob = await post(g, { query: READ, variables: { id } }, { authorization: `Bearer ${BOB}` });
    expect(JSON.parse(bob.text)).toEqual({ data: { videoGeneration: null } });
    // No credential, or a wrong one: 401 as always.
    expect((await post(g, { query: READ, variables: { id } }, {})).status).toBe(401);
    expect((await post(g, { query: READ, variables: { id } }, { authorization: 'Bearer wrong-token-000000000000000' })).status).toBe(401);
    // Another negotiation is its own answer, with its own type.
    const graphqlJson = await post(g, { query: READ, variables: { id } }, { ...asAlice, accept: 'application/graphql-response+json' });
    expect(graphqlJson.type).toMatch(/^application\/graphql-response\+json/);
    expect(g.app.server.answersReplayed).toBe(replayed);
  });

  it('never replays an answer of a generation in progress, nor a mutation', async () => {
    gw = await startGateway({ sim: { queueMs: 60_000, generateMs: 60_000 } });
    const g = gw;
    const created = await g.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'A clock tower at noon' } });
    const id = created.body.data!.generateVideo.generation.id;
    for (let i = 0; i < 3; i++) await post(g, { query: READ, variables: { id } }, {});
    const again = await g.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'A clock tower at noon' } });
    expect(again.body.data!.generateVideo.generation.id).not.toBe(id);
    expect(g.app.server.answersReplayed).toBe(0);
  });
});

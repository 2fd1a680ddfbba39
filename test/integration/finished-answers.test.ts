/**
 * Answers of finished generations are reused (src/server/plugins/use-answers.ts), and a late
 * change to a finished generation is never hidden by them: a late result (TIMED_OUT → COMPLETED)
 * and the archived copy of the video both show in the very next read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATE, startGateway, waitFor, type TestGateway } from '../utils/gateway.js';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

const READ = /* GraphQL */ `
  query Read($id: ID!) {
    videoGeneration(id: $id) { id status video { url archived } transitions { status } }
  }
`;

interface Read {
  videoGeneration: { id: string; status: string; video: { url: string; archived: boolean } | null; transitions: { status: string }[] } | null;
}

describe('finished answers', () => {
  it('a late result and the archived copy replace the kept answer of a TIMED_OUT generation', async () => {
    gw = await startGateway({
      sim: { queueMs: 100, generateMs: 400 },
      env: { GENERATION_TIMEOUT_MS: '1000', LATE_RESULT_SCHEDULE_MS: '300,600', ARCHIVE_VIDEOS: 'true' },
    });
    const g = gw;
    const created = await g.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'fashionably late [sim:late=5000]' } });
    const id = created.body.data!.generateVideo.generation.id;
    const read = async (): Promise<NonNullable<Read['videoGeneration']>> => (await g.gql<Read>(READ, { id })).body.data!.videoGeneration!;
    await waitFor(async () => (await read()).status === 'TIMED_OUT', 10_000, 'TIMED_OUT');
    // Kept and served again: the same answer while nothing changed.
    const kept = await read();
    expect(await read()).toEqual(kept);
    expect(kept.status).toBe('TIMED_OUT');
    // Served again without executing, at the HTTP layer (answer-replay.ts).
    expect(g.app.server.answersReplayed).toBeGreaterThan(0);
    const completed = await waitFor(async () => {
      const r = await read();
      return r.status === 'COMPLETED' ? r : null;
    }, 20_000, 'the late result in a read');
    expect(completed.transitions.map((t) => t.status)).toEqual(['QUEUED', 'GENERATING', 'TIMED_OUT', 'COMPLETED']);
    const archived = await waitFor(async () => {
      const r = await read();
      return r.video?.archived ? r : null;
    }, 10_000, 'the archived copy in a read');
    expect(archived.status).toBe('COMPLETED');
    expect(await read()).toEqual(archived);
  });
});

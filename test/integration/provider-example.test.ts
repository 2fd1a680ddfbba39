import { afterEach, describe, expect, it } from 'vitest';
import { collectSse, collectWs, GENERATE, READ, startGateway, UPDATES, type TestGateway } from '../utils/gateway.js';

const DRAGON =
  "A menacing evil dragon appears in a distance above the tallest mountain, then rushes toward the camera with its jaws open, revealing massive fangs. We see it's coming.";

interface GenData {
  generateVideo: { generation: { id: string; status: string } | null; userErrors: { code: string; field: string[] | null }[] };
}
interface UpdateData {
  videoGenerationUpdates: { id: string; status: string; progress: number; video: { url: string } | null; transitions: unknown[] };
}

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

async function create(g: TestGateway, input: Record<string, unknown>): Promise<string> {
  const { body } = await g.gql<GenData>(GENERATE, { input });
  const id = body.data?.generateVideo.generation?.id;
  if (!id) throw new Error(`create failed: ${JSON.stringify(body)}`);
  return id;
}

describe('lifecycle', () => {
  it('takes the provider example from generateVideo to COMPLETED on WebSocket and SSE', async () => {
    // The queue time leaves room for both subscribers to attach before the first transition.
    gw = await startGateway({ sim: { queueMs: 1000, generateMs: 1000 } });
    const id = await create(gw, { prompt: DRAGON, resolution: 'P1080', duration: 5 });
    expect(id).toMatch(/:pixverse\/v5\/text-to-video$/);
    const [ws, sse] = await Promise.all([
      collectWs<UpdateData>(gw.ws(), UPDATES, { id }),
      collectSse<UpdateData>(gw.url, UPDATES, { id }),
    ]);
    for (const stream of [ws, sse]) {
      expect(stream.errors).toEqual([]);
      const statuses = stream.results.map((r) => r.videoGenerationUpdates.status);
      expect(statuses).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
      const last = stream.results.at(-1)!.videoGenerationUpdates;
      expect(last.video?.url).toMatch(/\.mp4$/);
      expect(last.progress).toBe(1);
      const progresses = stream.results.map((r) => r.videoGenerationUpdates.progress);
      expect([...progresses].sort((a, b) => a - b)).toEqual(progresses);
    }
    const read = await gw.gql<{ videoGeneration: { status: string; video: { url: string }; transitions: { status: string }[] } }>(READ, { id });
    expect(read.body.data?.videoGeneration.status).toBe('COMPLETED');
    expect(read.body.data?.videoGeneration.transitions.map((t) => t.status)).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    const video = await fetch(read.body.data!.videoGeneration.video.url);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
  });
});

/**
 * Uploaded frames in cluster mode: two gateway instances on one Redis share ARCHIVE_DIR, so a
 * frame uploaded through one is served by the other, the same bytes get the same name on both
 * (one naming key, created once), and a generation created on one is followed to COMPLETED on
 * the other with its frame.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { collectWs, startGateway, type TestGateway } from '../utils/gateway.js';
import { makeWebp } from '../utils/images.js';
import { postMultipart } from '../utils/multipart.js';
import { skipRedisTests, startRedis, type RedisServer } from '../utils/redis.js';

const GENERATE = /* GraphQL */ `
  mutation Generate($input: GenerateVideoInput!) {
    generateVideo(input: $input) {
      generation { id model firstFrame { url contentType byteSize } }
      userErrors { code message field }
    }
  }
`;
const FOLLOW = /* GraphQL */ `
  subscription Follow($id: ID!) {
    videoGenerationUpdates(id: $id) { status model firstFrame { url } }
  }
`;

interface Generated {
  generateVideo: { generation: { id: string; model: string; firstFrame: { url: string; contentType: string; byteSize: number } } | null };
}

describe.skipIf(skipRedisTests('test/integration/image-cluster.test.ts'))('uploaded frames in cluster mode', () => {
  let redis: RedisServer;
  let sim: Simulator;
  let archive: string;
  const gws: TestGateway[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    sim = await startSimulator({ queueMs: 100, generateMs: 300 });
    archive = mkdtempSync(path.join(tmpdir(), 'cinegraph-shared-archive-'));
    for (let i = 0; i < 2; i++) {
      gws.push(await startGateway({ simulator: sim, env: { REDIS_URL: redis.url, ARCHIVE_DIR: archive, ARCHIVE_VIDEOS: 'false' } }));
    }
  });
  afterAll(async () => {
    for (const g of gws) await g.stop();
    await sim?.stop();
    await redis?.stop();
    rmSync(archive, { recursive: true, force: true });
  });

  it('a frame uploaded through one instance is served by the other, under one name, and followed there to COMPLETED', async () => {
    const [a, b] = gws as [TestGateway, TestGateway];
    expect(a.config.imageDir).toBe(path.join(archive, 'images'));
    const webp = makeWebp(64, 36);
    const upload = (g: TestGateway) =>
      postMultipart<Generated>(g.url, GENERATE, { input: { prompt: 'pan across the bay', firstFrame: { file: null } } }, [
        { path: 'variables.input.firstFrame.file', bytes: webp, filename: 'bay.webp' },
      ]);
    const fromA = (await upload(a)).body.data?.generateVideo.generation;
    const fromB = (await upload(b)).body.data?.generateVideo.generation;
    expect(fromA?.firstFrame).toMatchObject({ contentType: 'image/webp', byteSize: webp.length });
    const name = new URL(fromA?.firstFrame.url as string).pathname;
    expect(new URL(fromB?.firstFrame.url as string).pathname).toBe(name);

    const served = await fetch(`${b.url}${name}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await served.arrayBuffer()).equals(webp)).toBe(true);

    const { results, errors } = await collectWs<{ videoGenerationUpdates: { status: string; model: string; firstFrame: { url: string } } }>(
      b.ws(),
      FOLLOW,
      { id: fromA?.id },
    );
    expect(errors).toEqual([]);
    expect(results.at(-1)?.videoGenerationUpdates).toMatchObject({ status: 'COMPLETED', model: 'IMAGE_TO_VIDEO' });
    expect(new URL(results.at(-1)?.videoGenerationUpdates.firstFrame.url as string).pathname).toBe(name);
  });
});

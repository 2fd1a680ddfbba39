import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATE, startGateway, waitFor, type TestGateway } from '../utils/gateway.js';

const placeholder = readFileSync(fileURLToPath(new URL('../../src/simulator/assets/placeholder.mp4', import.meta.url)));

const READ_VIDEO = /* GraphQL */ `
  query ($id: ID!) {
    videoGeneration(id: $id) { status video { url providerUrl archived fileSize contentType } }
  }
`;

interface ReadVideo {
  videoGeneration: { status: string; video: { url: string; providerUrl: string; archived: boolean; fileSize: number | null } | null } | null;
}

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

async function createAndArchive(g: TestGateway): Promise<{ id: string; video: NonNullable<ReadVideo['videoGeneration']>['video'] }> {
  const { body } = await g.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'a lighthouse at dusk' } });
  const id = body.data!.generateVideo.generation.id;
  const video = await waitFor(async () => {
    const r = await g.gql<ReadVideo>(READ_VIDEO, { id });
    const v = r.body.data?.videoGeneration?.video;
    return v?.archived ? v : null;
  }, 10_000, 'archived video');
  return { id, video };
}

describe('archived videos', () => {
  it('downloads a completed video and serves it whole and by byte ranges', async () => {
    gw = await startGateway();
    const { video } = await createAndArchive(gw);
    expect(video!.url.startsWith(`${gw.url}/videos/`)).toBe(true);
    expect(video!.providerUrl.startsWith(gw.sim.url)).toBe(true);
    expect(video!.fileSize).toBe(placeholder.length);

    const whole = await fetch(video!.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Number(whole.headers.get('content-length'))).toBe(placeholder.length);
    expect(Buffer.from(await whole.arrayBuffer()).equals(placeholder)).toBe(true);

    const part = await fetch(video!.url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${placeholder.length}`);
    expect(part.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await part.arrayBuffer()).equals(placeholder.subarray(100, 200))).toBe(true);

    const suffix = await fetch(video!.url, { headers: { range: 'bytes=-10' } });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(placeholder.subarray(placeholder.length - 10))).toBe(true);

    const open = await fetch(video!.url, { headers: { range: `bytes=${placeholder.length - 5}-` } });
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(5);

    const beyond = await fetch(video!.url, { headers: { range: `bytes=${placeholder.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${placeholder.length}`);

    const head = await fetch(video!.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(placeholder.length);

    const missing = await fetch(`${gw.url}/videos/00000000-0000-0000-0000-000000000000.mp4`);
    expect(missing.status).toBe(404);
    const traversal = await fetch(`${gw.url}/videos/..%2F..%2Fetc%2Fpasswd`);
    expect(traversal.status).toBe(404);
  });

  it('retries a failing download without touching the status, then serves the copy', async () => {
    let failuresLeft = 2;
    const flaky: typeof fetch = async (input, init) => {
      if (failuresLeft > 0) {
        failuresLeft--;
        return new Response('<html>busy</html>', { status: 503, headers: { 'content-type': 'text/html' } });
      }
      return fetch(input, init);
    };
    gw = await startGateway({ deps: { archiveFetch: flaky, archiveRetryBaseMs: 20 } });
    const { body } = await gw.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'rain on a window' } });
    const id = body.data!.generateVideo.generation.id;
    const first = await waitFor(async () => {
      const r = await gw!.gql<ReadVideo>(READ_VIDEO, { id });
      return r.body.data?.videoGeneration?.status === 'COMPLETED' ? r.body.data.videoGeneration : null;
    }, 10_000, 'COMPLETED');
    // The gateway's own URL from the first COMPLETED on, whether or not the copy exists yet.
    expect(first.video?.url.startsWith(`${gw.url}/videos/`)).toBe(true);
    expect(first.video?.providerUrl?.startsWith(gw.sim.url)).toBe(true);
    const archived = await waitFor(async () => {
      const r = await gw!.gql<ReadVideo>(READ_VIDEO, { id });
      expect(r.body.data?.videoGeneration?.status).toBe('COMPLETED');
      return r.body.data?.videoGeneration?.video?.archived ? r.body.data.videoGeneration.video : null;
    }, 10_000, 'archived after retries');
    expect(gw.app.archiver?.stats.failures).toBe(2);
    expect((await fetch(archived.url)).status).toBe(200);
  });

  it('refuses a video over the size limit and keeps the provider URL', async () => {
    gw = await startGateway({ env: { ARCHIVE_MAX_BYTES: '1024' }, deps: { archiveRetryBaseMs: 10 } });
    const { body } = await gw.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'a fox in snow' } });
    const id = body.data!.generateVideo.generation.id;
    await waitFor(() => (gw!.app.archiver?.stats.failures ?? 0) >= 2, 10_000, 'two failed attempts');
    const r = await gw.gql<ReadVideo>(READ_VIDEO, { id });
    expect(r.body.data?.videoGeneration?.status).toBe('COMPLETED');
    expect(r.body.data?.videoGeneration?.video?.archived).toBe(false);
    // No copy: the gateway's URL keeps redirecting to the provider's.
    const video = r.body.data!.videoGeneration!.video!;
    expect(video.providerUrl?.startsWith(gw.sim.url)).toBe(true);
    const res = await fetch(video.url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(video.providerUrl);
  });

  it('can be switched off with ARCHIVE_VIDEOS=false', async () => {
    gw = await startGateway({ env: { ARCHIVE_VIDEOS: 'false' } });
    expect(gw.app.archiver).toBeNull();
  });
});

/**
 * The CLI against a gateway that runs only trusted documents (PERSISTED_DOCUMENTS_ONLY): its
 * operations are refused as text, so it sends them again, and from then on, by the ids of
 * src/client/generated/persisted-documents.json, over HTTP (JSON and multipart) and WebSocket.
 * Run in-process with `run(argv, env, io)` against a real gateway.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import type { Io } from '../../src/cli/output.js';
import { run } from '../../src/cli/run.js';
import { startGateway, type TestGateway } from '../utils/gateway.js';
import { makePng } from '../utils/images.js';

const MANIFEST = fileURLToPath(new URL('../../src/client/generated/persisted-documents.json', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'cinegraph-cli-trusted-'));

let gw: TestGateway | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await gw?.stop();
  gw = null;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function captureIo(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => ((err += s), true) },
    out: () => out,
    err: () => err,
  };
}

/** Every GraphQL request body the CLI sends over HTTP (JSON, or a multipart request's `operations`). */
function recordBodies(): string[] {
  const bodies: string[] = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const body = init?.body;
    bodies.push(typeof body === 'string' ? body : body instanceof FormData ? String(body.get('operations')) : '');
    return real(input, init);
  });
  return bodies;
}

it('generate, status and list work against a gateway that runs only the manifest of the shared operations', async () => {
  gw = await startGateway({ env: { PERSISTED_DOCUMENTS: MANIFEST, PERSISTED_DOCUMENTS_ONLY: 'true' } });
  const bodies = recordBodies();
  const env = { CINEGRAPH_URL: `${gw.url}/graphql` };

  const generate = captureIo();
  expect(await run(['generate', 'A paper lantern drifts over a dark lake'], env, generate), generate.err()).toBe(0);
  expect(generate.out()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\S+\.mp4\n$/);
  expect(generate.err()).toMatch(/^COMPLETED\s+100%/m);
  const id = /^started (\S+)/m.exec(generate.err())?.[1];
  expect(id).toBeDefined();
  // The mutation went as text once (refused, nothing created), then by its id.
  expect(bodies.map((b) => (b.includes('"documentId"') ? 'id' : 'text'))).toEqual(['text', 'id']);

  // watch subscribes first thing: refused as text over the WebSocket, then subscribed by its id.
  const watch = captureIo();
  expect(await run(['watch', id!], env, watch), watch.err()).toBe(0);
  expect(watch.err()).toMatch(/^COMPLETED\s+100%/m);

  const status = captureIo();
  expect(await run(['status', id!], env, status)).toBe(0);
  expect(status.out()).toMatch(/status\s+COMPLETED/);
  const list = captureIo();
  expect(await run(['list'], env, list)).toBe(0);
  expect(list.out()).toContain(id!);
  expect(gw.sim.createRequests()).toHaveLength(1);

  // A frame as a multipart upload: the id travels in the `operations` part.
  const frame = path.join(dir, 'frame.png');
  writeFileSync(frame, makePng(32, 24, 5));
  const animate = captureIo();
  expect(await run(['generate', 'The lantern rises', '--first-frame', frame], env, animate)).toBe(0);
  expect(gw.sim.createBodies().at(-1)).toMatchObject({ model: 'pixverse/v5/image-to-video' });
});

it('says so, and exits 2, when the gateway only runs documents it does not know', async () => {
  const other = path.join(dir, 'other-manifest.json');
  writeFileSync(other, JSON.stringify({ 'sha256:0000000000000000000000000000000000000000000000000000000000000000': 'query Typename { __typename }' }));
  gw = await startGateway({ env: { PERSISTED_DOCUMENTS: other, PERSISTED_DOCUMENTS_ONLY: 'true' } });
  const io = captureIo();
  expect(await run(['generate', 'A paper lantern drifts over a dark lake'], { CINEGRAPH_URL: `${gw.url}/graphql` }, io)).toBe(2);
  expect(io.err()).toMatch(/PersistedQueryNotFound: no trusted document has the id "sha256:[0-9a-f]{64}"/);
  expect(gw.sim.createRequests()).toHaveLength(0);
});

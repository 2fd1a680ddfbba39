/**
 * The demo page in headless Chromium against a gateway that runs only trusted documents
 * (PERSISTED_DOCUMENTS_ONLY) with the manifest of the shared operations: the page's first
 * operations are refused as text and sent again by id, and from then on it sends ids, over HTTP
 * and over WebSocket, from prompt to a finished video.
 */
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../utils/gateway.js';
import { describeInBrowser, launchChromium } from './browser.js';

const MANIFEST = fileURLToPath(new URL('../../src/client/generated/persisted-documents.json', import.meta.url));

describeInBrowser('demo page: trusted documents only', () => {
  let browser: Browser | null = null;
  let gw: TestGateway | null = null;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await gw?.stop();
    gw = null;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('runs a generation to its video, sending operation ids over HTTP and WebSocket', async () => {
    gw = await startGateway({ env: { PERSISTED_DOCUMENTS: MANIFEST, PERSISTED_DOCUMENTS_ONLY: 'true' }, sim: { queueMs: 300, generateMs: 600 } });
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    // Each GraphQL POST the page makes: by id, or as text.
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/graphql') posts.push('documentId' in (r.postDataJSON() as object) ? 'id' : 'text');
    });
    const subscribes: Record<string, unknown>[] = [];
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        const msg = JSON.parse(String(payload)) as { type: string; payload?: Record<string, unknown> };
        if (msg.type === 'subscribe' && msg.payload) subscribes.push(msg.payload);
      }),
    );

    await page.goto(`${gw.url}/`);
    // The page's first operations (who the viewer is, the recent list) go out together as text,
    // are refused, and are sent again by id.
    await expect.poll(() => posts.filter((p) => p === 'id').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await page.waitForLoadState('networkidle');
    const onLoad = posts.splice(0);
    expect(onLoad[0]).toBe('text');
    expect(onLoad.filter((p) => p === 'text').length).toBe(onLoad.filter((p) => p === 'id').length);

    await page.getByLabel('Prompt (required)').fill('A paper lantern drifts over a dark lake');
    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page.locator('#status-line').innerText(), { timeout: 15_000 }).toBe('Done: your video is ready.');
    expect(await page.locator('#transitions li').count()).toBeGreaterThanOrEqual(2);

    // From then on, every operation goes by id, the subscription too.
    expect(posts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(posts)).toEqual(new Set(['id']));
    expect(subscribes).toEqual([expect.objectContaining({ query: '', documentId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) })]);
    expect(gw.sim.createRequests()).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

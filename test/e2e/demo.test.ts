/**
 * The demo page at `/`, driven in headless Chromium from prompt to playing video; plus its static
 * route (headers, content types, nothing but the known files), which needs no browser.
 *
 * `UPDATE_SCREENSHOTS=1 npx vitest run test/e2e/demo.test.ts` also rewrites docs/demo.png, the
 * screenshot of the page mid-generation that the README shows.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as operations from '../../src/client/generated/graphql.js';
import { collectWs, GENERATE, startGateway, UPDATES, type TestGateway } from '../utils/gateway.js';
import { describeInBrowser, launchChromium } from './browser.js';
import { makePng } from '../utils/images.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DRAGON =
  "A menacing evil dragon appears in a distance above the tallest mountain, then rushes toward the camera with its jaws open, revealing massive fangs. We see it's coming.";

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

/** Starts a generation over the API and waits for it to finish (warms the duration estimate). */
async function generateOverApi(g: TestGateway, prompt: string): Promise<string> {
  const { body } = await g.gql<{ generateVideo: { generation: { id: string } | null } }>(GENERATE, {
    input: { prompt, resolution: 'P1080', duration: 5 },
  });
  const id = body.data?.generateVideo.generation?.id;
  if (!id) throw new Error(`create failed: ${JSON.stringify(body)}`);
  const { results } = await collectWs<{ videoGenerationUpdates: { status: string } }>(g.ws(), UPDATES, { id });
  expect(results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
  return id;
}

describe('demo page route', () => {
  it('serves the page and its files with a strict CSP and correct content types', async () => {
    gw = await startGateway();
    const page = await fetch(`${gw.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self' ws: wss:",
      "media-src 'self' http: https:",
      "img-src 'self' data:",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/demo/app.js"></script>');
    // graphql-ws's browser build first: app.js uses the `graphqlWs` global it defines.
    expect(html).toContain('<script src="/demo/graphql-ws.js" defer></script>');
    expect(html.indexOf('/demo/graphql-ws.js')).toBeLessThan(html.indexOf('/demo/app.js'));
    // Nothing inline and nothing from elsewhere: the CSP would block it.
    expect(html).not.toMatch(/<script>|<style|style="|https?:\/\//);

    const types: Record<string, string> = {
      '/demo/app.js': 'text/javascript; charset=utf-8',
      '/demo/operations.js': 'text/javascript; charset=utf-8',
      '/demo/progress-curve.js': 'text/javascript; charset=utf-8',
      '/demo/graphql-ws.js': 'text/javascript; charset=utf-8',
      '/demo/style.css': 'text/css; charset=utf-8',
      '/demo/icon.svg': 'image/svg+xml',
      '/index.html': 'text/html; charset=utf-8',
    };
    for (const [p, type] of Object.entries(types)) {
      const res = await fetch(`${gw.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).toBe(type);
      expect(res.headers.get('content-security-policy'), p).toBe(csp);
      expect((await res.arrayBuffer()).byteLength, p).toBeGreaterThan(100);
    }
    const head = await fetch(`${gw.url}/demo/app.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(100);
    expect((await fetch(`${gw.url}/`, { method: 'POST' })).status).toBe(405);
  });

  it('serves the one copy of what the page shares with the CLI, and the page keeps none of its own', async () => {
    gw = await startGateway();
    const text = async (p: string): Promise<string> => {
      const res = await fetch(`${gw!.url}${p}`);
      expect(res.status, p).toBe(200);
      return res.text();
    };
    // The operations of src/client/operations, as the CLI sends them (its TypedDocumentNodes printed).
    const served = await text('/demo/operations.js');
    // Every operation of src/client/operations, and only those (the page's own five among them).
    const names = Object.keys(operations)
      .filter((k) => k.endsWith('Document'))
      .map((k) => k.slice(0, -'Document'.length));
    expect(names).toEqual(expect.arrayContaining(['FollowGeneration', 'GenerationHistory', 'ReadGeneration', 'StartGeneration', 'Viewer']));
    for (const name of names) {
      const doc = (operations as unknown as Record<string, Parameters<typeof print>[0]>)[`${name}Document`];
      expect(served).toContain(`export const ${name} = ${JSON.stringify(print(doc!))};`);
    }
    // And each one's trusted-document id, for a gateway that runs only those.
    for (const name of names) {
      const id = (operations as unknown as Record<string, { __meta__: { hash: string } }>)[`${name}Document`]!.__meta__.hash;
      expect(served).toContain(`  [${name}, ${JSON.stringify(id)}],`);
    }
    expect(served.match(/^export const /gm)).toHaveLength(names.length + 1);
    expect(served).toContain('export const DOCUMENT_IDS = new Map([');
    // The progress curve the CLI imports, byte for byte; graphql-ws's own browser build.
    expect(await text('/demo/progress-curve.js')).toBe(readFileSync(path.join(root, 'src/client/progress-curve.js'), 'utf8'));
    const graphqlWs = path.join(path.dirname(createRequire(import.meta.url).resolve('graphql-ws/package.json')), 'umd/graphql-ws.min.js');
    expect(await text('/demo/graphql-ws.js')).toBe(readFileSync(graphqlWs, 'utf8'));

    const app = await text('/demo/app.js');
    expect(app).toContain("from './operations.js'");
    expect(app).toContain("from './progress-curve.js'");
    // No operation text, protocol client or progress curve of its own.
    expect(app).not.toMatch(/\b(query|mutation|subscription) [A-Z]\w*\s*[({]/);
    expect(app).not.toMatch(/new WebSocket\(|connection_init|graphql-transport-ws'/);
    expect(app).not.toMatch(/ON_SCHEDULE|PENDING_CAP|Math\.exp\(-2/);
  });

  it('serves only the known files: no traversal, no directory listing', async () => {
    gw = await startGateway();
    const { request } = await import('node:http');
    // Raw paths, as fetch would normalise `..` away before sending.
    const raw = (p: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(`${gw!.url}/`, { path: p }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    for (const p of [
      '/demo/../../../package.json',
      '/demo/..%2f..%2f..%2fpackage.json',
      '/demo/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/demo/',
      '/demo/app.js.map',
      '/demo/operations.graphql',
      '/demo/graphql-ws.min.js',
      '/demo/../../client/progress-curve.js',
      '/demo/index.html',
      '/demo.ts',
      '/demo//app.js',
      '/DEMO/APP.JS',
    ]) {
      expect(await raw(p), p).toBe(404);
    }
  });
});

describeInBrowser('demo page in Chromium', () => {
  let browser: Browser | null = null;
  const pages: Page[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.allSettled(pages.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await browser?.close();
    browser = null;
  });

  async function openDemo(g: TestGateway): Promise<{ page: Page; problems: string[] }> {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    const res = await page.goto(`${g.url}/`);
    expect(res?.status()).toBe(200);
    return { page, problems };
  }

  it('goes from prompt to a playing video, with the progress bar moving', async () => {
    gw = await startGateway({ sim: { queueMs: 1500, generateMs: 2500 } });
    // One finished generation first: it shows in the list, and the gateway learns how long
    // generations take, so the bar is paced like a real one.
    const earlier = await generateOverApi(gw, 'A lighthouse beam sweeps over a stormy sea');
    const { page, problems } = await openDemo(gw);
    await expect.poll(() => page.locator('#recent button').count()).toBe(1);

    // Keyboard and labels, as a person would fill it in.
    await page.getByLabel('Prompt (required)').fill(DRAGON);
    await page.getByLabel('Resolution').selectOption('P1080');
    await page.getByLabel('Style').selectOption('CYBERPUNK');
    await page.getByLabel('Seed').fill('2026');
    await page.getByRole('button', { name: 'Generate video' }).focus();
    await page.keyboard.press('Enter');

    // Progress samples until done: never backwards, and rising between transitions.
    const samples: { status: string; value: number }[] = [];
    let shot: Buffer | null = null;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [value, status] = await page.evaluate(() => [
        (document.getElementById('progress') as HTMLProgressElement).value,
        document.getElementById('current')!.dataset.status ?? '',
      ]);
      samples.push({ status: String(status), value: Number(value) });
      if (!shot && status === 'GENERATING' && Number(value) > 0.4) shot = await page.screenshot({ fullPage: true });
      if (status === 'COMPLETED' && value === 1) break;
      if (Date.now() > deadline) throw new Error(`not completed: ${JSON.stringify(samples.slice(-3))}`);
      await page.waitForTimeout(100);
    }
    const values = samples.map((s) => s.value);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    const pending = samples.filter((s) => s.status === 'QUEUED' || s.status === 'GENERATING').map((s) => s.value);
    expect(new Set(pending).size).toBeGreaterThan(5);
    expect(Math.max(...pending)).toBeGreaterThan(0.3);
    expect(samples.some((s) => s.status === 'QUEUED')).toBe(true);
    expect(samples.some((s) => s.status === 'GENERATING')).toBe(true);
    expect(shot).not.toBeNull();
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      mkdirSync(path.join(root, 'docs'), { recursive: true });
      writeFileSync(path.join(root, 'docs/demo.png'), shot!);
    }

    await expect.poll(() => page.locator('#status-line').innerText()).toBe('Done: your video is ready.');
    await expect.poll(() => page.locator('#transitions li').allInnerTexts()).toEqual([
      expect.stringContaining('QUEUED (provider: queued)'),
      expect.stringContaining('GENERATING (provider: generating)'),
      expect.stringContaining('COMPLETED (provider: completed)'),
    ]);
    // The simulator's video is real H.264, which Debian's chromium decodes: it plays.
    await page.waitForFunction(
      () => {
        const v = document.getElementById('video') as HTMLVideoElement;
        return v.readyState >= 2 && v.currentTime > 0 && !v.paused;
      },
      undefined,
      { timeout: 10_000 },
    );
    const src = await page.locator('#video').evaluate((v: HTMLVideoElement) => v.currentSrc);
    expect(src).toMatch(/\.mp4$/);

    // The list shows both; the earlier one can be watched again.
    await expect.poll(() => page.locator('#recent button').count()).toBe(2);
    await page.locator(`#recent button[data-id="${earlier}"]`).click();
    await expect.poll(() => page.locator('#detail-prompt').innerText()).toBe('A lighthouse beam sweeps over a stormy sea');
    await expect.poll(() => page.locator(`#recent button[data-id="${earlier}"]`).getAttribute('aria-current')).toBe('true');
    await page.waitForFunction(() => (document.getElementById('video') as HTMLVideoElement).readyState >= 2, undefined, {
      timeout: 10_000,
    });
    expect(problems).toEqual([]);
  });

  it('shows each user error next to its field, and starts nothing', async () => {
    gw = await startGateway();
    const { page, problems } = await openDemo(gw);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.postData() ?? '');
    });

    // Empty prompt: caught in the page.
    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page.locator('#prompt-error').innerText()).toContain('Write a prompt');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('prompt');

    // 8 seconds at 1080p: the gateway's INVALID_INPUT, shown beside the duration field.
    await page.getByLabel('Prompt (required)').fill('A red kite over green hills');
    await page.getByLabel('Resolution').selectOption('P1080');
    await page.getByLabel('Duration').selectOption('8');
    await page.getByRole('button', { name: 'Generate video' }).click();
    const error = page.locator('#duration-error');
    await expect.poll(() => error.innerText()).toContain('duration 8 is not available at P1080');
    expect(await error.isVisible()).toBe(true);
    expect(await page.getByLabel('Duration').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#prompt-error').isVisible()).toBe(false);
    // The error is part of the field's accessible description, and focus goes to the field.
    expect(await page.getByLabel('Duration').getAttribute('aria-describedby')).toContain('duration-error');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('duration');
    // The error sits next to the duration control.
    const [field, message] = await Promise.all([page.getByLabel('Duration').boundingBox(), error.boundingBox()]);
    expect(Math.abs(message!.x - field!.x)).toBeLessThan(5);
    expect(message!.y - (field!.y + field!.height)).toBeLessThan(60);
    expect(posts.filter((p) => p.includes('mutation StartGeneration'))).toHaveLength(1);
    expect(await page.locator('#transitions li').count()).toBe(0);

    // Fixing the field clears its message.
    await page.getByLabel('Duration').selectOption('5');
    expect(await error.isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });

  it('says when the live connection is lost, reconnects, re-reads the state and finishes', async () => {
    gw = await startGateway({ sim: { queueMs: 2000, generateMs: 1500 } });
    const upgraded: Socket[] = [];
    gw.app.server.httpServer.on('upgrade', (_req, socket: Socket) => upgraded.push(socket));
    const { page } = await openDemo(gw);
    let acks = 0;
    const subscribes: string[] = [];
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => void (String(payload).includes('"connection_ack"') && acks++));
      ws.on('framesent', ({ payload }) => {
        const msg = JSON.parse(String(payload)) as { type: string; payload?: { query: string } };
        if (msg.type === 'subscribe') subscribes.push(msg.payload?.query ?? '');
      });
    });
    // Every text the connection banner shows, however briefly.
    await page.evaluate(() => {
      const banner = document.getElementById('connection')!;
      const log: string[] = [];
      (window as unknown as { bannerLog: string[] }).bannerLog = log;
      new MutationObserver(() => log.push(banner.textContent ?? '')).observe(banner, { childList: true, characterData: true, subtree: true });
    });
    const bannerLog = (): Promise<string[]> => page.evaluate(() => (window as unknown as { bannerLog: string[] }).bannerLog);
    const reads: number[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && (r.postData() ?? '').includes('query ReadGeneration')) reads.push(Date.now());
    });

    await page.getByLabel('Prompt (required)').fill('A paper boat sails down a rain-soaked street at dusk');
    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page.locator('#status-line').innerText()).toContain('Queued');
    await expect.poll(() => upgraded.length).toBe(1);
    await expect.poll(() => acks).toBe(1);

    // The network drops the socket (no close frame).
    const lostAt = Date.now();
    upgraded[0]!.destroy();
    await expect
      .poll(bannerLog, { timeout: 5000 })
      .toContainEqual(expect.stringMatching(/^Connection to the gateway lost\. Reconnecting in \d+ s \(attempt 1\)…$/));
    expect(await page.locator('#connection').getAttribute('role')).toBe('status');

    // It comes back: the state is read over HTTP, then followed again to the end.
    await expect.poll(() => reads.some((t) => t > lostAt), { timeout: 8000 }).toBe(true);
    await expect.poll(() => upgraded.length, { timeout: 8000 }).toBe(2);
    await expect.poll(bannerLog, { timeout: 8000 }).toContain('Reconnected: following the generation again.');
    await expect.poll(() => page.locator('#status-line').innerText(), { timeout: 10_000 }).toBe('Done: your video is ready.');
    expect(await page.locator('#transitions li').count()).toBe(3);
    // One subscription per connection, with the shared FollowGeneration operation.
    expect(subscribes).toEqual([print(operations.FollowGenerationDocument), print(operations.FollowGenerationDocument)]);
  });

  it('sends the token from the token field on HTTP and WebSocket when the gateway requires one', async () => {
    // Each status lasts longer than the gateway's slowest poll (4 × 50 ms early on), so the list
    // of transitions has all three.
    gw = await startGateway({ env: { GATEWAY_TOKENS: 'demo:s3cret-demo-token' }, sim: { queueMs: 500, generateMs: 1000 } });
    const { page } = await openDemo(gw);
    await expect.poll(() => page.locator('#recent-empty').innerText()).toContain('Enter the gateway token');

    await page.getByLabel('Prompt (required)').fill('A paper boat sails down a rain-soaked street at dusk');
    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page.locator('#token-error').innerText()).toContain('requires a token');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('token');

    await page.getByLabel('Token', { exact: true }).fill('s3cret-demo-token');
    await page.getByLabel('Token', { exact: true }).press('Tab');
    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page.locator('#status-line').innerText(), { timeout: 10_000 }).toBe('Done: your video is ready.');
    expect(await page.locator('#transitions li').count()).toBe(3);
    // Kept for the next visit.
    expect(await page.evaluate(() => localStorage.getItem('cinegraph.token'))).toBe('s3cret-demo-token');
    await expect.poll(() => page.locator('#recent button').count()).toBe(1);
  });
});

describeInBrowser('demo page frames in Chromium', () => {
  let browser: Browser | null = null;
  let page: Page | null = null;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await page?.close();
    page = null;
  });
  afterAll(async () => {
    await browser?.close();
    browser = null;
  });

  /** Drops `bytes` on a frame's zone the way a person dragging a file from the desktop does. */
  async function dropFile(p: Page, field: string, bytes: Buffer, name: string, type: string): Promise<void> {
    const transfer = await p.evaluateHandle(
      ({ data, name: fileName, type: fileType }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(data)], fileName, { type: fileType }));
        return dt;
      },
      { data: [...bytes], name, type },
    );
    const zone = p.locator(`#${field}-zone .drop`);
    await zone.dispatchEvent('dragover', { dataTransfer: transfer });
    await zone.dispatchEvent('drop', { dataTransfer: transfer });
  }

  it('picks and drops a first and last frame, shows thumbnails, explains the model, uploads them and follows the transition to its video', async () => {
    gw = await startGateway({ sim: { queueMs: 300, generateMs: 600 } });
    page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${gw.url}/`);
    const hint = page.locator('#model-hint');
    await expect.poll(() => hint.innerText()).toMatch(/^No frames: text-to-video/);

    const first = makePng(48, 32, 9);
    const last = makePng(48, 32, 200);

    // A last frame alone: the page says why, and the gateway's answer lands next to the field.
    await page.getByLabel('Last frame').setInputFiles({ name: 'end.png', mimeType: 'image/png', buffer: last });
    await expect.poll(() => hint.innerText()).toMatch(/needs a first frame/);
    await page.getByLabel('Prompt (required)').fill('From dawn to dusk over the harbour');
    const before = gw.sim.createRequests().length;
    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page!.locator('#lastFrame-error').innerText()).toMatch(/needs a firstFrame/);
    expect(await page.getByLabel('Last frame').getAttribute('aria-invalid')).toBe('true');

    // Something that is not an image, as the first frame: refused by its content, next to its field.
    await page.getByLabel('First frame').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('plain text\n') });
    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page!.locator('#firstFrame-error').innerText()).toMatch(/not a PNG, JPEG or WebP/);
    expect(gw.sim.createRequests().length).toBe(before);

    // A real first frame, dropped: thumbnails for both, and the model they make.
    await dropFile(page, 'firstFrame', first, 'start.png', 'image/png');
    await expect.poll(() => hint.innerText()).toMatch(/^First and last frames: transition/);
    for (const field of ['firstFrame', 'lastFrame']) {
      await expect.poll(() => page!.locator(`#${field}-thumb`).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
    }
    await expect.poll(() => page!.locator('#firstFrame-name').innerText()).toMatch(/^start\.png/);

    // Removing the last frame makes it image-to-video; choosing it again, a transition.
    await page.getByRole('button', { name: 'Remove last frame' }).click();
    await expect.poll(() => hint.innerText()).toMatch(/^First frame: image-to-video/);
    await page.getByLabel('Last frame').setInputFiles({ name: 'end.png', mimeType: 'image/png', buffer: last });
    await expect.poll(() => hint.innerText()).toMatch(/transition/);

    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page!.locator('#status-line').innerText(), { timeout: 15_000 }).toBe('Done: your video is ready.');
    expect(await page.locator('#detail-model').innerText()).toMatch(/^transition/);
    // The gateway's stored copies, shown back from this origin.
    const shown = await page.locator('#detail-frames img').evaluateAll((imgs: HTMLImageElement[]) =>
      imgs.map((i) => ({ src: i.src, width: i.naturalWidth })),
    );
    expect(shown).toEqual([
      { src: expect.stringMatching(new RegExp(`^${gw.url}/images/[A-Za-z0-9_-]{32}\\.png$`)), width: 48 },
      { src: expect.stringMatching(/\/images\/.+\.png$/), width: 48 },
    ]);
    expect(gw.sim.createRequests().length).toBe(before + 1);
    expect(gw.sim.createBodies().at(-1)).toMatchObject({
      model: 'pixverse/v5/transition',
      image_url: `data:image/png;base64,${first.toString('base64')}`,
      tail_image_url: `data:image/png;base64,${last.toString('base64')}`,
    });
    expect(problems).toEqual([]);
  });
});

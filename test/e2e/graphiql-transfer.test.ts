/**
 * What GraphiQL costs a browser, measured at the gateway (the bytes it writes per response):
 * Chromium's first visit, Monaco's workers running, transfers under 1.5 MB with brotli; a reload
 * and a second visit ask for none of GraphiQL's files again (immutable) and get a 304 for the page.
 */
import type http from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { precompressGraphiQL } from '../../src/server/routes/graphiql.js';
import { startGateway, type TestGateway } from '../utils/gateway.js';
import { describeInBrowser, launchChromium } from './browser.js';

interface Served {
  method: string;
  path: string;
  status: number;
  bytes: number;
}

describeInBrowser('GraphiQL transfer in Chromium', () => {
  let browser: Browser | null = null;
  let gw: TestGateway | null = null;
  const served: Served[] = [];

  beforeAll(async () => {
    // What `npm run build` does ahead of time (kept in node_modules/.cache; quick once made).
    await precompressGraphiQL();
    browser = await launchChromium();
    gw = await startGateway();
    gw.app.server.httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      res.on('finish', () => {
        served.push({
          method: req.method ?? '',
          path: (req.url ?? '').split('?')[0] ?? '',
          status: res.statusCode,
          bytes: Number(res.getHeader('content-length') ?? 0),
        });
      });
    });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it('first visit under 1.5 MB; a reload and a second visit get a 304 for the page and none of its files', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));

    await page.goto(`${gw!.url}/graphql`);
    await expect.poll(async () => (await page.locator('.graphiql-query-editor').innerText()).replace(/\s+/g, ' '), { timeout: 20_000 }).toContain('mutation Generate');
    // Monaco's three workers (editor, JSON, GraphQL) start under the page's policy.
    await expect.poll(() => workers.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await page.waitForLoadState('networkidle');
    const first = served.splice(0);
    const total = first.reduce((a, s) => a + s.bytes, 0);
    console.log(`GraphiQL first visit: ${first.length} responses, ${(total / 1024 / 1024).toFixed(3)} MB\n${first.map((s) => `  ${s.status} ${s.method} ${s.path} ${s.bytes}`).join('\n')}`);
    expect(first.filter((s) => s.path.startsWith('/graphiql/')).length).toBeGreaterThanOrEqual(3);
    expect(total).toBeLessThan(1_500_000);
    expect(problems).toEqual([]);
    // GraphiQL's files fetched so far. The page may ask for a font only once some glyph needs it,
    // after the network looked idle: such a file shows up in the next snapshot, fetched for the
    // first time, and counts toward the first visit's bytes.
    const fetched = new Set(first.filter((s) => s.path.startsWith('/graphiql/')).map((s) => s.path));
    let late = 0;

    // A reload, then a second visit: the page is revalidated (a 304 without a body; GraphiQL's
    // own POSTs must not evict it from the browser's cache), and no file of /graphiql/ is fetched
    // again.
    for (const [name, again] of [
      ['reload', () => page.reload()],
      ['second visit', async () => {
        await page.goto('about:blank');
        return page.goto(`${gw!.url}/graphql`);
      }],
    ] as const) {
      await again();
      // GraphiQL opens with the tabs it kept in the browser's storage this time.
      await page.locator('.graphiql-query-editor').waitFor({ timeout: 20_000 });
      await page.waitForLoadState('networkidle');
      const later = served.splice(0);
      console.log(`GraphiQL ${name}:\n${later.map((s) => `  ${s.status} ${s.method} ${s.path} ${s.bytes}`).join('\n')}`);
      const files = later.filter((s) => s.path.startsWith('/graphiql/'));
      // None of them fetched again.
      expect(files.filter((s) => fetched.has(s.path)), name).toEqual([]);
      for (const s of files) {
        fetched.add(s.path);
        late += s.bytes;
      }
      const pageAgain = later.filter((s) => s.method === 'GET' && s.path === '/graphql');
      expect(pageAgain, name).toEqual([expect.objectContaining({ status: 304, bytes: 0 })]);
    }
    expect(total + late).toBeLessThan(1_500_000);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});

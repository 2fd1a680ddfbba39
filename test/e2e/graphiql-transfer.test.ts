/**
 * What GraphiQL costs a browser, measured at the gateway (the bytes it writes per response):
 * Chromium's first visit, Monaco's workers running, transfers under 1.5 MB with brotli; a
 * second visit asks for none of GraphiQL's files again (immutable) and revalidates the page.
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

  it('first visit under 1.5 MB; a second visit fetches none of its files again', async () => {
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

    // A second visit: the page again (small, or a 304), nothing of /graphiql/ at all.
    await page.goto('about:blank');
    await page.goto(`${gw!.url}/graphql`);
    // GraphiQL opens with the tabs it kept in the browser's storage this time.
    await page.locator('.graphiql-query-editor').waitFor({ timeout: 20_000 });
    await page.waitForLoadState('networkidle');
    const second = served.splice(0);
    console.log(`GraphiQL second visit:\n${second.map((s) => `  ${s.status} ${s.method} ${s.path} ${s.bytes}`).join('\n')}`);
    expect(second.filter((s) => s.path.startsWith('/graphiql/'))).toEqual([]);
    const pageAgain = second.filter((s) => s.method === 'GET' && s.path === '/graphql');
    expect(pageAgain.length).toBe(1);
    expect(pageAgain[0]!.status === 304 || pageAgain[0]!.bytes < 2048).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});

/**
 * GraphiQL under its own Content-Security-Policy: the page, its scripts, Monaco's editor workers
 * and its requests to the gateway all run with the policy the gateway sends, and the browser
 * reports no violation. A query runs from the editor, so the schema fetch and the request went
 * through under the policy too.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../utils/gateway.js';
import { describeInBrowser, launchChromium } from './browser.js';

describeInBrowser('GraphiQL under its Content-Security-Policy', () => {
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
    browser = null;
  });

  it('renders, starts its editor workers and runs a query with no policy violation', async () => {
    gw = await startGateway();
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const violations: string[] = [];
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    // Violations in workers and late-loaded scripts are reported to the document as events.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __violations: string[] }).__violations ??= [];
        (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });

    const response = await page.goto(`${gw.url}/graphql`);
    expect(response?.headers()['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    const editorText = async (): Promise<string> => (await page.locator('.graphiql-query-editor').innerText()).replace(/\s+/g, ' ');
    await expect.poll(editorText, { timeout: 20_000 }).toContain('mutation Generate {');

    // Run the example's History query (fetch to this origin, under connect-src).
    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('menuitem', { name: 'History', exact: true }).click();
    await expect.poll(async () => (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ''), { timeout: 10_000 }).toContain(
      '"videoGenerations":{"edges":[]',
    );

    const reported = await page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []);
    expect(reported).toEqual([]);
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
    // A cold Chromium parsing GraphiQL's bundle on a busy machine takes a while.
  }, 60_000);
});

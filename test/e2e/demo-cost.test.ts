/**
 * The demo page in headless Chromium for a user signed in with a JSON Web Token: each video's
 * cost (the simulator's own figure) in the details and in the Recent list, the viewer's spend
 * over the last 24 hours against SPEND_LIMIT_PER_DAY, and BUDGET_EXCEEDED in words once the
 * limit is reached.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { creditsFor } from '../../src/simulator/index.js';
import { startGateway, type TestGateway } from '../utils/gateway.js';
import { jwtEnv, makeKey, sign, startJwksServer, type JwksServer } from '../utils/jwt.js';
import { describeInBrowser, launchChromium } from './browser.js';

const fmt = (n: number): string => n.toLocaleString('en-US');
/** This machine's browser and gateway share two cores with other tests: allow for slow answers. */
const WAIT = { timeout: 10_000 };

describeInBrowser('demo page: cost and spend', () => {
  let browser: Browser | null = null;
  let jwks: JwksServer | null = null;
  let gw: TestGateway | null = null;
  const pages: Page[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.allSettled(pages.splice(0).map((p) => p.close()));
    await gw?.stop();
    await jwks?.stop();
    gw = null;
    jwks = null;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows each video's cost and the viewer's spend, and says when the limit is reached", async () => {
    const key = await makeKey('k1');
    jwks = await startJwksServer([key]);
    const price = creditsFor('540p', 5);
    gw = await startGateway({ env: jwtEnv(jwks.url, { SPEND_LIMIT_PER_DAY: String(price * 1.5) }) });
    const token = await sign(key, { sub: 'dana' });

    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(`${gw.url}/`);
    await page.locator('#token-box summary').click();
    await page.getByLabel('Token', { exact: true }).fill(token);
    await page.getByLabel('Token', { exact: true }).dispatchEvent('change');
    await expect.poll(() => page.locator('#viewer').innerText(), WAIT).toContain(`Spent in the last 24 hours: 0 credits of ${fmt(price * 1.5)}.`);

    await page.getByLabel('Prompt (required)').fill('A paper lantern drifts over a dark lake');
    await page.getByLabel('Resolution').selectOption('P540');
    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page.locator('#status-line').innerText(), { timeout: 20_000 }).toBe('Done: your video is ready.');
    await expect.poll(() => page.locator('#detail-cost').innerText(), WAIT).toBe(`${fmt(price)} credits`);
    await expect.poll(() => page.locator('#recent button .recent-meta').first().innerText(), WAIT).toContain(`${fmt(price)} credits`);
    await expect.poll(() => page.locator('#viewer').innerText(), WAIT).toContain(`Spent in the last 24 hours: ${fmt(price)} credits of ${fmt(price * 1.5)}.`);

    // A second one would pass the limit: refused in words, and nothing is sent to the provider.
    await page.getByRole('button', { name: 'Generate video' }).click();
    await expect.poll(() => page.locator('#form-error').innerText(), WAIT).toMatch(/spending limit is reached: room again in 2\d h/);
    expect(gw.sim.createBodies()).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});

/**
 * GraphiQL as a person uses it: open /graphql, run "Generate" from the example document through
 * the run button's operation picker, paste the id into the variables, run "Follow", and watch
 * QUEUED, GENERATING and COMPLETED arrive in the result pane over WebSocket.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../utils/gateway.js';
import { PHASE_MS, SimClock } from '../utils/generation-helpers.js';
import { describeInBrowser, launchChromium } from './browser.js';

/** The text of GraphiQL's result pane with all whitespace removed (Monaco wraps long lines). */
async function resultText(page: Page): Promise<string> {
  return (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, '');
}

async function runOperation(page: Page, name: string): Promise<void> {
  await page.locator('.graphiql-execute-button').click();
  await page.getByRole('menuitem', { name, exact: true }).click();
}

describeInBrowser('GraphiQL in Chromium', () => {
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

  it('runs generateVideo, then follows it to COMPLETED over WebSocket', async () => {
    // The simulator's clock is moved by hand: the generation stays QUEUED until GraphiQL's
    // subscription has shown it, and GENERATING likewise, however long the clicks and typing take
    // on a loaded machine. The gateway's own deadline is far away for the same reason.
    const clock = new SimClock();
    gw = await startGateway({ sim: { queueMs: PHASE_MS, generateMs: PHASE_MS, now: clock.now }, env: { GENERATION_TIMEOUT_MS: '600000' } });
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Every subscription event GraphiQL receives on its WebSocket.
    const wsStatuses: string[] = [];
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        const msg = JSON.parse(String(payload)) as { type: string; payload?: { data?: { videoGenerationUpdates?: { status: string } } } };
        const status = msg.payload?.data?.videoGenerationUpdates?.status;
        if (msg.type === 'next' && status) wsStatuses.push(status);
      });
    });

    await page.goto(`${gw.url}/graphql`);
    // The ready example document holds all four operations.
    // (Monaco renders spaces as no-break spaces, which \s matches.)
    const editorText = async (): Promise<string> => (await page.locator('.graphiql-query-editor').innerText()).replace(/\s+/g, ' ');
    await expect.poll(editorText, { timeout: 15_000 }).toContain('mutation Generate {');
    expect(await editorText()).toContain('subscription Follow($id: ID!) {');

    await runOperation(page, 'Generate');
    await expect.poll(() => resultText(page), { timeout: 10_000 }).toContain('"status":"QUEUED"');
    const generated = await resultText(page);
    expect(generated).toContain('"userErrors":[]');
    const id = /"id":"([^"]+)"/.exec(generated)?.[1];
    expect(id).toMatch(/:pixverse\/v5\/text-to-video$/);

    // Paste the id into the variables editor, as the example's comment says.
    await page.getByRole('button', { name: 'Variables' }).click();
    await page.locator('.graphiql-editor-tool .graphiql-editor').first().click();
    await page.keyboard.insertText(JSON.stringify({ id }));
    await runOperation(page, 'Follow');

    // Watch the result pane: each event replaces the previous one.
    // Once a state is on screen, the provider moves on to the next one.
    const seen: string[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && seen.at(-1) !== 'COMPLETED') {
      const text = await resultText(page);
      const status = text.includes('"videoGenerationUpdates"') ? /"status":"([A-Z_]+)"/.exec(text)?.[1] : undefined;
      if (status && seen.at(-1) !== status) {
        seen.push(status);
        if (status === 'QUEUED' || status === 'GENERATING') clock.advance(PHASE_MS);
      }
      await page.waitForTimeout(50);
    }
    expect(seen).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    const done = await resultText(page);
    expect(done).toContain('"progress":1');
    expect(done).toMatch(/"url":"http:\/\/127\.0\.0\.1:\d+\/[^"]+\.mp4"/);
    // They came over the WebSocket (graphql-transport-ws `next` messages).
    expect(wsStatuses).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});

/**
 * The CLI registers and lists webhook endpoints against a real gateway: `add-webhook` prints the
 * signing secret once on stdout (the one thing a script needs), `webhooks` lists the endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/errors.js';
import { run } from '../../src/cli/run.js';
import { startGateway, type TestGateway } from '../utils/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', ARCHIVE_VIDEOS: 'false' } });
});
afterAll(async () => {
  await gw?.stop();
});

async function cli(...argv: string[]): Promise<{ code: ExitCode; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { CINEGRAPH_URL: `${gw.url}/graphql` }, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

describe('cinegraph add-webhook / webhooks', () => {
  it('registers an endpoint, prints its secret once, and lists it', async () => {
    const added = await cli('add-webhook', 'http://127.0.0.1:9/hooks', '--event', 'completed', '--event', 'status_changed');
    expect(added.code).toBe(ExitCode.OK);
    expect(added.stdout).toMatch(/^whsec_[A-Za-z0-9+/]{43}=\n$/);
    expect(added.stderr).toMatch(/registered ep_[0-9a-f]{24} {2}http:\/\/127\.0\.0\.1:9\/hooks {2}completed,status_changed/);
    expect(added.stderr).toMatch(/shown this once/);

    const listed = await cli('webhooks');
    expect(listed.code).toBe(ExitCode.OK);
    expect(listed.stdout).toMatch(/^ep_[0-9a-f]{24} {2}http:\/\/127\.0\.0\.1:9\/hooks {2}completed,status_changed {2}\S+ {2}enabled\n$/);
    expect(listed.stdout).not.toContain(added.stdout.trim());

    const json = await cli('webhooks', '--json');
    const line = JSON.parse(json.stdout.trim()) as { type: string; endpoint: { events: string[] } };
    expect(line).toMatchObject({ type: 'webhookEndpoint', endpoint: { events: ['VIDEO_GENERATION_COMPLETED', 'VIDEO_GENERATION_STATUS_CHANGED'] } });
  });

  it('reports a refused URL as a user error, and a bad --event as usage', async () => {
    const refused = await cli('add-webhook', 'ftp://example.com/x');
    expect(refused.code).toBe(ExitCode.USER_ERROR);
    expect(refused.stderr).toMatch(/error: url: The URL must use https: or http:, not ftp: \[INVALID_INPUT\]/);
    const bad = await cli('add-webhook', 'https://example.com/x', '--event', 'exploded');
    expect(bad.code).toBe(ExitCode.USER_ERROR);
    expect(bad.stderr).toMatch(/--event must be one of completed, failed, timed_out, status_changed/);
  });
});

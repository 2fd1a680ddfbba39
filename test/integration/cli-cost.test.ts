/**
 * The CLI's `status` and `list` show what each generation cost (the provider's figure, here the
 * simulator's `creditsFor`), run in-process with `run(argv, env, io)` against a real gateway.
 */
import { afterEach, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import type { Io } from '../../src/cli/output.js';
import { creditsFor } from '../../src/simulator/index.js';
import { collectWs, GENERATE, startGateway, UPDATES, type TestGateway } from '../utils/gateway.js';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

function captureIo(): Io & { out: () => string } {
  let out = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => true },
    out: () => out,
  };
}

it('status and list show the cost of each generation', async () => {
  gw = await startGateway();
  const { body } = await gw.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'A tram crosses a bridge at night', resolution: 'P1080' } });
  const id = body.data!.generateVideo.generation.id;
  await collectWs(gw.ws(), UPDATES, { id });
  const env = { CINEGRAPH_URL: `${gw.url}/graphql` };
  const credits = creditsFor('1080p', 5).toLocaleString('en-US');

  const status = captureIo();
  expect(await run(['status', id], env, status)).toBe(0);
  expect(status.out()).toMatch(new RegExp(`^cost\\s+${credits} credits$`, 'm'));

  const list = captureIo();
  expect(await run(['list'], env, list)).toBe(0);
  expect(list.out()).toMatch(new RegExp(`${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+COMPLETED .*A tram crosses a bridge at night\\s+${credits} credits\\n`));

  const json = captureIo();
  expect(await run(['status', id, '--json'], env, json)).toBe(0);
  expect(JSON.parse(json.out())).toMatchObject({ generation: { usage: { credits: creditsFor('1080p', 5), tokens: null, usd: null } } });
});

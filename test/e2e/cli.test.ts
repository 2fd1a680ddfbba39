/**
 * The `cinegraph` command as a person (or a script) runs it: a child process (`node
 * bin/cinegraph.mjs …`, stdout and stderr not terminals) against a live gateway.
 */
import { spawn } from 'node:child_process';
import net, { type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type TestGateway } from '../utils/gateway.js';
import { makePng } from '../utils/images.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(root, 'bin/cinegraph.mjs');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOpts {
  env?: Record<string, string>;
  /** Called with each chunk of stderr; may signal the process. */
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
}

function cli(args: string[], opts: RunOpts = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env };
    const child = spawn(process.execPath, [BIN, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const jsonLines = (s: string): Record<string, unknown>[] =>
  s
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('cinegraph CLI against a live gateway', () => {
  let gw: TestGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    // The queue time leaves a CLI process (tsx start-up included) room to subscribe before the
    // first transition, and GENERATING lasts long enough for the poller to see it on a loaded
    // machine.
    gw = await startGateway({ sim: { queueMs: 1500, generateMs: 1000 } });
    env = { CINEGRAPH_URL: `${gw.url}/graphql` };
  });
  afterAll(async () => {
    await gw?.stop();
  });

  let completedId = '';

  it('generate follows a generation to completion with plain lines, and prints the video URL', async () => {
    const r = await cli(['generate', 'A paper boat sails down a rain-soaked street', '--resolution', '540p', '--style', 'clay', '--seed', '7', '--aspect-ratio', '9:16'], {
      env,
    });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    // stdout holds the result alone: the URL, for `url=$(cinegraph generate …)`.
    expect(r.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\S+\.mp4\n$/);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^started (\S+:pixverse\/v5\/text-to-video) \(540p, 5 s, 9:16, clay, seed 7\)$/);
    completedId = /^started (\S+)/.exec(lines[0]!)![1]!;
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(lines.at(-1)).toMatch(/^COMPLETED\s+100%\s+provider: completed$/);
    // No terminal control codes when stderr is not a terminal.
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('generate --json writes one JSON object per event', async () => {
    const r = await cli(['generate', 'A lighthouse beam sweeps over a stormy sea', '--json', '--duration', '8'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const events = jsonLines(r.stdout);
    expect(events.map((e) => e.type)).toEqual(['started', 'update', 'update', 'done']);
    const statuses = events.slice(0, 3).map((e) => (e.generation as { status: string }).status);
    expect(statuses).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect((events[0]!.generation as { duration: number }).duration).toBe(8);
    expect(events[3]).toMatchObject({ type: 'done', status: 'COMPLETED', videoUrl: expect.stringMatching(/\.mp4$/) });
  });

  it('status shows a generation, as text and as JSON', async () => {
    const text = await cli(['status', completedId], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`id        ${completedId}`);
    expect(text.stdout).toMatch(/status\s+COMPLETED \(provider: completed\)/);
    expect(text.stdout).toMatch(/video\s+http:\/\/\S+\.mp4/);
    expect(text.stdout).toMatch(/history\s+QUEUED .+ → GENERATING .+ → COMPLETED /);

    const json = await cli(['status', completedId, '--json'], { env });
    expect(json.code).toBe(0);
    const [event] = jsonLines(json.stdout);
    expect(event).toMatchObject({ type: 'generation', generation: { id: completedId, status: 'COMPLETED', progress: 1 } });

    const missing = await cli(['status', 'no-such-id:pixverse/v5/text-to-video'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no generation with id no-such-id:pixverse/v5/text-to-video');
  });

  it('watch of a finished generation prints its end at once', async () => {
    const r = await cli(['watch', completedId], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^http:\/\/\S+\.mp4\n$/);
    expect(r.stderr).toContain(`watching ${completedId}`);
    expect(r.stderr).toMatch(/COMPLETED\s+100%/);
  });

  it('list pages through generations, newest first, with a status filter', async () => {
    const all = await cli(['list'], { env });
    expect(all.code).toBe(0);
    const rows = all.stdout.trim().split('\n');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.at(-1)).toContain(completedId);
    expect(rows.at(-1)).toMatch(/COMPLETED\s+\S+Z\s+540p, 5 s, 9:16, clay\s+A paper boat/);

    const one = await cli(['list', '--first', '1', '--status', 'COMPLETED'], { env });
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split('\n')).toHaveLength(1);
    const after = /more: cinegraph list --after '([^']+)'/.exec(one.stderr)?.[1];
    expect(after).toBeTruthy();
    const next = await cli(['list', '--first', '1', '--status', 'completed', '--after', after!, '--json'], { env });
    expect(next.code).toBe(0);
    const events = jsonLines(next.stdout);
    expect(events.map((e) => e.type)).toEqual(['generation', 'pageInfo']);
    expect(events[0]).toMatchObject({ generation: { id: completedId, status: 'COMPLETED' } });

    const none = await cli(['list', '--status', 'FAILED,TIMED_OUT'], { env });
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('no generations\n');
  });

  it('exits 2 for invalid input, with the message next to the flag at fault', async () => {
    const r = await cli(['generate', 'A red kite', '--resolution', '1080p', '--duration', '8'], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: --duration: duration 8 is not available at P1080; use 5, or a lower resolution [INVALID_INPUT]\n');

    const json = await cli(['generate', 'A red kite', '--resolution', '1080p', '--duration', '8', '--json'], { env });
    expect(json.code).toBe(2);
    expect(jsonLines(json.stdout)).toEqual([
      expect.objectContaining({ type: 'error', code: 'INVALID_INPUT', field: ['input', 'duration'] }),
    ]);

    for (const args of [
      ['generate', 'x', '--resolution', '4k'],
      ['generate', 'x', '--seed', 'lucky'],
      ['generate'],
      ['generate', 'x', '--first', '3'],
      ['frobnicate'],
      ['list', '--status', 'DONE'],
    ]) {
      const bad = await cli(args, { env });
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr, args.join(' ')).toMatch(/^error: /);
    }
  });

  it('exits 2 for an idempotency key reused with a different prompt', async () => {
    const first = await cli(['generate', 'A quiet harbour at dawn', '--idempotency-key', 'cli-key-1', '--no-watch'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^\S+:pixverse\/v5\/text-to-video\n$/);
    const again = await cli(['generate', 'A quiet harbour at dawn', '--idempotency-key', 'cli-key-1', '--no-watch'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    const conflict = await cli(['generate', 'A busy harbour at noon', '--idempotency-key', 'cli-key-1', '--no-watch'], { env });
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/\[IDEMPOTENCY_CONFLICT\]/);
  });

  it('exits 3 when the generation fails', async () => {
    const r = await cli(['generate', 'A storm over the sea [sim:fail]'], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^FAILED\s+\d+%\s+provider: error$/m);
    expect(r.stderr).toMatch(/^failed: .+\(\w+\)$/m);

    const json = await cli(['generate', 'A storm over the sea [sim:fail]', '--json'], { env });
    expect(json.code).toBe(3);
    expect(jsonLines(json.stdout).at(-1)).toMatchObject({ type: 'done', status: 'FAILED', videoUrl: null, error: { message: expect.any(String) } });
  });

  it('exits 130 on Ctrl-C while watching, and says the generation goes on', async () => {
    let sent = false;
    const r = await cli(['generate', 'A clock that never strikes [sim:never]'], {
      env,
      onStderr: (text, child) => {
        if (!sent && /GENERATING/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/stopped watching; the generation goes on: cinegraph watch '\S+'/);
  });

  it('reconnects when the live connection drops, and still follows the generation to the end', async () => {
    const slow = await startGateway({ sim: { queueMs: 1500, generateMs: 3000 } });
    try {
      const upgraded: Socket[] = [];
      slow.app.server.httpServer.on('upgrade', (_req, socket: Socket) => upgraded.push(socket));
      let triggered = false;
      let dropped = false;
      const r = await cli(['generate', 'A kite on a windy beach'], {
        env: { CINEGRAPH_URL: `${slow.url}/graphql` },
        onStderr: (text) => {
          if (triggered || !/QUEUED/.test(text)) return;
          triggered = true;
          // While QUEUED, once the CLI's WebSocket is up, the network drops it (no close frame).
          void waitFor(() => upgraded.length === 1, 1000, 'the WebSocket').then(() => {
            upgraded[0]!.destroy();
            dropped = true;
          });
        },
      });
      expect(dropped).toBe(true);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/connection lost; reconnecting…\nreconnected\n/);
      expect(upgraded.length).toBe(2);
      expect(r.stderr.split('\n').filter((l) => /^(QUEUED|GENERATING|COMPLETED) /.test(l)).map((l) => l.split(' ')[0])).toEqual([
        'QUEUED',
        'GENERATING',
        'COMPLETED',
      ]);
      expect(r.stdout).toMatch(/\.mp4\n$/);
    } finally {
      await slow.stop();
    }
  });

  it('--first-frame PATH uploads the file (image-to-video); --last-frame URL makes a transition; both reach the provider', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cinegraph-cli-frames-'));
    try {
      const png = makePng(24, 16, 5);
      const file = path.join(dir, 'first frame.png');
      writeFileSync(file, png);
      const before = gw.sim.createBodies().length;
      const r = await cli(['generate', 'The drawing comes alive', '--first-frame', file, '--json'], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const started = jsonLines(r.stdout)[0] as { generation: { model: string; firstFrame: { url: string; contentType: string; byteSize: number } } };
      expect(started.generation.model).toBe('IMAGE_TO_VIDEO');
      expect(started.generation.firstFrame).toMatchObject({ contentType: 'image/png', byteSize: png.length });
      expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'done', status: 'COMPLETED', videoUrl: expect.stringMatching(/\.mp4$/) });
      const body = gw.sim.createBodies()[before] as Record<string, unknown>;
      expect(body.model).toBe('pixverse/v5/image-to-video');
      expect(body.image_url).toBe(`data:image/png;base64,${png.toString('base64')}`);

      const last = 'https://images.example.com/last.webp';
      const t = await cli(['generate', 'From one to the other', '--first-frame', file, '--last-frame', last, '--no-watch'], { env });
      expect(t.code).toBe(0);
      const id = t.stdout.trim();
      const status = await cli(['status', id], { env });
      expect(status.stdout).toMatch(/^model\s+TRANSITION$/m);
      expect(status.stdout).toMatch(new RegExp(`^last\\s+${last.replace(/[.]/g, '\\.')}$`, 'm'));
      expect(gw.sim.createBodies().at(-1)).toMatchObject({ model: 'pixverse/v5/transition', tail_image_url: last });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a frame that is not an image, a missing file or a last frame alone exits 2 naming the flag, with nothing sent', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cinegraph-cli-frames-'));
    try {
      const fake = path.join(dir, 'notes.png');
      writeFileSync(fake, 'these are notes, not a picture\n');
      const before = gw.sim.createRequests().length;
      const bad = await cli(['generate', 'x', '--first-frame', fake], { env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^error: --first-frame: firstFrame\.file is not a PNG, JPEG or WebP image \[INVALID_INPUT\]$/m);
      const missing = await cli(['generate', 'x', '--first-frame', path.join(dir, 'nope.png')], { env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--first-frame: cannot read .*no such file/);
      const alone = await cli(['generate', 'x', '--last-frame', 'https://example.com/b.png'], { env });
      expect(alone.code).toBe(2);
      expect(alone.stderr).toMatch(/^error: --last-frame: lastFrame needs a firstFrame/m);
      const js = await cli(['generate', 'x', '--first-frame', 'javascript:alert(1)'], { env });
      expect(js.code).toBe(2);
      expect(js.stderr).toMatch(/--first-frame: firstFrame\.url must use https:/);
      expect(gw.sim.createRequests().length).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cinegraph generate "<prompt>" [options]');
    expect(r.stdout).toContain('Exit codes:');
  });
});

describe('cinegraph CLI connection failures', () => {
  it('exits 4 when the gateway is unreachable', async () => {
    const port = await closedPort();
    const r = await cli(['generate', 'A red kite', '--url', `http://127.0.0.1:${port}/graphql`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`^error: cannot reach the gateway at http://127\\.0\\.0\\.1:${port}/graphql: ECONNREFUSED`));

    const json = await cli(['list', '--json'], { env: { CINEGRAPH_URL: `http://127.0.0.1:${port}/graphql` } });
    expect(json.code).toBe(4);
    expect(jsonLines(json.stdout)).toEqual([expect.objectContaining({ type: 'error', code: 'UNREACHABLE', exitCode: 4 })]);
  });

  it('exits 4 when the gateway refuses the token, and works with --token or CINEGRAPH_TOKEN', async () => {
    const gw = await startGateway({ env: { GATEWAY_TOKENS: 'cli:s3cret-cli-token' } });
    try {
      const url = `${gw.url}/graphql`;
      const none = await cli(['list', '--url', url]);
      expect(none.code).toBe(4);
      expect(none.stderr).toContain('pass --token or set CINEGRAPH_TOKEN');
      const wrong = await cli(['list', '--url', url, '--token', 'nope']);
      expect(wrong.code).toBe(4);

      const viaFlag = await cli(['generate', 'A red kite', '--url', url, '--token', 's3cret-cli-token']);
      expect(viaFlag.stderr).not.toContain('error');
      expect(viaFlag.code).toBe(0);
      const viaEnv = await cli(['list'], { env: { CINEGRAPH_URL: url, CINEGRAPH_TOKEN: 's3cret-cli-token' } });
      expect(viaEnv.code).toBe(0);
      expect(viaEnv.stdout.trim().split('\n')).toHaveLength(1);
    } finally {
      await gw.stop();
    }
  });

  it('exits 4 when the URL is not a GraphQL endpoint', async () => {
    const gw = await startGateway();
    try {
      const r = await cli(['list', '--url', `${gw.url}/health-not-here`]);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/without a GraphQL response/);
    } finally {
      await gw.stop();
    }
  });
});

/**
 * The production build as an operator runs it: `npm run build`, then `node dist/main.js` with no
 * TypeScript loader. The compiled gateway answers GraphQL, serves the demo page and GraphiQL
 * (files that are not TypeScript, copied beside the compiled code), and runs a generation to
 * COMPLETED against a fast simulator (started here), archiving its video.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ROOT } from '../utils/process.js';

describe('npm run build && node dist/main.js', () => {
  let child: ChildProcess | null = null;
  let url = '';
  let dataDir = '';
  let sim: Simulator | null = null;
  const stderr: string[] = [];

  beforeAll(async () => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    expect(existsSync(path.join(ROOT, 'dist/main.js'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'dist/simulator/assets/placeholder.mp4'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'dist/server/demo/index.html'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'dist/client/progress-curve.js'))).toBe(true);

    dataDir = mkdtempSync(path.join(tmpdir(), 'cinegraph-dist-'));
    sim = await startSimulator({ queueMs: 100, generateMs: 300 });
    // Plain node: no tsx, no --import, no loader of any kind.
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', DATA_DIR: dataDir, POLL_INTERVAL_MS: '100', LOG_LEVEL: 'info', AIMLAPI_BASE_URL: sim.url, AIMLAPI_KEY: sim.apiKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`dist/main.js did not start: ${stderr.join('')}`)), 30_000);
      child!.stdout?.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /"url":"(http:\/\/[^"]+)\/graphql".*Cinegraph is ready/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child!.once('exit', (code) => reject(new Error(`dist/main.js exited with ${code}: ${stderr.join('')}`)));
    });
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await sim?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers GraphQL, serves the demo page and GraphiQL, and runs a generation to COMPLETED', async () => {
    const post = async (query: string, variables?: Record<string, unknown>) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as {
        data?: {
          __typename?: string;
          generateVideo?: { generation: { id: string } | null };
          videoGeneration?: { status: string; video: { url: string } | null } | null;
        };
        errors?: unknown[];
      };
    };
    expect(await post('{ __typename }')).toEqual({ data: { __typename: 'Query' } });

    const demo = await fetch(`${url}/`);
    expect(demo.status).toBe(200);
    expect(await demo.text()).toContain('<html');
    const graphiql = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    const script = /src="(\/graphiql\/graphiql\.[^"]+\.js)"/.exec(await graphiql.text())?.[1];
    expect((await fetch(`${url}${script}`)).status).toBe(200);

    const created = await post('mutation ($input: GenerateVideoInput!) { generateVideo(input: $input) { generation { id } userErrors { message } } }', {
      input: { prompt: 'a paper boat on a river' },
    });
    const id = created.data?.generateVideo?.generation?.id ?? '';
    expect(id).toBeTruthy();
    let status = '';
    let videoUrl = '';
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && status !== 'COMPLETED') {
      const read = await post('query ($id: ID!) { videoGeneration(id: $id) { status video { url } } }', { id });
      status = read.data?.videoGeneration?.status ?? '';
      videoUrl = read.data?.videoGeneration?.video?.url ?? '';
      if (status !== 'COMPLETED') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('COMPLETED');
    // The gateway's own URL: a redirect to the simulator until the copy is archived, then the copy.
    const video = await fetch(videoUrl);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toMatch(/^video\/mp4/);
    expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect(stderr.join('')).toBe('');
  }, 60_000);
});

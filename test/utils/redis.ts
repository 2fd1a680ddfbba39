/**
 * A throwaway redis-server for tests: started on a free port with persistence off, stopped (and
 * restartable on the same port, for Redis-restart tests) by the test that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); resolves once it has exited. */
  stop(): Promise<void>;
  /** Stops the server, then starts a fresh, empty one on the same port. */
  restart(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** The redis-server binary: on PATH, or in the usual places. */
export function redisServerPath(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin', '/usr/sbin'];
  for (const dir of dirs) {
    const file = join(dir, 'redis-server');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** True when a redis-server binary exists, so tests can start their own. */
export function hasRedis(): boolean {
  return redisServerPath() !== null;
}

/**
 * Whether Redis tests must be skipped here: no REDIS_URL, no redis-server binary, and not in
 * CI (where they never skip; CI installs redis-server). Warns loudly when skipping.
 */
export function skipRedisTests(what: string): boolean {
  if (process.env.REDIS_URL || hasRedis() || process.env.CI === 'true') return false;
  console.warn(
    `\n!!! SKIPPING ${what}: no redis-server binary on PATH and REDIS_URL is not set.` +
      `\n!!! Install redis-server (e.g. apt-get install redis-server) to run them; in CI they never skip.\n`,
  );
  return true;
}

/**
 * Starts a private redis-server. `persistent` turns on the append-only file (fsync always) in a
 * temp dir, as the README recommends for production, so data survives `restart()`.
 */
export async function startRedis(opts: { persistent?: boolean } = {}): Promise<RedisServer> {
  const args = opts.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', mkdtempSync(path.join(tmpdir(), 'cinegraph-redis-'))]
    : ['--appendonly', 'no'];
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server not found on PATH: install redis-server (e.g. apt-get install redis-server) to run the Redis tests');
  // Another process may grab the probed port before redis-server binds it: try a few ports.
  let port = 0;
  let child: ChildProcess | null = null;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(bin, port, args);
    } catch (err) {
      if (attempt === 4) throw err;
    }
  }
  let current = child as ChildProcess;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopChild(current),
    async restart() {
      await stopChild(current);
      current = await launch(bin, port, args);
    },
  };
  return server;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Children still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

async function launch(bin: string, port: number, args: string[]): Promise<ChildProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  const child = spawn(bin, ['--port', String(port), '--save', '', ...args, '--bind', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-4000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-4000)));
  let exited = false;
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server on port ${port} exited at start-up: ${output.trim()}`);
    if (await ping(port)) return child;
    await new Promise((r) => setTimeout(r, 25));
  }
  await stopChild(child);
  throw new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms: ${output.trim()}`);
}

/** One PING over a raw socket (no client library, no reconnect noise). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (c: Buffer) => {
      reply += c.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      running.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

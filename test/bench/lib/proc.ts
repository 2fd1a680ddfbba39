/**
 * Child processes of the benchmark: every server and load generator runs in its own process,
 * registered here so that all of them are killed when the run ends, however it ends. Each child
 * also loads `preload.ts`, which exits it should this process die without cleaning up, and runs
 * a full garbage collection on SIGUSR2.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./preload.ts', import.meta.url));

export interface Child {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every stdout line so far (bounded: the oldest are dropped past 5,000). */
  readonly lines: string[];
  /** The last 16 KB of stderr. */
  stderrTail(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly hasExited: boolean;
  /** Resolves with the first stdout line (past or future) that `match` accepts. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const children = new Set<Child>();

function killAllNow(): void {
  for (const c of children) {
    if (!c.hasExited) {
      try {
        c.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

let handlersInstalled = false;
/** Kills every child on exit, on a signal and on an uncaught error. Call once from the runner. */
export function installCleanup(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      console.error(`\nbench: ${sig}, killing ${children.size} child process(es)`);
      killAllNow();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    console.error('bench: uncaught', err);
    killAllNow();
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    console.error('bench: unhandled rejection', err);
    killAllNow();
    process.exit(1);
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop(2000)));
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Extra node flags before `--import tsx` (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Written to the child's stdin, which is then closed. */
  stdin?: string;
  /** Working directory (the script is resolved from it). @default the repository root */
  cwd?: string;
  /** Which of the machine's cores the process may run on (`taskset -c`), when pinning is on. */
  role?: 'server' | 'load';
}

/**
 * Cores per role: servers (gateway, reference) on one, the load and the simulator on another,
 * so neither steals the other's CPU time. Only where the machine has at least two cores and
 * `taskset`; BENCH_PIN=0 turns it off.
 */
export const PINNING: { server: string; load: string } | null = (() => {
  if (process.env.BENCH_PIN === '0' || os.cpus().length < 2) return null;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const n = os.cpus().length;
  // The server gets core 0; the load and simulator the others (core 1 on a 2-core machine).
  return { server: '0', load: n > 2 ? `1-${n - 1}` : '1' };
})();

/** Runs `node --import tsx <script>` from the repository root, with a minimal environment. */
export function spawnNode(name: string, script: string, opts: SpawnOptions = {}): Child {
  const argv = ['--expose-gc', ...(opts.nodeArgs ?? []), '--import', 'tsx', '--import', PRELOAD, script];
  // taskset execs node in place: the child's pid is node's.
  const cpus = opts.role && PINNING ? PINNING[opts.role] : null;
  const child = spawn(cpus ? 'taskset' : process.execPath, cpus ? ['-c', cpus, process.execPath, ...argv] : argv, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn`);
  const lines: string[] = [];
  let stderr = '';
  let exited = false;
  const waiters = new Set<(line: string) => void>();
  const exitedP = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let i;
    while ((i = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      lines.push(line);
      if (lines.length > 5000) lines.shift();
      for (const w of [...waiters]) w(line);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-16_384);
  });
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(opts.stdin ?? '');

  const c: Child = {
    name,
    child,
    pid: child.pid,
    lines,
    stderrTail: () => stderr,
    exited: exitedP,
    get hasExited() {
      return exited;
    },
    waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
      for (const l of lines) {
        const v = match(l);
        if (v !== undefined) return Promise.resolve(v);
      }
      return new Promise<T>((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(onLine);
        };
        const onLine = (l: string): void => {
          const v = match(l);
          if (v !== undefined) {
            done();
            resolve(v);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name}: no expected output within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        waiters.add(onLine);
        void exitedP.then(({ code, signal }) => {
          // Let the last stdout chunk be delivered before giving up.
          setTimeout(() => {
            if (!waiters.has(onLine)) return;
            done();
            reject(new Error(`${name} exited (${code ?? signal}) before the expected output; stderr: ${stderr.slice(-2000)}`));
          }, 50);
        });
      });
    },
    async stop(graceMs = 3000) {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (!exited) child.kill('SIGKILL');
        }, graceMs);
        await exitedP;
        clearTimeout(timer);
      }
      children.delete(c);
    },
  };
  children.add(c);
  return c;
}

/** A JSON object printed on one stdout line whose `type` is `type`. */
export function jsonLine<T>(type: string): (line: string) => T | undefined {
  return (line) => {
    if (!line.startsWith('{')) return undefined;
    try {
      const v = JSON.parse(line) as { type?: string };
      return v.type === type ? (v as T) : undefined;
    } catch {
      return undefined;
    }
  };
}

function tryPort(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on 127.0.0.1 for a server that must be told its port (the gateway, whose
 * address is only logged at info level). Picked below the kernel's ephemeral range
 * (/proc/sys/net/ipv4/ip_local_port_range starts at 32768), so no server binding port 0 — the
 * simulators and references here — can be handed the same port between this check and the
 * gateway's bind.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await tryPort(port)) return port;
  }
  throw new Error('no free port found in 20000..31999');
}

/** Polls `url` until it answers 200; fails when `child` exits first or time runs out. */
export async function waitForHttpOk(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < until && attempt < 10_000; attempt++) {
    if (child.hasExited) throw new Error(`${child.name} exited before it was ready: ${child.stderrTail().slice(-2000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      // Answered, and by this child: a server that failed to bind would be on its way out.
      if (res.ok) {
        await sleep(100);
        if (!child.hasExited) return;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms: ${child.stderrTail().slice(-2000)}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resident set size of a process, in KiB (VmRSS of /proc/<pid>/status). */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

export interface MemoryAfterGc {
  /** V8 heap in use after full collections, KiB. */
  heapKb: number;
  /** Memory outside the V8 heap held by JS objects (Buffers, socket buffers), KiB. */
  externalKb: number;
  /** Resident set size right after, KiB (freed heap pages are not always returned at once). */
  rssKb: number;
}

const gcSignals = new WeakMap<Child, number>();

/** Memory of a child after full garbage collections in it, as its preload reports them. */
export async function memoryAfterGc(child: Child): Promise<MemoryAfterGc> {
  const seq = (gcSignals.get(child) ?? 0) + 1;
  gcSignals.set(child, seq);
  child.child.kill('SIGUSR2');
  const m = await child.waitForLine(
    (line) => {
      const v = jsonLine<{ seq: number; heapUsed: number; external: number; rss: number }>('bench-gc')(line);
      return v && v.seq === seq ? v : undefined;
    },
    30_000,
  );
  return { heapKb: m.heapUsed / 1024, externalKb: m.external / 1024, rssKb: m.rss / 1024 };
}

let clkTck: number | null = null;
/** Clock ticks per second of /proc/<pid>/stat times. */
export function clockTicks(): number {
  if (clkTck === null) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / clockTicks();
}

/**
 * Start-up time and memory of the two ways to run the gateway: `npm start` (tsx compiling
 * src/ on the fly) and `node dist/main.js` (after `npm run build`, no loader). `npm run
 * bench:startup` (not part of `npm test`); RUNS=<n> sets the runs per way (default 5).
 *
 * Start-up: from spawning the command until the gateway's "Cinegraph is ready" log line.
 * Memory: VmRSS of every process the command started (npm, tsx's CLI and the gateway for
 * `npm start`; just the gateway for `node dist/main.js`), 2 s after ready, and of the gateway
 * process alone. Medians and ranges over the runs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../utils/process.js';

interface Run {
  readyMs: number;
  treeRssMb: number;
  gatewayRssMb: number;
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The process and all its descendants, from /proc. */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

async function once(command: string, args: string[]): Promise<Run> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cinegraph-startup-'));
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('not ready in 60 s')), 60_000);
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('Cinegraph is ready')) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    await new Promise((r) => setTimeout(r, 2000));
    const pids = tree(child.pid ?? 0);
    const treeKb = pids.reduce((a, p) => a + rssKb(p), 0);
    // The gateway is the deepest node process (npm → sh → tsx → node, or node itself).
    const gatewayKb = rssKb(pids[pids.length - 1] ?? 0);
    return { readyMs, treeRssMb: treeKb / 1024, gatewayRssMb: gatewayKb / 1024 };
  } finally {
    for (const pid of tree(child.pid ?? 0).reverse()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)]?.toFixed(0)} (${s[0]?.toFixed(0)}–${s[s.length - 1]?.toFixed(0)})`;
};

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist/main.js'))) throw new Error('dist/main.js is missing: run npm run build first');
  const runs = Number(process.env.RUNS ?? 5);
  const ways: [string, string, string[]][] = [
    ['npm start', 'npm', ['start', '--silent']],
    ['node dist/main.js', process.execPath, ['dist/main.js']],
  ];
  const results = new Map<string, Run[]>(ways.map(([name]) => [name, []]));
  // Alternate the ways, so a drift in machine load hits both alike.
  for (let i = 0; i < runs; i++) {
    for (const [name, cmd, args] of ways) results.get(name)?.push(await once(cmd, args));
  }
  console.log(`start-up and memory, median (range) of ${runs} runs:`);
  for (const [name, rs] of results) {
    console.log(
      `  ${name.padEnd(18)} ready in ${stats(rs.map((r) => r.readyMs))} ms; RSS of all its processes ${stats(rs.map((r) => r.treeRssMb))} MB, of the gateway process ${stats(rs.map((r) => r.gatewayRssMb))} MB`,
    );
  }
}

await main();

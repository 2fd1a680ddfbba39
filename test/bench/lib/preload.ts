/**
 * Preloaded (`--import`) into every process the benchmark starts, gateway included. It changes
 * nothing the process does; it only adds two hooks for the benchmark:
 *
 * - If the benchmark runner dies without killing its children (SIGKILL, a crash), this process
 *   notices that its parent is gone and exits, so no server or load generator is left running.
 * - SIGUSR2 runs full garbage collections (the process is started with --expose-gc) and prints
 *   one stdout line `{ "type": "bench-gc", "seq", "heapUsed", "external", "rss" }` (bytes, read
 *   right after the collections), so memory is compared after garbage is gone rather than
 *   whenever V8 last happened to collect. `seq` counts the signals this process received.
 *   Nothing here is part of the gateway: only processes the benchmark starts load this file.
 */
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
}, 1000);
timer.unref();

let seq = 0;
process.on('SIGUSR2', () => {
  const n = ++seq;
  const gc = (globalThis as { gc?: (opts?: unknown) => unknown }).gc;
  // Twice: objects kept alive only by finalizers or weak references of the first go in the second.
  gc?.();
  gc?.();
  // Once more after pending callbacks (a promise's last reference) have run.
  setImmediate(() => {
    gc?.();
    const m = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ type: 'bench-gc', seq: n, heapUsed: m.heapUsed, external: m.external, rss: m.rss })}\n`);
  });
});

export {};

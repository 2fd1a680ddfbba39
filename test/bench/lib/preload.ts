/**
 * Preloaded (`--import`) into every process the benchmark starts, gateway included. It changes
 * nothing the process does; it only adds two hooks for the benchmark:
 *
 * - If the benchmark runner dies without killing its children (SIGKILL, a crash), this process
 *   notices that its parent is gone and exits, so no server or load generator is left running.
 * - SIGUSR2 runs a full garbage collection (the process is started with --expose-gc), so memory
 *   is compared after garbage is gone rather than whenever V8 last happened to collect.
 */
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
}, 1000);
timer.unref();

process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
});

export {};

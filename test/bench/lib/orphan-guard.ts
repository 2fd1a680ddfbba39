/**
 * Preloaded (`--import`) into every process the benchmark starts, gateway included: if the
 * benchmark runner dies without killing its children (SIGKILL, a crash), this one notices that
 * its parent is gone and exits, so no server or load generator is left running.
 */
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
}, 1000);
timer.unref();

export {};

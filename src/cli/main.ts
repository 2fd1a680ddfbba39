/**
 * The `cinegraph` process (bin/cinegraph.mjs imports this file through tsx): runs the command,
 * exits with its code, and turns Ctrl-C into "stop watching" rather than a stack trace.
 */
import { run } from './run.js';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  // A second Ctrl-C quits at once.
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
});

// The CLI is the one place besides src/config.ts that reads process.env: it is a client of the
// gateway, not part of it, and takes its gateway URL and token from CINEGRAPH_URL/CINEGRAPH_TOKEN.
const env = { CINEGRAPH_URL: process.env.CINEGRAPH_URL, CINEGRAPH_TOKEN: process.env.CINEGRAPH_TOKEN };

const code = await run(process.argv.slice(2), env, { stdout: process.stdout, stderr: process.stderr }, { signal: controller.signal });
process.exitCode = code;

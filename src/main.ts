/** Entry point: loadConfig() → createApp() → start(); SIGTERM/SIGINT → stop(). */
import { ConfigError, loadConfig } from './config.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`cinegraph: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  let app;
  try {
    app = await createApp(config, { logger: createLogger(config.logLevel, undefined, Boolean(process.stdout.isTTY)) });
    await app.start();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    console.error(`cinegraph: cannot start: ${msg}`);
    process.exit(1);
  }
  let signals = 0;
  const shutdown = (signal: string): void => {
    signals++;
    if (signals > 1) {
      console.error(`cinegraph: second ${signal}, exiting now`);
      process.exit(1);
    }
    app.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    app
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();

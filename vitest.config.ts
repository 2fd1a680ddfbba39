import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.mjs and index.js without an exports map: Vite would pick the
    // ESM file for our sources while Node loads the CJS one for dependencies (Pothos, yoga), and
    // two copies of graphql refuse each other's types. Pin everyone to the one Node loads.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules', 'test/bench/**'],
    // Fails a file whose gateways logged an error-level line caused by a client's mistake.
    setupFiles: ['test/utils/log-scan-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers; a little parallelism, not too much, on 2 cores.
    maxWorkers: 2,
  },
});

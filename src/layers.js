// @ts-check
/**
 * The layers of src/ and what each may import (besides its own files and npm packages). Data
 * travels one way: transport (server) → schema → service (generations) → tracker and poller
 * (watch) → ports (domain) ← adapters (provider, stores, events, cluster, archive). The domain
 * imports nothing; the simulator, a stand-alone double of the provider, imports only lib. The
 * composition root (src/app.ts, src/main.ts) may import anything and nothing imports it.
 * eslint.config.js turns this table into `no-restricted-imports` rules, and
 * test/unit/architecture.test.ts checks the import graph against it.
 *
 * Root files (config.ts, logger.ts, metrics.ts) are shared leaves: they import no folder.
 *
 * @type {Record<string, string[]>}
 */
export const LAYERS = {
  domain: [],
  lib: [],
  client: [],
  provider: ['domain', 'lib'],
  stores: ['domain', 'lib'],
  events: ['domain', 'lib'],
  archive: ['domain', 'lib'],
  images: ['domain', 'lib'],
  webhooks: ['domain', 'lib'],
  watch: ['domain', 'lib'],
  generations: ['domain', 'watch', 'lib'],
  cluster: ['domain', 'stores', 'events', 'lib'],
  schema: ['generations', 'webhooks', 'domain', 'lib'],
  server: ['schema', 'generations', 'webhooks', 'images', 'domain', 'client', 'lib'],
  simulator: ['lib'],
  cli: ['client', 'lib'],
};

/** Packages only src/server/ may import (the CLI, a client, may use graphql-ws on ws). */
export const TRANSPORT_PACKAGES = [
  'graphql-yoga',
  'graphql-ws',
  'ws',
  '@graphql-yoga/render-graphiql',
  '@escape.tech/graphql-armor-max-aliases',
  '@escape.tech/graphql-armor-max-depth',
  '@escape.tech/graphql-armor-max-tokens',
  '@escape.tech/graphql-armor-cost-limit',
];

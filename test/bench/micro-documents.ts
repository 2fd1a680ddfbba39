/**
 * What the document cache buys, per operation: parsing and validating the subscription and read
 * documents the benchmark uses, once through graphql-js directly (what every request would cost
 * without the cache, before graphql-armor's own checks) and once through the gateway's yoga
 * pipeline with its document limits (`getEnveloped().parse/validate`, as HTTP and graphql-ws
 * operations call it), where repeats are answered from yoga's parser and validation cache.
 *
 *   npx tsx test/bench/micro-documents.ts
 */
import { parse, validate } from 'graphql';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { buildSchema } from '../../src/schema/index.js';
import { useDocumentLimits } from '../../src/server/plugins/use-document-limits.js';
import { createGatewayYoga } from '../../src/server/yoga.js';
import { WATCH } from './scenarios/fanout.js';
import { READ as READ_FINISHED } from './scenarios/requests.js';

const schema = buildSchema();
const yoga = createGatewayYoga({
  schema,
  service: {} as never,
  authenticate: async () => null,
  logger: pino({ level: 'silent' }),
  publicUrl: () => '',
  plugins: [useDocumentLimits(loadConfig({}).limits)],
});

function perOp(n: number, fn: () => void): number {
  for (let i = 0; i < Math.min(200, n); i++) fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - t) * 1000) / n;
}

const out: Record<string, { uncachedUs: number; cachedUs: number }> = {};
for (const [name, doc] of [['subscription (fan-out WATCH)', WATCH], ['finished read', READ_FINISHED]] as const) {
  const uncachedUs = perOp(3000, () => validate(schema, parse(doc)));
  const cachedUs = perOp(30000, () => {
    const e = yoga.getEnveloped({});
    e.validate(schema, e.parse(doc));
  });
  out[name] = { uncachedUs: Math.round(uncachedUs * 10) / 10, cachedUs: Math.round(cachedUs * 10) / 10 };
}
console.log(JSON.stringify(out, null, 2));

/** `/metrics`: the Prometheus exposition of the gateway's registry, optionally behind a token. */
import { createTokenMatcher } from '../auth.js';
import { sendBody } from '../compress.js';
import type { Route } from './route.js';

/** What the route reads from: a prom-client `Registry` fits. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsRouteOptions {
  registry: MetricsSource;
  /** A token scrapers must send as `Authorization: Bearer <token>`; null for none. @default null */
  token?: string | null;
}

export function createMetricsRoute(options: MetricsRouteOptions): Route {
  const token = options.token ?? null;
  const authorized = createTokenMatcher(token ? [{ client: 'metrics', token }] : []);
  return async (req, res, pathname) => {
    if (pathname !== '/metrics') return false;
    if (token !== null && !authorized(req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
      res.end('metrics need Authorization: Bearer <METRICS_TOKEN>\n');
      return true;
    }
    const body = await options.registry.metrics();
    // gzip or br when the scraper accepts it (Prometheus sends Accept-Encoding: gzip).
    await sendBody(req, res, 200, { 'cache-control': 'no-store' }, Buffer.from(body), options.registry.contentType);
    return true;
  };
}

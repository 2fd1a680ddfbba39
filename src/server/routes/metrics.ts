/** `/metrics`: the Prometheus exposition of the gateway's registry, optionally behind a token. */
import { createAuthenticator } from '../auth.js';
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
  const authorized = createAuthenticator(token ? [{ client: 'metrics', token }] : null);
  return async (req, res, pathname) => {
    if (pathname !== '/metrics') return false;
    if (token !== null && !authorized(req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
      res.end('metrics need Authorization: Bearer <METRICS_TOKEN>\n');
      return true;
    }
    const body = await options.registry.metrics();
    res.writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' });
    res.end(body);
    return true;
  };
}

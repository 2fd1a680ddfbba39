/**
 * The HTTP routes served beside `/graphql` (health, readiness, metrics, archived videos, the
 * demo page): a table of handlers tried in order before yoga, the first to answer wins.
 */
import type http from 'node:http';

/**
 * One route. It looks at the request's path (without the query string) and answers true when
 * it has handled the request, false to pass it on to the next route, and finally to yoga.
 */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => boolean | Promise<boolean>;

/** Routes in the order they are tried. */
export type RouteTable = readonly Route[];

/** Offers the request to each route in turn; true when one of them handled it. */
export async function serveRoutes(table: RouteTable, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  if (table.length === 0) return false;
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  for (const route of table) if (await route(req, res, pathname)) return true;
  return false;
}

/** Writes a JSON answer that no cache keeps (health, readiness). */
export function sendUncachedJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

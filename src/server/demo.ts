/**
 * The demo page served at `/`: a static page (src/server/demo/: index.html, app.js, style.css,
 * icon.svg) that starts a generation over HTTP and follows it over WebSocket, with no build step
 * and nothing loaded from outside the gateway.
 *
 * Only the files listed below are served, by exact path: no path from the request ever reaches the
 * file system, so there is nothing to traverse. Files are read once, on first request, and kept.
 */
import { readFile } from 'node:fs/promises';
import type http from 'node:http';

/** Where the page's files live, next to this module. */
const DEMO_DIR = new URL('./demo/', import.meta.url);

/**
 * What the page may load: its own scripts, styles and icon; GraphQL over HTTP and WebSocket on
 * this origin; videos from the gateway's archive or, before archiving, the provider's URL.
 */
export const DEMO_CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "media-src 'self' http: https:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface DemoFile {
  file: string;
  type: string;
}

/** Request path → file and content type. Nothing else is served. */
const FILES: Record<string, DemoFile> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/demo/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/demo/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/demo/icon.svg': { file: 'icon.svg', type: 'image/svg+xml' },
  // Browsers ask for it on their own; answer with the same icon instead of a 404.
  '/favicon.ico': { file: 'icon.svg', type: 'image/svg+xml' },
};

const SECURITY_HEADERS = {
  'content-security-policy': DEMO_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function createDemoRoute(): (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => Promise<boolean> {
  const cache = new Map<string, Promise<Buffer>>();
  const load = (file: string): Promise<Buffer> => {
    let body = cache.get(file);
    if (!body) {
      body = readFile(new URL(file, DEMO_DIR));
      // A failed read is not cached: the next request tries again.
      body.catch(() => cache.delete(file));
      cache.set(file, body);
    }
    return body;
  };

  return async (req, res, pathname) => {
    const entry = Object.hasOwn(FILES, pathname) ? FILES[pathname] : undefined;
    if (!entry) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return true;
    }
    const body = await load(entry.file);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': entry.type,
      'content-length': String(body.length),
      // Small files that change with the gateway: revalidate rather than serve a stale page.
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/**
 * The demo page served at `/`: a static page (src/server/demo/: index.html, app.js, style.css,
 * icon.svg) that starts a generation over HTTP and follows it over WebSocket, with no build step
 * and nothing loaded from outside the gateway. What it shares with the CLI is served from the
 * one copy the CLI uses:
 *
 * - /demo/operations.js: the operations of src/client/operations/*.graphql (through their
 *   committed TypedDocumentNodes, src/client/generated), one exported string per operation, and
 *   DOCUMENT_IDS, their trusted-document ids;
 * - /demo/progress-curve.js: src/client/progress-curve.js as is;
 * - /demo/graphql-ws.js: the browser (UMD) build of the graphql-ws package the gateway runs on,
 *   which speaks graphql-transport-ws for the page.
 *
 * Only the files listed below are served, by exact path: no path from the request ever reaches the
 * file system, so there is nothing to traverse. Files are read once, on first request, and kept.
 */
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { print, type DocumentNode } from 'graphql';
import * as generated from '../../client/generated/graphql.js';
import { sendBody, StaticBody } from '../compress.js';

/** Where the page's files live. */
const DEMO_DIR = new URL('../demo/', import.meta.url);
/** The code the page shares with the CLI. */
const CLIENT_DIR = new URL('../../client/', import.meta.url);

/** graphql-ws's browser build: it defines `graphqlWs` on the window (a classic script). */
function graphqlWsBrowserBuild(): URL {
  const pkg = createRequire(import.meta.url).resolve('graphql-ws/package.json');
  return new URL('umd/graphql-ws.min.js', pathToFileURL(pkg));
}

/**
 * The page's operations as an ES module: `export const StartGeneration = "mutation …";` for every
 * operation document of src/client/generated, fragments included, as printed by graphql-js, and
 * `DOCUMENT_IDS`, a Map from each of those texts to its id (`sha256:<hex>`).
 */
export function operationsModule(): string {
  const lines = ['// The operations of src/client/operations/*.graphql, as the CLI sends them too.'];
  const ids: string[] = [];
  for (const [name, value] of Object.entries(generated).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.endsWith('Document')) continue;
    const constName = name.slice(0, -'Document'.length);
    lines.push(`export const ${constName} = ${JSON.stringify(print(value as DocumentNode))};`);
    const id = (value as { __meta__?: { hash?: string } }).__meta__?.hash;
    if (id) ids.push(`  [${constName}, ${JSON.stringify(id)}],`);
  }
  // For a gateway that runs only trusted documents: each operation's id in
  // src/client/generated/persisted-documents.json, by its text.
  lines.push('export const DOCUMENT_IDS = new Map([', ...ids, ']);');
  return `${lines.join('\n')}\n`;
}

/**
 * What the page may load: its own scripts, styles and icon; GraphQL over HTTP and WebSocket on
 * this origin; videos from the gateway's archive or, before archiving, the provider's URL.
 */
export const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self' ws: wss:",
  "media-src 'self' http: https:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface DemoFile {
  /** A file to read, or the body to build. */
  source: URL | (() => string);
  type: string;
}

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/** Request path → file and content type. Nothing else is served. */
const FILES: Record<string, DemoFile> = {
  '/': { source: new URL('index.html', DEMO_DIR), type: HTML },
  '/index.html': { source: new URL('index.html', DEMO_DIR), type: HTML },
  '/demo/app.js': { source: new URL('app.js', DEMO_DIR), type: JS },
  '/demo/frames.js': { source: new URL('frames.js', DEMO_DIR), type: JS },
  '/demo/operations.js': { source: operationsModule, type: JS },
  '/demo/progress-curve.js': { source: new URL('progress-curve.js', CLIENT_DIR), type: JS },
  '/demo/graphql-ws.js': { source: graphqlWsBrowserBuild(), type: JS },
  '/demo/style.css': { source: new URL('style.css', DEMO_DIR), type: 'text/css; charset=utf-8' },
  '/demo/icon.svg': { source: new URL('icon.svg', DEMO_DIR), type: 'image/svg+xml' },
  // Browsers ask for it on their own; answer with the same icon instead of a 404.
  '/favicon.ico': { source: new URL('icon.svg', DEMO_DIR), type: 'image/svg+xml' },
};

const SECURITY_HEADERS = {
  'content-security-policy': DEMO_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function createDemoRoute(): (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => Promise<boolean> {
  const cache = new Map<string, Promise<StaticBody>>();
  const load = (source: DemoFile['source'], type: string): Promise<StaticBody> => {
    const key = source instanceof URL ? source.href : source.name;
    let body = cache.get(key);
    if (!body) {
      body = (source instanceof URL ? readFile(source) : Promise.resolve().then(() => Buffer.from(source()))).then(
        (b) => new StaticBody(b, type),
      );
      // A failed read is not cached: the next request tries again.
      body.catch(() => cache.delete(key));
      cache.set(key, body);
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
    const body = await load(entry.source, entry.type);
    // Compressed (br or gzip) when the client accepts it, each encoding made once (compress.ts).
    await sendBody(req, res, 200, {
      ...SECURITY_HEADERS,
      // Small files that change with the gateway: revalidate rather than serve a stale page.
      'cache-control': 'no-cache',
    }, body);
    return true;
  };
}

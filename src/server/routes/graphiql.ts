/**
 * GraphiQL, served with nothing loaded from outside the gateway (offline, subscriptions over
 * WebSocket), and cheap to load again. @graphql-yoga/render-graphiql inlines everything into one
 * page of about 9 MB; here the same pieces are split into files named by the hash of their
 * content:
 *
 * - the page itself (about 1 KB): `Cache-Control: no-cache` with a strong ETag, so a reload is a
 *   304 without a body;
 * - `/graphiql/<name>.<hash>.<ext>`: the GraphiQL bundle, its stylesheet, the Monaco editor's
 *   workers (loaded by URL instead of from blobs made of inline strings), the fonts and images
 *   the stylesheet embedded as data URIs (so the browser fetches only the ones it uses), the icon
 *   and a small start script. Their names change with their content, so they are served
 *   `Cache-Control: public, max-age=31536000, immutable`;
 * - every text file goes out brotli- or gzip-compressed (compress.ts), each encoding made once.
 *
 * The page has no inline script (the options travel in a JSON data block), so it works under a
 * Content-Security-Policy without 'unsafe-inline' for scripts: the page's policy is the one
 * graphiql-page.ts computes for a GraphiQL page (see graphiqlPageHeaders). It is built on first
 * request and kept.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { precompress, sendBody, StaticBody, varyOnAcceptEncoding } from '../compress.js';
import { graphiqlCsp } from '../graphiql-page.js';
import type { Route } from './route.js';

/** Where GraphiQL's files are served from. */
export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';

/**
 * ── Headers of the GraphiQL page (not of its files): security headers for the page go here. ──
 * The Content-Security-Policy is graphiql-page.ts's policy for a GraphiQL page, computed from this
 * page's HTML. What the page needs from a policy: scripts, styles, fonts and images from 'self'
 * (Monaco also adds inline styles at run time), workers from blob: (see the start script), and
 * connections to 'self' over HTTP and ws:/wss:.
 */
export function graphiqlPageHeaders(html: string): Record<string, string> {
  return {
    'content-security-policy': graphiqlCsp(html),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/** Headers of GraphiQL's hashed files. */
const ASSET_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'public, max-age=31536000, immutable',
  'x-content-type-options': 'nosniff',
};

export interface GraphiQLRouteOptions {
  /** The GraphQL endpoint, where the page is served to browsers. @default '/graphql' */
  endpoint?: string;
  /** The page title. @default 'GraphiQL' */
  title?: string;
  /** The document the editor opens with. */
  defaultQuery?: string;
  /** How GraphiQL sends subscriptions. @default 'WS' */
  subscriptionsProtocol?: 'WS' | 'SSE' | 'GRAPHQL_SSE' | 'LEGACY_WS';
}

interface Built {
  page: StaticBody;
  etag: string;
  pageHeaders: Record<string, string>;
  assets: Map<string, { body: StaticBody; etag: string }>;
}

const JS = 'text/javascript; charset=utf-8';

/** Types of the data URIs moved out of the stylesheet, and their file extensions. */
const DATA_URI_TYPES: Record<string, string> = {
  'font/woff2': 'woff2',
  'font/woff': 'woff',
  'font/ttf': 'ttf',
  'image/png': 'png',
  'image/svg+xml': 'svg',
  'image/x-icon': 'ico',
};

/**
 * Where the best compression of GraphiQL's bundle is kept across restarts (brotli 11 takes tens of
 * seconds; `npm run build` makes it ahead of time): the package's node_modules/.cache, found
 * from this file in src/ and in dist/ alike.
 */
const GRAPHIQL_CACHE_DIR = fileURLToPath(new URL('../../../node_modules/.cache/cinegraph/graphiql/', import.meta.url));

/** The gateway's icon (src/server/demo/icon.svg). */
const ICON = new URL('../demo/icon.svg', import.meta.url);

const hashOf = (body: Buffer): string => createHash('sha256').update(body).digest('base64url').slice(0, 20);

/** Text that is safe inside a `<script type="application/json">` block and an HTML attribute-free context. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether a request asks for the page, the way graphql-yoga decides it (a GET accepting HTML). */
function wantsPage(req: http.IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html');
}

/** Whether an If-None-Match header names this strong ETag (or `*`). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

async function build(opts: GraphiQLRouteOptions): Promise<Built> {
  const parts = await import('@graphql-yoga/render-graphiql/graphiql');
  const assets = new Map<string, { body: StaticBody; etag: string }>();
  const add = (name: string, ext: string, type: string, body: Buffer, persist = false): string => {
    const hash = hashOf(body);
    const path = `${GRAPHIQL_ASSET_PREFIX}${name}.${hash}.${ext}`;
    const kept = persist ? { dir: GRAPHIQL_CACHE_DIR, key: `${name}.${hash}.${ext}` } : null;
    assets.set(path, { body: new StaticBody(body, type, kept), etag: `"${hash}"` });
    return path;
  };
  const fromDataUri = (name: string, uri: string): string | null => {
    const m = /^data:([a-z0-9.+/-]+);base64,([A-Za-z0-9+/=]+)$/i.exec(uri);
    const ext = m?.[1] ? DATA_URI_TYPES[m[1].toLowerCase()] : undefined;
    if (!m?.[1] || !m[2] || !ext) return null;
    return add(name, ext, m[1].toLowerCase(), Buffer.from(m[2], 'base64'));
  };

  // The stylesheet's embedded fonts and images become files of their own: @font-face files are
  // fetched only for the faces and unicode ranges the page uses.
  const css = parts.css.replace(/url\((["']?)(data:[^)"']+)\1\)/g, (all, _q: string, uri: string) => {
    if (uri.length < 1024) return all;
    const path = fromDataUri('asset', uri);
    return path ? `url(${path})` : all;
  });
  const cssPath = add('graphiql', 'css', 'text/css; charset=utf-8', Buffer.from(css));
  // The gateway's own icon (a few hundred bytes) instead of GraphiQL's 150 KB multi-size .ico.
  const iconPath = add('icon', 'svg', 'image/svg+xml', await readFile(ICON));
  // One script: Monaco's environment first (its workers start from blob: URLs of their inline
  // sources, as in yoga's page, which the page's policy allows), then GraphiQL, rendered once the
  // page is parsed. The workers travel inside it because they share much of their code with each
  // other: compressed in one stream they cost about half as much as three files.
  const bundle = add(
    'graphiql',
    'js',
    JS,
    Buffer.from(`(function () {
  function prepareBlob(source) {
    return URL.createObjectURL(new Blob([source], { type: 'application/javascript' }));
  }
  var workers = {
    editorWorkerService: prepareBlob(${JSON.stringify(parts.editorWorkerService)}),
    json: prepareBlob(${JSON.stringify(parts.jsonWorker)}),
    graphql: prepareBlob(${JSON.stringify(parts.graphqlWorker)}),
  };
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (moduleId, label) {
      return workers[label];
    },
  };
})();
${parts.js};
document.addEventListener('DOMContentLoaded', function () {
  var options = JSON.parse(document.getElementById('graphiql-options').textContent);
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
});
`),
    true,
  );

  const options = {
    // GraphiQL posts its operations (introspection first) to the endpoint with a query string:
    // a browser's cache drops what it holds for a URL when a POST to that very URL succeeds
    // (RFC 9111 §4.4), which would make every reload fetch the page whole instead of a 304.
    // The gateway serves GraphQL and WebSockets by path, so the query string changes nothing else.
    endpoint: `${opts.endpoint ?? '/graphql'}?via=graphiql`,
    title: opts.title ?? 'GraphiQL',
    subscriptionsProtocol: opts.subscriptionsProtocol ?? 'WS',
    ...(opts.defaultQuery !== undefined ? { defaultQuery: opts.defaultQuery } : {}),
  };
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title)}</title>
    <link rel="icon" href="${iconPath}" />
    <link rel="stylesheet" href="${cssPath}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script type="application/json" id="graphiql-options">${jsonForHtml(options)}</script>
    <script src="${bundle}"></script>
  </body>
</html>
`;
  const page = Buffer.from(html);
  return { page: new StaticBody(page, 'text/html; charset=utf-8'), etag: `"${hashOf(page)}"`, pageHeaders: graphiqlPageHeaders(html), assets };
}

export function createGraphiQLRoute(opts: GraphiQLRouteOptions = {}): Route {
  const endpoint = opts.endpoint ?? '/graphql';
  let built: Promise<Built> | null = null;
  const load = (): Promise<Built> => {
    if (!built) {
      built = build(opts);
      // A failed build is not kept: the next request tries again.
      built.catch(() => (built = null));
    }
    return built;
  };

  return async (req, res, pathname) => {
    const isPage = (pathname === endpoint || pathname === `${endpoint}/`) && wantsPage(req);
    if (!isPage && !pathname.startsWith(GRAPHIQL_ASSET_PREFIX)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return true;
    }
    const { page, etag: pageEtag, pageHeaders, assets } = await load();
    const entry = isPage ? { body: page, etag: pageEtag } : assets.get(pathname);
    if (!entry) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('Not Found\n');
      return true;
    }
    const headers: http.OutgoingHttpHeaders = isPage
      ? // Security headers of the page: graphiqlPageHeaders above, not here.
        { ...pageHeaders, 'cache-control': 'no-cache', etag: entry.etag, vary: 'Accept' }
      : { ...ASSET_HEADERS, etag: entry.etag };
    if (matches(req.headers['if-none-match'], entry.etag)) {
      res.writeHead(304, { ...headers, vary: varyOnAcceptEncoding(headers.vary) });
      res.end();
      return true;
    }
    await sendBody(req, res, 200, headers, entry.body);
    return true;
  };
}

/**
 * Makes the best compression of GraphiQL's large files ahead of time (`npm run build`), so that
 * even the first visit after a deployment gets it.
 */
export async function precompressGraphiQL(): Promise<string[]> {
  const { assets } = await build({});
  const done: string[] = [];
  for (const [path, { body }] of assets) {
    const key = path.slice(GRAPHIQL_ASSET_PREFIX.length);
    if (!body.persistent) continue;
    await precompress(GRAPHIQL_CACHE_DIR, key, body.body);
    done.push(key);
  }
  return done;
}

/**
 * Serves uploaded frames back at `/images/<name>` (what `Image.url` points at). Names are
 * unguessable, so the URL itself is the capability, as an <img> element cannot send an
 * Authorization header. Only regular files the image store wrote are served: no symlinks (lstat,
 * then O_NOFOLLOW), no other names, and with `nosniff` and a sandboxing CSP, so an upload is only
 * ever an image to the browser.
 */
import { constants, createReadStream } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { contentTypeOfName, IMAGE_NAME } from '../../images/store.js';
import type { Route } from './route.js';

export const IMAGE_ROUTE = '/images/';

function notFound(res: http.ServerResponse): true {
  res.writeHead(404, { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' });
  res.end('Not Found\n');
  return true;
}

/** Serves `/images/<name>` from `dir`, the image store's directory. */
export function createImageRoute(dir: string): Route {
  return async (req, res, pathname) => {
    if (!pathname.startsWith(IMAGE_ROUTE)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method Not Allowed\n');
      return true;
    }
    const name = pathname.slice(IMAGE_ROUTE.length);
    const type = IMAGE_NAME.test(name) ? contentTypeOfName(name) : null;
    if (!type) return notFound(res);
    const file = path.join(dir, name);
    // lstat: a symlink is not a file the gateway wrote.
    const info = await lstat(file).catch(() => null);
    if (!info?.isFile()) return notFound(res);
    // O_NOFOLLOW: a file swapped for a symlink after the check is refused, not followed.
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
    if (!handle) return notFound(res);
    const stat = await handle.stat().catch(() => null);
    if (!stat?.isFile()) {
      await handle.close();
      return notFound(res);
    }
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      // The bytes behind a name never change (it is derived from them).
      'cache-control': 'public, max-age=31536000, immutable',
      etag,
    };
    if (req.headers['if-none-match'] === etag) {
      await handle.close();
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': String(stat.size) });
    if (req.method === 'HEAD') {
      await handle.close();
      res.end();
      return true;
    }
    const stream = createReadStream('', { fd: handle });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
    return true;
  };
}

/**
 * Serves archived videos with HTTP Range support, so a browser's <video> element can seek.
 * Names are unguessable (random): the URL itself is the capability, as a <video> element cannot
 * send an Authorization header. A name whose copy is not there yet (the archive is still
 * downloading) redirects to the provider's URL, so the gateway's URL works from the first
 * COMPLETED event on. Only regular files inside the archive directory are served: a symlink
 * there answers 404.
 */
import { constants, createReadStream } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { parseRange } from '../../lib/http-range.js';
import type { Route } from './route.js';

/** Archive names: a random UUID, or an archive slot (base64url id, random part). No dots beyond these, no slashes. */
const NAME = /^[A-Za-z0-9_-]{1,1400}(?:\.[A-Za-z0-9_-]{22})?\.mp4$/;
export const VIDEO_ROUTE = '/videos/';

/**
 * Where a video whose copy is not archived yet can be fetched meanwhile (the provider's URL),
 * or null when the name names no such video.
 */
export type PendingVideoLookup = (name: string) => Promise<string | null>;

/** Serves `/videos/<name>.mp4` from `dir`, the archive directory (ARCHIVE_DIR). */
export function createVideoRoute(dir: string, pending?: PendingVideoLookup): Route {
  return async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<boolean> => {
    if (!pathname.startsWith(VIDEO_ROUTE)) return false;
    const name = pathname.slice(VIDEO_ROUTE.length);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method Not Allowed\n');
      return true;
    }
    const valid = NAME.test(name);
    const file = path.join(dir, name);
    // lstat: a symlink is not a file the gateway wrote.
    const info = valid ? await lstat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      const redirect = valid && !info && pending ? await pending(name).catch(() => null) : null;
      if (redirect) {
        // Temporary: once the copy exists, this same URL serves it.
        res.writeHead(302, { location: redirect, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
        res.end();
        return true;
      }
      res.writeHead(404, { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' });
      res.end('Not Found\n');
      return true;
    }
    const size = info.size;
    const etag = `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const common = {
      'accept-ranges': 'bytes',
      'content-type': 'video/mp4',
      'x-content-type-options': 'nosniff',
      etag,
      'last-modified': info.mtime.toUTCString(),
      // The content behind a name never changes.
      'cache-control': 'public, max-age=31536000, immutable',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, common);
      res.end();
      return true;
    }
    const ifRange = req.headers['if-range'];
    const range = ifRange && ifRange !== etag ? null : parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...common, 'content-range': `bytes */${size}`, 'content-length': '0' });
      res.end();
      return true;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const headers: Record<string, string> = { ...common, 'content-length': String(size === 0 ? 0 : end - start + 1) };
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return true;
    }
    // O_NOFOLLOW: a file swapped for a symlink after the check is refused, not followed.
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
    if (!handle) {
      res.destroy();
      return true;
    }
    const stream = createReadStream('', { fd: handle, start, end });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
    return true;
  };
}

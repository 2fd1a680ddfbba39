/**
 * Serves archived videos with HTTP Range support, so a browser's <video> element can seek.
 * Names are unguessable (random UUIDs): the URL itself is the capability, as a <video> element
 * cannot send an Authorization header.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { parseRange } from '../../lib/http-range.js';
import type { Route } from './route.js';

const NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.mp4$/;
export const VIDEO_ROUTE = '/videos/';

/** Serves `/videos/<name>.mp4` from `dir`, the archive directory (ARCHIVE_DIR). */
export function createVideoRoute(dir: string): Route {
  return async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<boolean> => {
    if (!pathname.startsWith(VIDEO_ROUTE)) return false;
    const name = pathname.slice(VIDEO_ROUTE.length);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method Not Allowed\n');
      return true;
    }
    const file = path.join(dir, name);
    const info = NAME.test(name) ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found\n');
      return true;
    }
    const size = info.size;
    const etag = `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const common = {
      'accept-ranges': 'bytes',
      'content-type': 'video/mp4',
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
    const stream = createReadStream(file, { start, end });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
    return true;
  };
}

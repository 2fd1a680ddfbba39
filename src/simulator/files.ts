/**
 * Serves the placeholder video. Browsers' <video> elements probe with Range requests and refuse
 * to seek (Safari refuses to play at all) when a server ignores them, hence 206/416 support.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRange } from '../lib/http-range.js';

export function serveVideo(req: IncomingMessage, res: ServerResponse, data: Uint8Array): void {
  const size = data.byteLength;
  res.setHeader('Content-Type', 'video/mp4');
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'public, max-age=3600');
  // Lets a demo page fetch() the file as well as play it.
  res.setHeader('Access-Control-Allow-Origin', '*');
  const head = req.method === 'HEAD';

  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.statusCode = 416;
    res.setHeader('Content-Range', `bytes */${size}`);
    res.end();
    return;
  }
  if (range === null) {
    res.statusCode = 200;
    res.setHeader('Content-Length', size);
    res.end(head ? undefined : data);
    return;
  }
  res.statusCode = 206;
  res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  res.setHeader('Content-Length', range.end - range.start + 1);
  res.end(head ? undefined : data.subarray(range.start, range.end + 1));
}

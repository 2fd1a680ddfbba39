/**
 * HTTP byte ranges (RFC 9110 §14), shared by everything here that serves video files: browsers'
 * <video> elements probe with Range requests and refuse to seek (Safari refuses to play at all)
 * when a server ignores them.
 */
export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/**
 * Parses a single `bytes=` range. Returns null to serve the whole file, as RFC 9110 allows for
 * anything else (multi-range requests included), and 'unsatisfiable' for a 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

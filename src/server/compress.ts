/**
 * HTTP response compression (node:zlib): brotli or gzip, whichever the client prefers among the
 * two, for bodies of at least 1 KiB whose type compresses (JSON, HTML, JavaScript, CSS, SVG, text).
 * Never for streams that must not be buffered (text/event-stream, multipart), nor for videos,
 * images and fonts that are compressed already.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip';

/** Bodies smaller than this go out as they are: compression would not pay for its framing. */
export const MIN_COMPRESSIBLE_BYTES = 1024;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * The encoding to answer with for an `Accept-Encoding` header (RFC 9110 §12.5.3): the accepted
 * one with the highest q among br and gzip, br on a tie; `*` stands for any not named; q=0
 * refuses. Null when neither is acceptable (identity).
 */
export function negotiateEncoding(header: string | null | undefined): ContentEncoding | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(p);
      if (m?.[1]) weight = Number(m[1]);
    }
    q.set(token.trim(), weight);
  }
  const weightOf = (enc: ContentEncoding): number => q.get(enc) ?? (enc === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  const br = weightOf('br');
  const gz = weightOf('gzip');
  if (br <= 0 && gz <= 0) return null;
  return br >= gz ? 'br' : 'gzip';
}

/** Whether a body of this content type is worth compressing (and safe to buffer). */
export function isCompressibleType(contentType: string | null | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'text/event-stream') return false;
  if (type.startsWith('text/')) return true;
  return (
    type === 'application/json' ||
    type === 'application/graphql-response+json' ||
    type === 'application/javascript' ||
    type === 'application/manifest+json' ||
    type === 'image/svg+xml' ||
    type === 'image/x-icon' ||
    type === 'font/ttf' ||
    type === 'font/otf'
  );
}

/**
 * How hard to compress: `dynamic` for answers made per request, `static` for files compressed
 * once and kept in memory, `best` for large files compressed once and kept on disk.
 */
export type CompressionEffort = 'dynamic' | 'static' | 'best';

/**
 * Compresses a body: `dynamic` with brotli quality 5 or gzip level 6 (milliseconds for the
 * answers made per request); `static` with brotli 9 or gzip 9; `best` with brotli 11 (tens of
 * seconds of a background thread for megabytes: only for files compressed once and kept on disk).
 * Brotli uses its largest standard window (16 MiB), so repeats far apart in big files still count.
 */
export function compressBody(body: Buffer, encoding: ContentEncoding, effort: CompressionEffort = 'dynamic'): Promise<Buffer> {
  if (encoding === 'br') {
    return brotli(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: effort === 'best' ? 11 : effort === 'static' ? 9 : 5,
        [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      },
    });
  }
  return gzip(body, { level: effort === 'dynamic' ? 6 : 9 });
}

/** Adds `Accept-Encoding` to a response's Vary header unless it is there already. */
export function varyOnAcceptEncoding(current: string | number | string[] | undefined): string {
  const values = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (values.some((v) => v === '*' || v.toLowerCase() === 'accept-encoding')) return values.join(', ');
  return [...values, 'Accept-Encoding'].join(', ');
}

/** Writes a file whole or not at all (a temporary file renamed); a read-only disk is no error. */
async function keepFile(file: string, body: Buffer): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.part`;
    await writeFile(partial, body);
    await rename(partial, file);
  } catch {
    // Kept in memory only: the next start compresses again.
  }
}

/** Compresses `body` at its best into `dir` under `key`, unless it is there already (the build does this). */
export async function precompress(dir: string, key: string, body: Buffer): Promise<void> {
  for (const [encoding, ext] of [['br', 'q11.br'], ['gzip', 'gz']] as const) {
    const file = path.join(dir, `${key}.${ext}`);
    if (await readFile(file).then(() => true, () => false)) continue;
    await keepFile(file, await compressBody(body, encoding, 'best'));
  }
}

/**
 * A static body and its compressed forms, each made once, on first demand, and kept: for files
 * served many times (the demo page, GraphiQL's assets).
 */
export class StaticBody {
  private readonly encoded = new Map<ContentEncoding, Promise<Buffer>>();

  /**
   * @param persist For large files served often: where their best compression (brotli 11) is
   * kept across restarts, and the key naming this body there (a hash of its content). Until a
   * kept copy exists, answers are compressed at `static` effort while the best one is made in the
   * background and written there. @default null (compressed at `static` effort, in memory only)
   */
  constructor(
    readonly body: Buffer,
    readonly contentType: string,
    private readonly persist: { dir: string; key: string } | null = null,
  ) {}

  /** The body in this encoding (null: as it is), compressed once. */
  get(encoding: ContentEncoding | null): Promise<Buffer> {
    if (encoding === null || !this.compressible) return Promise.resolve(this.body);
    let p = this.encoded.get(encoding);
    if (!p) {
      p = this.persist ? this.kept(encoding, this.persist) : compressBody(this.body, encoding, 'static');
      // A failure is not kept: the next request tries again.
      p.catch(() => this.encoded.delete(encoding));
      this.encoded.set(encoding, p);
    }
    return p;
  }

  /** The copy kept on disk, or a quicker one now while the best is made and kept for next time. */
  private async kept(encoding: ContentEncoding, persist: { dir: string; key: string }): Promise<Buffer> {
    const file = path.join(persist.dir, `${persist.key}.${encoding === 'br' ? 'q11.br' : 'gz'}`);
    const onDisk = await readFile(file).catch(() => null);
    if (onDisk) return onDisk;
    if (encoding === 'gzip') {
      const gz = await compressBody(this.body, 'gzip', 'best');
      void keepFile(file, gz);
      return gz;
    }
    const quick = compressBody(this.body, 'br', 'static');
    void compressBody(this.body, 'br', 'best').then(async (best) => {
      this.encoded.set('br', Promise.resolve(best));
      await keepFile(file, best);
    }, () => undefined);
    return quick;
  }

  /** Whether its best compression is kept on disk. */
  get persistent(): boolean {
    return this.persist !== null;
  }

  get compressible(): boolean {
    return this.body.length >= MIN_COMPRESSIBLE_BYTES && isCompressibleType(this.contentType);
  }
}

/**
 * Writes a whole body, compressed when the client accepts br or gzip and the body is worth it.
 * Sets Content-Type, Content-Length, Content-Encoding and Vary; answers HEAD without a body.
 */
export async function sendBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  headers: http.OutgoingHttpHeaders,
  body: Buffer | StaticBody,
  contentType?: string,
): Promise<void> {
  const item = body instanceof StaticBody ? body : new StaticBody(body, contentType ?? String(headers['content-type'] ?? ''));
  const out: http.OutgoingHttpHeaders = { ...headers, 'content-type': item.contentType };
  let payload = item.body;
  if (item.compressible) {
    out.vary = varyOnAcceptEncoding(out.vary);
    const encoding = negotiateEncoding(req.headers['accept-encoding']);
    if (encoding) {
      payload = body instanceof StaticBody ? await item.get(encoding) : await compressBody(item.body, encoding, 'dynamic');
      out['content-encoding'] = encoding;
    }
  }
  out['content-length'] = String(payload.length);
  res.writeHead(status, out);
  res.end(req.method === 'HEAD' ? undefined : payload);
}

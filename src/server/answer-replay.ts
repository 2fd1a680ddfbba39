/**
 * Finished answers replayed at the HTTP layer. A read of finished generations (the answer cache
 * of plugins/use-answers.ts says which) is answered, for the next byte-identical request of the
 * same caller, with the bytes yoga sent for it the first time: status, yoga's headers and body,
 * without yoga, parsing, validation or execution. The request is authenticated again every time
 * (an expired token falls through to yoga, which refuses it), and the answer is replayed only
 * while the store still hands out the very objects it was made from, as in use-answers.ts: a
 * late change (archiving, a late TIMED_OUT → COMPLETED) replaces them, and the next request
 * goes through yoga again.
 *
 * Byte-identical means the same method, URL, body and request headers (all of them but the
 * per-request `x-request-id`, `content-length` and hop-by-hop ones), so content negotiation,
 * CORS and compression come out as yoga decided them. Only complete 200 answers of JSON are
 * kept; anything else (SSE, multipart uploads, errors) always goes through yoga. The log line
 * and metrics of the request are http.ts's, as for any other request.
 */
import type http from 'node:http';
import type { GenerationService } from '../generations/service.js';
import type { Authenticator } from './auth.js';
import type { GraphQLHandler } from './http.js';

export interface AnswerReplayOptions {
  authenticate: Authenticator;
  service: Pick<GenerationService, 'get'>;
  /** Answers kept; the least recently used goes first. @default 1000 */
  capacity?: number;
  /** Requests with a larger body are not kept. @default 16384 */
  maxRequestBytes?: number;
  /** Answers with a larger body are not kept. @default 65536 */
  maxAnswerBytes?: number;
}

/** What use-answers.ts found an answer made of. */
export interface FinishedReads {
  owner: string;
  reads: readonly { id: string; gen: unknown }[];
}

interface Kept extends FinishedReads {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
  operation: string | undefined;
}

/** Request headers that differ per request without changing the answer. */
const IGNORED = new Set(['x-request-id', 'content-length', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade']);

function keyOf(req: http.IncomingMessage, body: Buffer): string {
  const h = req.rawHeaders;
  const parts: string[] = [];
  for (let i = 0; i + 1 < h.length; i += 2) {
    const name = h[i]!.toLowerCase();
    if (!IGNORED.has(name)) parts.push(`${name}:${h[i + 1]}`);
  }
  parts.sort();
  return `${req.method} ${req.url}\n${parts.join('\n')}\n\n${body.toString('latin1')}`;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      chunks.push(c);
    });
    req.once('end', () => resolve(size > limit ? null : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

export class AnswerReplay {
  private readonly kept = new Map<string, Kept>();
  /** Requests whose answer use-answers.ts found made only of finished generations. */
  private readonly finished = new WeakMap<http.IncomingMessage, FinishedReads>();
  private readonly capacity: number;
  private readonly maxRequestBytes: number;
  private readonly maxAnswerBytes: number;
  /** Answers replayed so far (for tests and metrics). */
  replayed = 0;

  constructor(private readonly opts: AnswerReplayOptions) {
    this.capacity = opts.capacity ?? 1000;
    this.maxRequestBytes = opts.maxRequestBytes ?? 16_384;
    this.maxAnswerBytes = opts.maxAnswerBytes ?? 65_536;
  }

  /** Called by use-answers.ts: this request's answer reads only these finished generations. */
  noteFinished(req: http.IncomingMessage | undefined, reads: FinishedReads): void {
    if (req) this.finished.set(req, reads);
  }

  /** Wraps the GraphQL handler: replays a kept answer, or runs `next` and keeps its answer. */
  handler(next: GraphQLHandler): GraphQLHandler {
    return async (req, res, notes) => {
      const post = req.method === 'POST';
      const json = /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
      const candidate =
        (req.method === 'GET' || (post && json && Number(req.headers['content-length']) <= this.maxRequestBytes)) &&
        !(req.headers.accept ?? '').includes('text/event-stream');
      // Nobody's body is read before they are authenticated (use-authentication.ts): a caller
      // without a valid credential goes straight to yoga, which answers 401 unread.
      const owner = candidate ? await this.ownerOf(req) : null;
      if (owner === null) {
        await next(req, res, notes);
        return;
      }
      let body: Buffer = Buffer.alloc(0);
      if (post) {
        const read = await readBody(req, this.maxRequestBytes);
        if (read === null) {
          res.writeHead(413, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: `Request body is larger than ${this.maxRequestBytes} bytes`, extensions: { code: 'BAD_REQUEST' } }] }));
          return;
        }
        body = read;
        // yoga's Node adapter takes a body already read from `req.body` (whatwg-node's
        // normalizeNodeRequest); as text it is parsed at once, without a stream around it.
        if (body.length > 0) (req as { body?: string }).body = body.toString('utf8');
      }
      const key = keyOf(req, body);
      const hit = this.kept.get(key);
      if (hit && (await this.stillValid(hit, owner))) {
        this.kept.delete(key);
        this.kept.set(key, hit);
        notes.client = hit.owner;
        notes.operation = hit.operation;
        this.replayed++;
        res.writeHead(hit.status, hit.headers);
        res.end(hit.body);
        return;
      }
      if (hit) this.kept.delete(key);
      const capture = this.capture(res);
      await next(req, res, notes);
      await capture.done;
      const reads = this.finished.get(req);
      const answer = capture.answer();
      if (!reads || !answer || answer.status !== 200 || notes.client !== reads.owner) return;
      const type = String(answer.headers['content-type'] ?? '');
      if (!/json/i.test(type)) return;
      this.kept.set(key, { ...reads, ...answer, operation: notes.operation });
      if (this.kept.size > this.capacity) this.kept.delete(this.kept.keys().next().value as string);
    };
  }

  private async ownerOf(req: http.IncomingMessage): Promise<string | null> {
    try {
      return (await this.opts.authenticate(req.headers.authorization ?? null))?.owner ?? null;
    } catch {
      // yoga's authentication answers (and reports) the fault.
      return null;
    }
  }

  private async stillValid(hit: Kept, owner: string): Promise<boolean> {
    if (owner !== hit.owner) return false;
    for (const r of hit.reads) {
      if ((await this.opts.service.get(hit.owner, r.id)) !== r.gen) return false;
    }
    return true;
  }

  /** Records what yoga writes on `res`: its headers, status and body (bounded). */
  private capture(res: http.ServerResponse): { done: Promise<void>; answer(): { status: number; headers: http.OutgoingHttpHeaders; body: Buffer } | null } {
    const before = new Set(res.getHeaderNames());
    const chunks: Buffer[] = [];
    let size = 0;
    let complete = false;
    let headArg: http.OutgoingHttpHeaders | null = null;
    const limit = this.maxAnswerBytes;
    const collect = (chunk: unknown, encoding?: unknown): void => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function' || size > limit) return;
      const b = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
      size += b.length;
      if (size <= limit) chunks.push(b);
    };
    const { write, end, writeHead } = res;
    res.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
      const last = args.at(-1);
      if (last && typeof last === 'object' && !Array.isArray(last)) headArg = last as http.OutgoingHttpHeaders;
      return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
    } as typeof res.writeHead;
    res.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
      collect(chunk, rest[0]);
      return (write as (...a: unknown[]) => boolean).apply(this, [chunk, ...rest]);
    } as typeof res.write;
    const done = new Promise<void>((resolve) => {
      res.once('close', resolve);
      res.once('finish', resolve);
    });
    res.end = function (this: http.ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      collect(chunk, rest[0]);
      complete = true;
      return (end as (...a: unknown[]) => http.ServerResponse).apply(this, [chunk, ...rest]);
    } as typeof res.end;
    return {
      done,
      answer: () => {
        res.writeHead = writeHead;
        res.write = write;
        res.end = end;
        if (!complete || size > limit || res.statusCode !== 200) return null;
        const headers: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(res.getHeaders())) if (!before.has(name) && value !== undefined) headers[name] = value;
        if (headArg) for (const [name, value] of Object.entries(headArg as Record<string, unknown>)) headers[name.toLowerCase()] = value as string;
        return { status: res.statusCode, headers, body: Buffer.concat(chunks, size) };
      },
    };
  }
}

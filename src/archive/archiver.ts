/**
 * Keeps a copy of every finished video, because provider URLs expire and a paid video must not
 * be lost. Downloads are streamed to disk (never held whole in memory), limited in size, checked
 * for a video content type, and retried with backoff. A failed download never changes the
 * generation's status; until it succeeds, `url` stays the provider's.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { GenerationStore } from '../domain/ports.js';
import type { Generation } from '../domain/generation.js';
import { needsArchiving } from '../domain/predicates.js';
import { computeBackoff } from '../lib/backoff.js';
import { withSpan, type SpanNotes } from '../lib/tracing.js';

export interface ArchiverOptions {
  /** Directory the copies go to (DATA_DIR/videos, or ARCHIVE_DIR in cluster mode). */
  dir: string;
  store: GenerationStore;
  logger: Logger;
  /** Largest file accepted. @default 524288000 (500 MiB) */
  maxBytes?: number;
  /** Deadline of one download attempt. @default 300000 (5 min) */
  timeoutMs?: number;
  /** Attempts before giving up until the next start-up. @default 8 */
  maxAttempts?: number;
  /** First retry delay ceiling; doubles per attempt. @default 2000 */
  retryBaseMs?: number;
  /** @default 300000 (5 min) */
  retryMaxMs?: number;
  fetch?: typeof globalThis.fetch;
  random?: () => number;
  /** Called after each attempt (metrics). */
  onAttempt?: (info: { id: string; ok: boolean; attempt: number; error?: string }) => void;
}

/**
 * The name of a video's archive slot: the generation id (base64url) and 128 random bits, so the
 * gateway's URL for a video can be resolved to its generation before the file exists, and
 * cannot be guessed from the id.
 */
export function archiveNameFor(gen: Pick<Generation, 'id'>): string {
  return `${Buffer.from(gen.id, 'utf8').toString('base64url')}.${randomBytes(16).toString('base64url')}.mp4`;
}

/** The generation id an archive slot name was made for, or null when it is not such a name. */
export function generationIdOfArchiveName(name: string): string | null {
  const m = /^([A-Za-z0-9_-]{1,1400})\.([A-Za-z0-9_-]{22})\.mp4$/.exec(name);
  if (!m?.[1]) return null;
  const id = Buffer.from(m[1], 'base64url').toString('utf8');
  return id.length > 0 && Buffer.from(id, 'utf8').toString('base64url') === m[1] ? id : null;
}

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

/** Content types a video host plausibly answers; anything else (an HTML error page) is refused. */
function acceptableType(type: string | null): boolean {
  if (!type) return true;
  const t = type.split(';')[0]?.trim().toLowerCase() ?? '';
  return t.startsWith('video/') || t === 'application/octet-stream' || t === 'binary/octet-stream';
}

export class Archiver {
  private readonly pending = new Map<string, NodeJS.Timeout | null>();
  private readonly controllers = new Set<AbortController>();
  private stopped = false;
  /** Counters for metrics and tests. */
  readonly stats = { attempts: 0, failures: 0, archived: 0 };
  private readonly fetchImpl: typeof globalThis.fetch;

  constructor(private readonly opts: ArchiverOptions) {
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
  }

  get queued(): number {
    return this.pending.size;
  }

  /** Archives a completed generation's video unless it already is (or is being) archived. */
  enqueue(gen: Generation, attempt = 1): void {
    if (this.stopped || !needsArchiving(gen)) return;
    if (this.pending.has(gen.id) && attempt === 1) return;
    this.pending.set(gen.id, null);
    void this.run(gen.id, attempt);
  }

  /** One attempt, in a span linked to the generation's creation (lib/tracing.ts). */
  private run(id: string, attempt: number): Promise<void> {
    return withSpan('archive.attempt', { 'cinegraph.generation.id': id, 'cinegraph.archive.attempt': attempt }, (span) => this.runAttempt(id, attempt, span));
  }

  private async runAttempt(id: string, attempt: number, span: SpanNotes): Promise<void> {
    let error: string | undefined;
    try {
      const gen = await this.opts.store.get(id);
      span.linkTo(gen?.traceparent);
      if (!gen?.video || !needsArchiving(gen)) {
        this.pending.delete(id);
        return;
      }
      const sourceUrl = gen.video.providerUrl ?? gen.video.url;
      const file = await this.download(sourceUrl, gen.video.archiveName ?? null);
      // Re-read before writing: only the video field changes, and only on a terminal generation.
      const latest = (await this.opts.store.get(id)) ?? gen;
      if (latest.video) {
        await this.opts.store.save({
          ...latest,
          video: { ...latest.video, providerUrl: sourceUrl, archivedFile: file.name, fileSize: file.size },
          updatedAt: Date.now(),
        });
      }
      this.opts.logger.info({ generationId: id, bytes: file.size }, 'video archived');
      this.stats.attempts++;
      this.stats.archived++;
      this.opts.onAttempt?.({ id, ok: true, attempt });
      span.setAttributes({ 'cinegraph.archive.outcome': 'ok', 'cinegraph.archive.bytes': file.size });
      this.pending.delete(id);
      return;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    this.stats.attempts++;
    this.stats.failures++;
    this.opts.onAttempt?.({ id, ok: false, attempt, error });
    span.setAttributes({ 'cinegraph.archive.outcome': 'failed', 'cinegraph.archive.error': error ?? 'unknown' });
    if (this.stopped) return;
    const max = this.opts.maxAttempts ?? 8;
    if (attempt >= max) {
      this.opts.logger.error({ generationId: id, attempt, err: error }, 'video archive failed; giving up until the next start-up');
      this.pending.delete(id);
      return;
    }
    const delay = Math.max(
      50,
      computeBackoff(attempt, {
        baseMs: this.opts.retryBaseMs ?? 2000,
        maxMs: this.opts.retryMaxMs ?? 300_000,
        random: this.opts.random ?? Math.random,
      }),
    );
    this.opts.logger.warn({ generationId: id, attempt, retryInMs: delay, err: error }, 'video archive failed; will retry');
    const timer = setTimeout(() => {
      void this.run(id, attempt + 1);
    }, delay);
    timer.unref();
    this.pending.set(id, timer);
  }

  private async download(url: string, slot: string | null): Promise<{ name: string; size: number }> {
    const max = this.opts.maxBytes ?? 500 * 1024 * 1024;
    await mkdir(this.opts.dir, { recursive: true });
    const ac = new AbortController();
    this.controllers.add(ac);
    const timer = setTimeout(() => ac.abort(new ArchiveError('download timed out')), this.opts.timeoutMs ?? 300_000);
    const name = slot ?? `${randomUUID()}.mp4`;
    const final = path.join(this.opts.dir, name);
    const partial = `${final}.part`;
    try {
      const res = await this.fetchImpl(url, { signal: ac.signal, redirect: 'follow' });
      if (!res.ok || !res.body) {
        await res.body?.cancel().catch(() => undefined);
        throw new ArchiveError(`download answered HTTP ${res.status}`);
      }
      const type = res.headers.get('content-type');
      if (!acceptableType(type)) {
        await res.body.cancel().catch(() => undefined);
        throw new ArchiveError(`download is not a video (content-type ${type})`);
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > max) {
        await res.body.cancel().catch(() => undefined);
        throw new ArchiveError(`video is ${declared} bytes, over the ${max}-byte limit`);
      }
      let size = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (size > max) cb(new ArchiveError(`video exceeds the ${max}-byte limit`));
          else cb(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(res.body as never), limit, createWriteStream(partial, { flags: 'wx' }));
      if (size === 0) throw new ArchiveError('download was empty');
      await rename(partial, final);
      return { name, size };
    } catch (err) {
      await rm(partial, { force: true }).catch(() => undefined);
      throw err instanceof ArchiveError ? err : new ArchiveError(err instanceof Error ? err.message : String(err));
    } finally {
      clearTimeout(timer);
      this.controllers.delete(ac);
    }
  }

  /** Stops retries and aborts downloads in flight (their partial files are removed). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.pending.values()) if (t) clearTimeout(t);
    this.pending.clear();
    for (const ac of this.controllers) ac.abort(new ArchiveError('gateway stopping'));
  }
}

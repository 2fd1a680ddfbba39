/**
 * The AI/ML API client (docs/provider.md), built on ofetch. Two rules shape it:
 *
 * - A create costs money, so a create that may have reached the provider is never sent twice.
 *   The one automatic retry is a refused connection (ECONNREFUSED): nothing was sent.
 * - A read is idempotent, so transient faults (timeouts, connection faults, 408/429/5xx,
 *   unreadable 2xx bodies) are retried with full-jitter backoff, honouring Retry-After.
 *
 * Every failure surfaces as an UpstreamError that names method, path (never a full URL) and
 * status and carries the provider's message, and never the API key: ofetch's FetchError keeps
 * the request options (headers included) reachable, so it is never passed on as a cause.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { createFetch, ofetch } from 'ofetch';
import type { $Fetch } from 'ofetch';
import { computeBackoff, parseRetryAfter } from '../lib/backoff.js';
import { UpstreamError } from './errors.js';
import type { UpstreamFailureKind } from './errors.js';
import { WireFormatError, normalizeErrorBody, normalizeGeneration } from './normalize.js';
import { GENERATION_PATH, PIXVERSE_MODEL } from './wire.js';
import type { CreateRequestBody, ProviderGeneration, UpstreamClient } from './wire.js';

export type UpstreamOperation = 'create' | 'read';

/**
 * How one HTTP attempt ended: 'ok', `http_<status>` for a non-2xx answer, 'timeout', 'network'
 * (refused, reset, dropped), 'parse' (a 2xx body that is not a generation), or 'aborted' (the
 * caller's signal fired).
 */
export type UpstreamOutcome = 'ok' | `http_${number}` | 'timeout' | 'network' | 'parse' | 'aborted';

export interface UpstreamRequestInfo {
  operation: UpstreamOperation;
  outcome: UpstreamOutcome;
  /** HTTP status when an answer arrived, else null. */
  status: number | null;
  durationMs: number;
  /** 1 for the first attempt of a call, 2 for its first retry, … */
  attempt: number;
}

export interface UpstreamRetryInfo {
  operation: UpstreamOperation;
  /** The number of the attempt about to be made (2 for the first retry). */
  attempt: number;
  delayMs: number;
  /** Why the previous attempt failed. */
  error: UpstreamError;
}

export interface UpstreamClientOptions {
  /** The provider's base URL, e.g. `https://api.aimlapi.com` (a path prefix is kept). */
  baseUrl: string;
  /** The AI/ML API key, sent as `Authorization: Bearer <key>`; surrounding whitespace is trimmed. */
  apiKey: string;
  /**
   * Deadline of one create request, from sending until the whole answer is read.
   * @default 30_000 // 30 s
   */
  createTimeoutMs?: number;
  /**
   * Deadline of one read attempt, from sending until the whole answer is read.
   * @default 10_000 // 10 s
   */
  readTimeoutMs?: number;
  /**
   * Retries of a read after a transient fault (so at most `readRetries + 1` requests).
   * @default 4
   */
  readRetries?: number;
  /**
   * Retries of a create whose connection was refused (ECONNREFUSED: nothing was sent, so no
   * double charge is possible). No other create failure is ever retried.
   * @default 2
   */
  createConnectRetries?: number;
  /**
   * Ceiling of the first retry's delay; doubles per retry (full jitter picks in [0, ceiling]).
   * @default 250
   */
  retryBaseDelayMs?: number;
  /**
   * Longest delay between retries, Retry-After included.
   * @default 10_000 // 10 s
   */
  retryMaxDelayMs?: number;
  /**
   * Jitter source in [0, 1).
   * @default Math.random
   */
  random?: () => number;
  /**
   * Waits between retries; must settle early (or be left behind) when the signal aborts.
   * @default node:timers/promises setTimeout with the signal (rejects on abort)
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The fetch implementation ofetch uses (e.g. one bound to an undici dispatcher).
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /** Called after every HTTP attempt (for metrics and logs). Exceptions it throws are ignored. */
  onRequest?: (info: UpstreamRequestInfo) => void;
  /** Called before every automatic retry, with the delay about to be slept. Exceptions are ignored. */
  onRetry?: (info: UpstreamRetryInfo) => void;
}

/** Network error codes raised before a single byte of the request was written. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** A sanitised stand-in for a transport error: its name, code and message, nothing else. */
export class UpstreamTransportError extends Error {
  override readonly name: string;
  readonly code: string | null;
  constructor(name: string, message: string, code: string | null) {
    super(message);
    this.name = name;
    this.code = code;
  }
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** Node's own abortable timer: it rejects (with an AbortError) as soon as the signal aborts. */
function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepFor(ms, undefined, signal ? { signal } : {});
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    // The loser's rejection (a sleep that also saw the abort) must not go unhandled.
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function errorProps(value: unknown): { name: string | null; message: string | null; code: string | null } {
  if (typeof value !== 'object' || value === null) return { name: null, message: null, code: null };
  const v = value as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof v.name === 'string' ? v.name : null,
    message: typeof v.message === 'string' ? v.message : null,
    code: typeof v.code === 'string' ? v.code : null,
  };
}

/**
 * Walks an error's cause chain (and AggregateError members) for its messages and the first
 * system error code. ofetch's FetchError is skipped: its message holds the full URL.
 */
function inspectTransportError(err: unknown): { name: string; messages: string[]; code: string | null } {
  const messages: string[] = [];
  let code: string | null = null;
  let name: string | null = null;
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 16) {
    const current = queue.shift();
    if (current === undefined || current === null || seen.has(current)) continue;
    seen.add(current);
    const props = errorProps(current);
    if (props.name !== 'FetchError') {
      name ??= props.name;
      if (props.message) messages.push(props.message);
    }
    code ??= props.code;
    if (typeof current === 'object') {
      const c = current as { cause?: unknown; errors?: unknown };
      if (Array.isArray(c.errors)) queue.push(...(c.errors as unknown[]));
      queue.push(c.cause);
    }
  }
  return { name: name ?? 'Error', messages, code };
}

function clampNonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const apiKey = options.apiKey.trim();
  if (apiKey === '') throw new TypeError('createUpstreamClient: apiKey is empty');
  // A key with control characters would make undici throw an error that quotes the header value.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new TypeError('createUpstreamClient: apiKey contains characters not allowed in an HTTP header');
  }
  // Fail at construction, not at the first request; the URL holds no secret.
  new URL(options.baseUrl);

  const createTimeoutMs = clampNonNegative(options.createTimeoutMs, 30_000);
  const readTimeoutMs = clampNonNegative(options.readTimeoutMs, 10_000);
  const readRetries = Math.floor(clampNonNegative(options.readRetries, 4));
  const createConnectRetries = Math.floor(clampNonNegative(options.createConnectRetries, 2));
  const baseMs = clampNonNegative(options.retryBaseDelayMs, 250);
  const maxMs = clampNonNegative(options.retryMaxDelayMs, 10_000);
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;

  const defaults = {
    baseURL: options.baseUrl,
    headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' },
    // Retries are decided here, per operation; ofetch's own would resend creates on 5xx.
    retry: false as const,
    // Non-2xx answers are read and classified here, not turned into FetchErrors.
    ignoreResponseError: true,
  };
  const $fetch: $Fetch = options.fetch ? createFetch({ fetch: options.fetch, defaults }) : ofetch.create(defaults);

  const redact = (text: string): string => text.split(apiKey).join('[redacted]');

  const report = (info: UpstreamRequestInfo): void => {
    try {
      options.onRequest?.(info);
    } catch {
      // Metrics and logging must never change the outcome of a provider call.
    }
  };
  const reportRetry = (info: UpstreamRetryInfo): void => {
    try {
      options.onRetry?.(info);
    } catch {
      // As above.
    }
  };

  interface AttemptSpec {
    operation: UpstreamOperation;
    method: 'GET' | 'POST';
    path: string;
    body?: Record<string, unknown>;
    requestId?: string;
    timeoutMs: number;
    signal?: AbortSignal;
  }

  /**
   * One HTTP exchange. Resolves with any answer (2xx or not) whose body was fully read; rejects
   * with an UpstreamError for timeouts and transport faults, or with the caller's abort reason.
   *
   * The deadline is our own AbortController rather than ofetch's `timeout`: ofetch clears its
   * timer once headers arrive (a body that stalls would hang forever) and ignores `timeout`
   * altogether when a signal is passed.
   */
  async function exchange(spec: AttemptSpec): Promise<Answer> {
    const controller = new AbortController();
    let timedOut = false;
    // Built only when the deadline passes: an Error captures a stack trace, which every
    // successful request would otherwise pay for.
    let timeoutError: UpstreamTransportError | null = null;
    const timer = setTimeout(() => {
      timedOut = true;
      timeoutError = new UpstreamTransportError('TimeoutError', `no complete answer within ${spec.timeoutMs} ms`, null);
      controller.abort(timeoutError);
    }, spec.timeoutMs);
    const onAbort = (): void => controller.abort(spec.signal?.reason);
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const headers: Record<string, string> = {};
      if (spec.requestId !== undefined) headers['X-Request-Id'] = spec.requestId;
      const response = await $fetch.raw<string, 'text'>(spec.path, {
        method: spec.method,
        headers,
        responseType: 'text',
        signal: controller.signal,
        ...(spec.body !== undefined ? { body: spec.body } : {}),
      });
      return { status: response.status, headers: response.headers, text: response._data ?? '' };
    } catch (err) {
      if (spec.signal?.aborted && !timedOut) throw spec.signal.reason;
      const info = inspectTransportError(err);
      const notSent = info.code !== null && NOT_SENT_CODES.has(info.code);
      const kind: UpstreamFailureKind = timedOut || info.code === 'UND_ERR_CONNECT_TIMEOUT' ? 'timeout' : 'network';
      const cause = timeoutError
        ? timeoutError
        : new UpstreamTransportError(info.name, redact(info.messages.join(': ') || 'request failed'), info.code);
      throw new UpstreamError({
        kind,
        method: spec.method,
        path: spec.path,
        status: null,
        // A read that reached the provider is harmless, but say so truthfully all the same.
        mayHaveReachedProvider: !notSent,
        cause,
      });
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    }
  }

  function httpError(spec: AttemptSpec, answer: Answer): UpstreamError {
    let parsed: unknown = null;
    try {
      parsed = answer.text === '' ? null : JSON.parse(answer.text);
    } catch {
      // An HTML error page from a proxy, say: the status alone tells the story.
    }
    const info = normalizeErrorBody(parsed);
    return new UpstreamError({
      kind: 'http',
      method: spec.method,
      path: spec.path,
      status: answer.status,
      providerMessage: info.message === null ? null : redact(info.message),
      requestId: info.requestId ?? answer.headers.get('x-request-id'),
      retryAfterMs: parseRetryAfter(answer.headers.get('retry-after')),
      // A 4xx is the provider refusing: no generation exists. A 5xx may come after the work
      // was accepted (a gateway timing out in front of a busy backend), so it may exist.
      mayHaveReachedProvider: spec.operation === 'read' || answer.status >= 500,
    });
  }

  function parseError(spec: AttemptSpec, answer: Answer, err: unknown): UpstreamError {
    const reason = err instanceof WireFormatError ? err.message : 'the body is not JSON';
    return new UpstreamError({
      kind: 'parse',
      method: spec.method,
      path: spec.path,
      status: answer.status,
      providerMessage: null,
      requestId: answer.headers.get('x-request-id'),
      // The provider answered 2xx: for a create the generation probably exists.
      mayHaveReachedProvider: true,
      cause: new UpstreamTransportError('WireFormatError', reason, null),
    });
  }

  /** One attempt, end to end: exchange, classify, normalise, report. */
  async function attemptOnce(spec: AttemptSpec, attempt: number): Promise<ProviderGeneration> {
    const started = performance.now();
    const done = (outcome: UpstreamOutcome, status: number | null): void =>
      report({ operation: spec.operation, outcome, status, durationMs: performance.now() - started, attempt });
    let answer: Answer;
    try {
      answer = await exchange(spec);
    } catch (err) {
      if (err instanceof UpstreamError) done(err.kind === 'timeout' ? 'timeout' : 'network', null);
      else done('aborted', null);
      throw err;
    }
    if (answer.status < 200 || answer.status > 299) {
      done(`http_${answer.status}`, answer.status);
      throw httpError(spec, answer);
    }
    try {
      const generation = normalizeGeneration(JSON.parse(answer.text));
      done('ok', answer.status);
      return generation;
    } catch (err) {
      done('parse', answer.status);
      throw parseError(spec, answer, err);
    }
  }

  async function pause(operation: UpstreamOperation, attempt: number, error: UpstreamError, delayMs: number, signal?: AbortSignal): Promise<void> {
    reportRetry({ operation, attempt, delayMs, error });
    if (signal?.aborted) throw signal.reason;
    await raceAbort(sleep(delayMs, signal), signal);
    if (signal?.aborted) throw signal.reason;
  }

  function buildCreateBody(body: Omit<CreateRequestBody, 'model'> & { model?: CreateRequestBody['model'] }): Record<string, unknown> {
    const out: Record<string, unknown> = { model: body.model ?? PIXVERSE_MODEL };
    for (const [key, value] of Object.entries(body)) {
      if (key === 'model' || value === undefined || value === null) continue;
      // The provider wants a number; a numeric string slipping through would be rejected.
      out[key] = key === 'duration' && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    }
    return out;
  }

  return {
    async create(body, callOptions) {
      const spec: AttemptSpec = {
        operation: 'create',
        method: 'POST',
        path: GENERATION_PATH,
        body: buildCreateBody(body),
        timeoutMs: createTimeoutMs,
        ...(callOptions?.requestId !== undefined ? { requestId: callOptions.requestId } : {}),
      };
      for (let attempt = 1; ; attempt++) {
        try {
          return await attemptOnce(spec, attempt);
        } catch (err) {
          // Only a refused connection is provably unsent; everything else may have cost money.
          const refused =
            err instanceof UpstreamError &&
            err.kind === 'network' &&
            err.cause instanceof UpstreamTransportError &&
            err.cause.code === 'ECONNREFUSED';
          if (!refused || attempt > createConnectRetries) throw err;
          await pause('create', attempt + 1, err, computeBackoff(attempt, { baseMs, maxMs, random }));
        }
      }
    },

    async read(id, callOptions) {
      const signal = callOptions?.signal;
      if (signal?.aborted) throw signal.reason;
      const spec: AttemptSpec = {
        operation: 'read',
        method: 'GET',
        // Built by hand: ids hold ':' and '/', which generic query builders leave unencoded.
        path: `${GENERATION_PATH}?generation_id=${encodeURIComponent(id)}`,
        timeoutMs: readTimeoutMs,
        ...(callOptions?.requestId !== undefined ? { requestId: callOptions.requestId } : {}),
        ...(signal !== undefined ? { signal } : {}),
      };
      for (let attempt = 1; ; attempt++) {
        try {
          return await attemptOnce(spec, attempt);
        } catch (err) {
          if (!(err instanceof UpstreamError) || !err.transient || attempt > readRetries) throw err;
          const delayMs =
            err.retryAfterMs !== null ? Math.min(err.retryAfterMs, maxMs) : computeBackoff(attempt, { baseMs, maxMs, random });
          await pause('read', attempt + 1, err, delayMs, signal);
        }
      }
    },
  };
}

/**
 * One webhook attempt over HTTP: a POST with the signed headers, bounded in time as a whole
 * (connect, send, answer and body), redirects never followed, the connection made only to an
 * address the policy allows (checked in `lookup`, on the address actually dialled).
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { parseRetryAfter } from '../lib/backoff.js';
import { guardedLookup, isBlockedAddress, type AddressPolicy } from './address.js';

export type SendOutcome =
  /** A 2xx answer. */
  | 'delivered'
  /** 410 Gone: the receiver asks for no more deliveries. */
  | 'gone'
  /** Any other status, redirects included. */
  | 'http_error'
  | 'timeout'
  /** No answer: refused, reset, DNS failure, TLS failure. */
  | 'network'
  /** The address is not allowed (loopback, private, link-local), or the scheme. */
  | 'refused'
  /** Stopped by the gateway's shutdown. */
  | 'aborted';

export interface SendResult {
  outcome: SendOutcome;
  statusCode: number | null;
  /** What went wrong, in one line (never a header or the body). */
  error: string | null;
  retryAfterMs: number | null;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  policy: AddressPolicy;
  signal?: AbortSignal;
  agents?: { http: http.Agent; https: https.Agent };
}

/** Most of an answer's body that is read (then the connection is dropped): receivers owe us none. */
const MAX_ANSWER_BYTES = 64 * 1024;

export function createAgents(maxSockets: number): { http: http.Agent; https: https.Agent } {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
  };
}

export function postWebhook(target: string, headers: Record<string, string>, body: string, opts: SendOptions): Promise<SendResult> {
  const started = Date.now();
  const done = (outcome: SendOutcome, statusCode: number | null, error: string | null, retryAfterMs: number | null = null): SendResult => ({
    outcome,
    statusCode,
    error,
    retryAfterMs,
    durationMs: Date.now() - started,
  });
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.resolve(done('refused', null, 'the endpoint URL is not valid'));
  }
  const secure = url.protocol === 'https:';
  if (!secure && !(url.protocol === 'http:' && opts.policy.allowPrivate)) {
    return Promise.resolve(done('refused', null, `${url.protocol} endpoints are not allowed`));
  }
  // An address literal is dialled without a lookup: check it here.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!opts.policy.allowPrivate && isIP(host) && isBlockedAddress(host)) {
    return Promise.resolve(done('refused', null, `${host} is a loopback, private or link-local address`));
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: SendResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const payload = Buffer.from(body, 'utf8');
    const req = (secure ? https : http).request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(payload.length) },
      lookup: guardedLookup(opts.policy),
      ...(opts.agents ? { agent: secure ? opts.agents.https : opts.agents.http } : {}),
    });
    const timer = setTimeout(() => {
      finish(done('timeout', null, `no complete answer within ${opts.timeoutMs} ms`));
      req.destroy();
    }, opts.timeoutMs);
    const onAbort = (): void => {
      finish(done('aborted', null, 'interrupted by the gateway shutting down'));
      req.destroy();
    };
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'UnsafeWebhookUrl') finish(done('refused', null, err.message));
      else finish(done('network', null, `${err.code ?? err.name}: ${err.message}`.replace(/\s+/g, ' ').slice(0, 300)));
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      const settle = (): void => {
        if (status >= 200 && status < 300) finish(done('delivered', status, null));
        else if (status === 410) finish(done('gone', status, 'HTTP 410 Gone: the receiver asked for no more deliveries'));
        else {
          const why = status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
          const retryAfter = parseRetryAfter(res.headers['retry-after'] ?? null);
          finish(done('http_error', status, why, retryAfter));
        }
      };
      res.on('end', settle);
      // The status is what counts; an answer cut short after it still says it.
      res.on('close', settle);
      res.on('error', () => undefined);
    });
    req.end(payload);
  });
}

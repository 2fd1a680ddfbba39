/**
 * A small `fetch` over node:http(s) with keep-alive agents, for the provider client (passed as
 * its `fetch` option). The provider client only needs what ofetch uses: method, headers, a
 * string body, an abort signal, and back a status, headers and a text body. WHATWG fetch
 * (undici) builds Request objects, web streams and abort plumbing per call, which profiled at
 * about half of the gateway's CPU per poll; this does one http.request.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpFetchOptions {
  /** Open connections per provider origin. @default 256 */
  maxSockets?: number;
}

export function createHttpFetch(opts: HttpFetchOptions = {}): typeof globalThis.fetch {
  const maxSockets = opts.maxSockets ?? 256;
  // Idle pooled sockets are closed after 4 s, before a server's own keep-alive timeout (Node's
  // default is 5 s) can close one just as it is reused, which surfaces as ECONNRESET.
  const agentOptions = { keepAlive: true, maxSockets, timeout: 4_000 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  const httpFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError(`unsupported protocol ${url.protocol}`));
        return;
      }
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => (headers[k] = v));
      const body = init.body == null ? undefined : typeof init.body === 'string' ? init.body : String(init.body);
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol] }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 0;
          const noBody = status === 204 || status === 205 || status === 304;
          resolve(new Response(noBody ? null : Buffer.concat(chunks).toString('utf8'), { status, headers: h }));
        });
      });
      const onAbort = (): void => {
        req.destroy();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      });
      req.end(body);
    });
  return httpFetch as typeof globalThis.fetch;
}

/**
 * Compresses yoga's whole answers (GraphQL results as JSON, errors) with brotli or gzip when
 * the client accepts one and the body is at least 1 KiB (compress.ts). Streams are left alone:
 * an SSE subscription (text/event-stream) or an incremental multipart answer must reach the
 * client event by event, never buffered.
 */
import type { Plugin } from 'graphql-yoga';
import { compressBody, isCompressibleType, MIN_COMPRESSIBLE_BYTES, negotiateEncoding, varyOnAcceptEncoding } from '../compress.js';

export function useResponseCompression(): Plugin {
  return {
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (!response.body || response.headers.has('content-encoding') || !isCompressibleType(response.headers.get('content-type'))) return;
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared < MIN_COMPRESSIBLE_BYTES) return;
      const vary = varyOnAcceptEncoding(response.headers.get('vary') ?? undefined);
      const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
      if (!encoding) {
        // The answer would differ for a client accepting br or gzip: caches must know.
        response.headers.set('vary', vary);
        return;
      }
      const body = Buffer.from(await response.arrayBuffer());
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('vary', vary);
      let payload: Buffer = body;
      if (body.length >= MIN_COMPRESSIBLE_BYTES) {
        payload = await compressBody(body, encoding, 'dynamic');
        headers.set('content-encoding', encoding);
      }
      headers.set('content-length', String(payload.length));
      setResponse(new fetchAPI.Response(new Uint8Array(payload), { status: response.status, statusText: response.statusText, headers }));
    },
  };
}

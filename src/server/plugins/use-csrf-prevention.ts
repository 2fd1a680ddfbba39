/**
 * A cross-site page can send "simple" requests without a CORS preflight: a form post, or a
 * text/plain body. GraphQL POSTs must be JSON (which forces a preflight), or carry a custom
 * header. GET stays open: yoga refuses mutations over GET, and EventSource can only GET.
 *
 * An HTTP-level plugin: it does not run for graphql-ws operations, which a browser cannot send
 * cross-site without the page's own script.
 */
import type { Plugin } from 'graphql-yoga';

/** Content types a browser sends cross-site without asking first. */
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

export interface CsrfPreventionOptions {
  /**
   * Headers any one of which lets a non-JSON POST through (a GraphQL multipart upload is
   * `multipart/form-data`, a "simple" type). Apollo Client's upload link and Apollo Server send
   * `apollo-require-preflight`. @default ['x-graphql-csrf', 'apollo-require-preflight']
   */
  headers?: readonly string[];
}

export function useCsrfPrevention(options: CsrfPreventionOptions = {}): Plugin {
  const headers = options.headers ?? ['x-graphql-csrf', 'apollo-require-preflight'];
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if ((type === '' || SIMPLE_TYPES.includes(type)) && !headers.some((h) => request.headers.has(h))) {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({
              errors: [
                {
                  message: 'POST bodies must be application/json (or send an X-GraphQL-CSRF header)',
                  extensions: { code: 'BAD_REQUEST' },
                },
              ],
            }),
            { status: 403, headers: { 'content-type': 'application/json' } },
          ),
        );
      }
    },
  };
}

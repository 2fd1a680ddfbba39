/**
 * Authentication before any GraphQL work. A request that reaches yoga without a valid credential
 * is answered 401 UNAUTHENTICATED from `onRequest`, the first hook yoga runs: its body is never
 * read, its document never parsed or validated, and nothing about it but the one request line is
 * logged. Without this, an anonymous caller would get validation errors (and with them the
 * schema's names) for any document it sends, and only a valid document would meet the context
 * factory's 401.
 *
 * yoga's own CORS preflight and GraphiQL page answer before this hook (they are registered ahead
 * of user plugins): a browser may load GraphiQL without a token, and enters its token there.
 *
 * An HTTP-level plugin: WebSocket connections authenticate once, in graphql-ws's `onConnect`
 * (ws.ts), before any operation message is read.
 */
import type { Plugin } from 'graphql-yoga';
import type { Authenticator, Principal } from '../auth.js';

export interface AuthenticationOptions {
  /** The gateway's authenticator (auth.ts): who the credential names, or null when nobody. */
  authenticate: Authenticator;
  /** The realm named in `WWW-Authenticate`. @default 'cinegraph' */
  realm?: string;
  /** Told when the authenticator itself fails (a fault of the gateway, not the caller's). */
  onError?: (err: unknown) => void;
}

export const UNAUTHENTICATED_MESSAGE = 'A valid gateway token is required: send "Authorization: Bearer <token>"';

export function useAuthentication(options: AuthenticationOptions): Plugin {
  const realm = options.realm ?? 'cinegraph';
  return {
    async onRequest({ request, serverContext, endResponse, fetchAPI }) {
      if (request.method === 'OPTIONS') return;
      let who;
      try {
        who = await options.authenticate(request.headers.get('authorization'));
      } catch (err) {
        options.onError?.(err);
        endResponse(answer(fetchAPI, 500, { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }));
        return;
      }
      if (who !== null) {
        // The context factory (yoga.ts) takes it from here instead of verifying the token again.
        (serverContext as { requestPrincipal?: Principal }).requestPrincipal = who;
        return;
      }
      // RFC 6750: a request without a valid token gets the scheme and realm, and no detail.
      endResponse(
        answer(fetchAPI, 401, { message: UNAUTHENTICATED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }, { 'www-authenticate': `Bearer realm="${realm}"` }),
      );
    },
  };
}

function answer(
  fetchAPI: { Response: typeof Response },
  status: number,
  error: { message: string; extensions: { code: string } },
  headers: Record<string, string> = {},
): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [error] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

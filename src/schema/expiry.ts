/**
 * A subscription whose caller's token expires ends there. On a WebSocket the socket itself is
 * closed at expiry (4403, src/server/ws.ts), so the client signs in again and reconnects; an SSE
 * or multipart stream has no socket of its own to close, so the stream ends with an
 * UNAUTHENTICATED error instead, and the client subscribes again with a fresh token.
 */
import { GraphQLError } from 'graphql';

/** setTimeout's longest delay (about 24.8 days); a token living longer needs no timer. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export function tokenExpired(): GraphQLError {
  return new GraphQLError('The token has expired: sign in again and subscribe anew', { extensions: { code: 'UNAUTHENTICATED' } });
}

/** Passes `source` through until `expiresAt` (epoch ms), then ends it with `tokenExpired()`. */
export async function* untilExpiry<T>(source: AsyncIterable<T>, expiresAt: number, now: () => number = Date.now): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const wait = expiresAt - now();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    if (wait <= LONGEST_TIMER_MS) timer = setTimeout(() => resolve('expired'), Math.max(0, wait));
  });
  try {
    for (;;) {
      const next = await Promise.race([it.next(), expired]);
      if (next === 'expired') throw tokenExpired();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    // Not awaited: an async generator's return() waits for its pending next(), which may be far
    // off; the source is told to stop, and the stream ends now.
    void Promise.resolve(it.return?.()).catch(() => undefined);
  }
}

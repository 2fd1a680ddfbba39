/**
 * Where yoga's own log calls go. yoga logs at error level every error its masking step replaced
 * (graphql-yoga's `maskError` wrapper: "the masked error differs from the original"). Here that
 * is every error a client caused and got a code for (a bad variable, a NOT_FOUND subscription, a
 * document over a limit), printed with the document text around it, prompts included. The
 * gateway's masking (errors.ts `createMaskError`) already logs each unexpected error itself, at
 * error level and with its stack, so yoga's copy of an error object says nothing new: it goes
 * to debug. Anything else yoga reports at error level stays at error level.
 */
import type { Logger } from 'pino';

export interface YogaLogging {
  debug: (...args: unknown[]) => void;
  info: (...args: unknown[]) => void;
  warn: (...args: unknown[]) => void;
  error: (...args: unknown[]) => void;
}

export function yogaLogging(logger: Logger): YogaLogging {
  // yoga's chatter and the documents it prints are for debugging only.
  const debug = (...a: unknown[]): void => logger.debug({ yoga: a.map(String) }, 'yoga');
  return {
    debug,
    info: debug,
    warn: (...a: unknown[]) => logger.warn({ yoga: a.map((x) => (x instanceof Error ? x.message : String(x))) }, 'yoga'),
    error: (...a: unknown[]) => {
      if (a.length > 0 && a.every((x) => x instanceof Error)) debug(...a);
      else logger.error({ yoga: a.map(String) }, 'yoga');
    },
  };
}

/** Structured JSON logs (pino). Secrets are redacted by path as a second line of defence. */
import { pino, type DestinationStream, type Logger } from 'pino';

// `secret`: webhook signing secrets are never logged on purpose; this catches an accident.
const REDACT = ['apiKey', 'authorization', 'headers.authorization', 'req.headers.authorization', 'token', '*.apiKey', '*.token', 'secret', '*.secret', 'sealedSecret', '*.sealedSecret'];

/** Human-readable lines when a person watches the terminal; JSON lines otherwise. */
export function createLogger(level: string, destination?: DestinationStream, pretty = false): Logger {
  if (pretty && !destination) {
    return pino({
      level,
      base: { service: 'cinegraph' },
      redact: { paths: REDACT, censor: '[redacted]' },
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } },
    });
  }
  return pino(
    {
      level,
      base: { service: 'cinegraph' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: REDACT,
        censor: '[redacted]',
      },
    },
    destination,
  );
}

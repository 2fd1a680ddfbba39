/** Structured JSON logs (pino). Secrets are redacted by path as a second line of defence. */
import { pino, type DestinationStream, type Logger } from 'pino';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'cinegraph' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['apiKey', 'authorization', 'headers.authorization', 'req.headers.authorization', 'token', '*.apiKey', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

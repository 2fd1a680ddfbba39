/**
 * The one error a durable store throws when it cannot be opened. Start-up prints `message` alone
 * (one line naming the path, the cause and what to do) and exits, so no stack is needed.
 */

/** Why a store could not be opened, for callers that react differently (tests, readiness). */
export type StoreOpenFailure =
  /** The data directory cannot be created, or files cannot be written in it. */
  | 'data_dir'
  /** The database file cannot be opened at all (a directory in its place, no permission, …). */
  | 'open'
  /** The file is not a SQLite database, is corrupt, or belongs to another application. */
  | 'corrupt'
  /** The database was written by a newer version of the gateway. */
  | 'newer_version'
  /** A schema migration failed and was rolled back. */
  | 'migration';

export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';

  constructor(
    readonly reason: StoreOpenFailure,
    /** The directory or file at fault. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    // Causes from fs and SQLite are one line in practice; make sure of it.
    super(message.replace(/\s*[\r\n]+\s*/g, ' '), options);
  }
}

/** One line describing an unknown thrown value: `CODE: message` when a code is present. */
export function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const msg = err.message.replace(/\s*[\r\n]+\s*/g, ' ');
    return typeof code === 'string' && !msg.startsWith(code) ? `${code}: ${msg}` : msg;
  }
  return String(err);
}

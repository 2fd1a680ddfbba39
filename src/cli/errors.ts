/** Exit codes of the `cinegraph` command: each tells a script what kind of problem it was. */
export const ExitCode = {
  /** Done: the generation completed, or the command did what it was asked. */
  OK: 0,
  /** A bug or an answer nobody expected (INTERNAL_SERVER_ERROR, a malformed response). */
  UNEXPECTED: 1,
  /** The caller's mistake or limits: bad arguments, INVALID_INPUT, IDEMPOTENCY_CONFLICT, RATE_LIMITED, BUDGET_EXCEEDED, unknown id. */
  USER_ERROR: 2,
  /** The generation ended FAILED or TIMED_OUT. */
  GENERATION_FAILED: 3,
  /** Could not talk to the gateway (unreachable, not a GraphQL endpoint, token refused) or to its provider. */
  CONNECTION: 4,
  /** Stopped with Ctrl-C (128 + SIGINT); the generation itself goes on. */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI reports in one line (or one JSON object) and exits with. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** A machine-readable code: the gateway's `extensions.code` or userError code, or the CLI's own. */
    readonly code: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** What each `extensions.code` of a GraphQL error means for the exit code. */
export function exitCodeForGraphQLError(code: string | undefined): ExitCode {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      // The gateway is there but will not talk to us: a connection (credentials) problem.
      return ExitCode.CONNECTION;
    case 'BAD_USER_INPUT':
    case 'NOT_FOUND':
    case 'GRAPHQL_PARSE_FAILED':
    case 'GRAPHQL_VALIDATION_FAILED':
    case 'BAD_REQUEST':
    case 'OPERATION_RESOLUTION_FAILURE':
    case 'PERSISTED_QUERY_NOT_FOUND':
    case 'RATE_LIMITED':
      return ExitCode.USER_ERROR;
    case 'UPSTREAM_UNAVAILABLE':
      return ExitCode.CONNECTION;
    default:
      return ExitCode.UNEXPECTED;
  }
}

/** What each `userErrors[].code` of generateVideo means for the exit code. */
export function exitCodeForUserError(code: string): ExitCode {
  // The provider being unreachable is a connection problem one hop further: retry later (with the
  // same --idempotency-key, which makes the retry safe).
  return code === 'UPSTREAM_UNAVAILABLE' ? ExitCode.CONNECTION : ExitCode.USER_ERROR;
}

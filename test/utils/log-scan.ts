/**
 * Error-level log lines written by gateways the tests start (test/utils/gateway.ts gives every
 * gateway a logger that records them here), and the judgement of which of them a client's mistake
 * caused. The error level is for the gateway's own faults: a fault-injection test may make the
 * gateway log errors (a failing provider, a broken archive), but a bad document, a missing token,
 * an unknown id or a bad variable must never produce one. test/utils/log-scan-setup.ts checks
 * every test file's lines once the file has run.
 */
import { expect } from 'vitest';

export interface CapturedLine {
  /** The test that was running when the line was written, when known. */
  test: string | null;
  line: Record<string, unknown>;
}

/** Every error-level line written by a test gateway in this worker, oldest first. */
export const capturedErrorLines: CapturedLine[] = [];

/** A pino destination recording each line it is given. */
export const errorLineSink = {
  write(text: string): void {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    let test: string | null = null;
    try {
      test = expect.getState().currentTestName ?? null;
    } catch {
      // Outside a test (a hook, or no test runner): no name to give.
    }
    capturedErrorLines.push({ test, line });
  },
};

/**
 * What marks a line as the consequence of a client's mistake: the code of a fault a client
 * makes (README: Error codes), or the wording graphql-js, graphql-armor and the gateway use for one, or
 * the printed document text ("GraphQL request:1:3") that comes with errors about a document.
 */
const CLIENT_MISTAKE = new RegExp(
  [
    '\\b(?:GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED|BAD_REQUEST|BAD_USER_INPUT|PERSISTED_QUERY_NOT_FOUND|OPERATION_RESOLUTION_FAILURE|UNAUTHENTICATED|FORBIDDEN|NOT_FOUND)\\b',
    'Syntax Error',
    'Cannot query field',
    'Unknown (?:argument|type|directive|fragment)',
    'does not exist in',
    'got invalid value',
    'was not provided',
    'Did you mean',
    '(?:Aliases|Depth|Token|Query Cost) limit',
    'No video generation with',
    'valid gateway token',
    'Must provide query string',
    'GraphQL request:\\d',
  ].join('|'),
);

/** Error-level lines caused by a client's mistake. */
export function clientMistakeLines(lines: readonly CapturedLine[]): CapturedLine[] {
  return lines.filter(({ line }) => typeof line.level === 'number' && line.level >= 50 && CLIENT_MISTAKE.test(JSON.stringify(line)));
}

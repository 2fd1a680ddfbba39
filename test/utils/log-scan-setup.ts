/**
 * Runs before every test file (vitest `setupFiles`): once the file's tests have run, none of the
 * error-level lines its gateways logged may have been caused by a client's mistake (log-scan.ts).
 * Together, the files make this a scan of the whole test run.
 */
import { afterAll, expect } from 'vitest';
import { capturedErrorLines, clientMistakeLines } from './log-scan.js';

afterAll(() => {
  const found = clientMistakeLines(capturedErrorLines).map(({ test, line }) => ({
    test,
    msg: line.msg,
    line: JSON.stringify(line).slice(0, 400),
  }));
  expect(found, 'error-level log lines caused by client mistakes (they belong at info or debug)').toEqual([]);
});

/**
 * The contract's error codes on HTTP and SSE answers: a document that does not parse or
 * validate, or a malformed request, is BAD_USER_INPUT (yoga gives it a code of its own, kept as
 * `reason`). WebSocket operations are refused with the same codes in ws.ts, as yoga's result
 * processing does not run for them.
 */
import type { Plugin } from 'graphql-yoga';
import { toContractCode } from '../errors.js';

export function useContractErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      // Streams are left alone: their events carry execution errors, already masked to codes.
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      if (result.errors?.length) setResult({ ...result, errors: result.errors.map((e) => toContractCode(e)) });
    },
  };
}

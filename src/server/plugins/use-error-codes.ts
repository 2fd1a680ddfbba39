/**
 * The contract's error codes on HTTP and SSE answers. graphql-yoga already spells request, parse
 * and validation errors as the contract does (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
 * BAD_REQUEST, OPERATION_RESOLUTION_FAILURE); a code from elsewhere in the stack is mapped to the
 * contract's (errors.ts). WebSocket operations are refused with the same codes in ws.ts, as yoga's
 * result processing does not run for them.
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

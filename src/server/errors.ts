/**
 * The one place where errors become what a client sees. Expected errors keep their message and
 * carry `extensions.code`; anything unexpected is masked and logged.
 */
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { ServiceError } from '../domain/errors.js';

const HTTP_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
};

export function gatewayError(code: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, {
    extensions: { code, ...extra, ...(status ? { http: { status } } : {}) },
  });
}

function fromService(err: ServiceError, path: GraphQLError['path']): GraphQLError {
  const code = err.code === 'NOT_FOUND' ? 'BAD_USER_INPUT' : err.code;
  const extra: Record<string, unknown> = err.code === 'NOT_FOUND' ? { reason: 'NOT_FOUND' } : {};
  if (err.retryAfterMs !== null) extra.retryAfterSeconds = Math.ceil(err.retryAfterMs / 1000);
  const e = gatewayError(code, err.message, extra);
  return path ? new GraphQLError(e.message, { path, extensions: e.extensions }) : e;
}

/** Codes the GraphQL stack uses for a request the caller got wrong. */
const CALLER_FAULT_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST']);

/**
 * The contract's codes are few and fixed: a document that does not parse or validate, or a
 * malformed request, is BAD_USER_INPUT, with the stack's own code kept as `reason`.
 */
export function toContractCode<T extends { extensions?: Record<string, unknown> | undefined }>(error: T): T {
  const code = error.extensions?.code;
  if (typeof code !== 'string' || !CALLER_FAULT_CODES.has(code)) return error;
  if (error instanceof GraphQLError) {
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions: { ...error.extensions, code: 'BAD_USER_INPUT', reason: code },
    }) as unknown as T;
  }
  return { ...error, extensions: { ...error.extensions, code: 'BAD_USER_INPUT', reason: code } };
}

/**
 * A parse or validation error met outside yoga's HTTP path (graphql-ws operations), given the
 * code yoga would have given it over HTTP, then mapped to the contract's.
 */
export function asCallerFault(e: GraphQLError, reason: string): GraphQLError {
  if (e.extensions.code) return toContractCode(e);
  return new GraphQLError(e.message, {
    nodes: e.nodes,
    source: e.source,
    positions: e.positions,
    extensions: { ...e.extensions, code: 'BAD_USER_INPUT', reason },
  });
}

/** `extensions.http` tells yoga the HTTP status; it means nothing on a socket. */
export function withoutHttpStatus(e: GraphQLError): GraphQLError {
  if (!e.extensions.http) return e;
  const { http: _http, ...extensions } = e.extensions;
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions });
}

export function createMaskError(logger: Logger): (error: unknown, message: string) => Error {
  return (error, message) => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (original instanceof ServiceError) return fromService(original, error instanceof GraphQLError ? error.path : undefined);
    if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) {
      // Validation, parse and deliberate GraphQL errors are the client's to see.
      if (error.extensions?.code) return error;
      // Coercion errors (a variable of the wrong type) arrive without a code: they are the
      // caller's input at fault.
      return new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
      });
    }
    logger.error({ err: original }, 'unexpected error while executing an operation');
    return new GraphQLError(message, {
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
}

/**
 * The one place where errors become what a client sees. Expected errors keep their message and
 * carry `extensions.code`; anything unexpected is masked and logged.
 */
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { ServiceError } from '../domain/errors.js';

/**
 * Every `extensions.code` a client can meet (README: Error codes), spelled as graphql-yoga and Apollo
 * Server spell them, with what each means. The same fault has the same code on every transport.
 */
export const ERROR_CODES = {
  GRAPHQL_PARSE_FAILED: 'The document is not valid GraphQL syntax.',
  GRAPHQL_VALIDATION_FAILED: "The document does not validate against the schema (or exceeds a document limit).",
  BAD_REQUEST: 'The request itself is malformed: invalid JSON, a GET whose variables or extensions is not JSON, no query, a body too large, a non-JSON POST without the CSRF header, a mutation over GET (405), a persisted-query hash that does not match its query.',
  PERSISTED_QUERY_NOT_FOUND: 'The documentId or persisted-query hash is not known (an APQ client then sends the query with its hash).',
  OPERATION_RESOLUTION_FAILURE: 'No operation to run could be resolved: several operations and no (or an unknown) operationName, or an ad-hoc document where only trusted documents are accepted.',
  BAD_USER_INPUT: 'An argument or variable is not acceptable (wrong type, out of range, not a cursor this API issued).',
  NOT_FOUND: 'No generation with this id for this client (subscriptions; queries answer null).',
  UNAUTHENTICATED: 'A valid gateway token is required.',
  FORBIDDEN: 'The caller may not do this.',
  RATE_LIMITED: "A limit of this gateway or the provider's said later (retryAfterSeconds when known).",
  UPSTREAM_UNAVAILABLE: 'The provider could not be reached; retry shortly.',
  INTERNAL_SERVER_ERROR: 'An unexpected error; it is logged, its details are not sent.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  // As Apollo's router answers an unknown persisted-query id; Apollo's PersistedQueryLink reads
  // the code from the body whatever the status.
  PERSISTED_QUERY_NOT_FOUND: 404,
};

export function gatewayError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, {
    extensions: { code, ...extra, ...(status ? { http: { status } } : {}) },
  });
}

function fromService(err: ServiceError, path: GraphQLError['path']): GraphQLError {
  const extra: Record<string, unknown> = {};
  if (err.retryAfterMs !== null) extra.retryAfterSeconds = Math.ceil(err.retryAfterMs / 1000);
  const e = gatewayError(err.code, err.message, extra);
  return path ? new GraphQLError(e.message, { path, extensions: e.extensions }) : e;
}

/** Codes other parts of the stack use, as the contract spells the same fault. */
const FOREIGN_CODES: Record<string, ErrorCode> = {
  // yoga's multipart parser: a file or a body past the limit.
  REQUEST_ENTITY_TOO_LARGE: 'BAD_REQUEST',
};

/**
 * An error answered outside execution (a request, parse or validation error) with the
 * contract's code. graphql-yoga already spells those as the contract does; a code from elsewhere
 * in the stack becomes the contract's code for the same fault, keeping its own as `reason`.
 */
export function toContractCode<T extends { extensions?: Record<string, unknown> | undefined }>(error: T): T {
  const code = error.extensions?.code;
  if (code === undefined || isErrorCode(code)) return error;
  const extensions = { ...error.extensions, code: FOREIGN_CODES[String(code)] ?? 'BAD_REQUEST', reason: code };
  if (error instanceof GraphQLError) {
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions,
    }) as unknown as T;
  }
  return { ...error, extensions };
}

/**
 * A parse or validation error met outside yoga's HTTP path (graphql-ws operations), given the
 * code yoga gives it over HTTP when it has none yet.
 */
export function asCallerFault(e: GraphQLError, code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED'): GraphQLError {
  if (e.extensions.code) return toContractCode(e);
  return new GraphQLError(e.message, {
    nodes: e.nodes,
    source: e.source,
    positions: e.positions,
    extensions: { ...e.extensions, code },
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

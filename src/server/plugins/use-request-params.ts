/**
 * GET requests parsed as GraphQL over HTTP describes them, with a malformed parameter answered
 * as the caller's fault: yoga's own GET parser calls `JSON.parse` on `variables` and `extensions`
 * unguarded, so `?variables={oops` became a masked 500 INTERNAL_SERVER_ERROR. Here it is a 400
 * BAD_REQUEST naming the parameter.
 *
 * Also reads `documentId` (a trusted document's id, as GraphQL Code Generator's client preset
 * sends it) from the query string; POST bodies carry it as a JSON field already.
 */
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';

/** The GraphQL parameters of a GET request, plus a trusted document's id. */
export type GetParams = GraphQLParams & { documentId?: string };

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

/** A JSON object parameter, or undefined when absent; a BAD_REQUEST error when not a JSON object. */
function jsonObjectParam(params: URLSearchParams, name: 'variables' | 'extensions'): Record<string, unknown> | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badRequest(`The "${name}" parameter is not valid JSON.`);
  }
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`The "${name}" parameter must be a JSON object.`);
  return value as Record<string, unknown>;
}

/** Parses a GET request's query string; throws a 400 BAD_REQUEST GraphQLError for a malformed one. */
export function parseGetParams(url: URL): GetParams {
  const q = url.searchParams;
  const params: GetParams = {};
  const query = q.get('query');
  if (query) params.query = query;
  const operationName = q.get('operationName');
  if (operationName) params.operationName = operationName;
  const variables = jsonObjectParam(q, 'variables');
  if (variables) params.variables = variables;
  const extensions = jsonObjectParam(q, 'extensions');
  if (extensions) params.extensions = extensions;
  const documentId = q.get('documentId');
  if (documentId) params.documentId = documentId;
  return params;
}

export function useRequestParams(): Plugin {
  return {
    onRequestParse({ request, url, setRequestParser }) {
      if (request.method !== 'GET') return;
      // Replaces yoga's GET parser (registered before user plugins, so this one is chosen).
      setRequestParser(() => parseGetParams(url));
    },
  };
}

/**
 * Trusted documents with graphql-yoga's persisted-operations plugin: a request naming a document
 * by `documentId` or `extensions.persistedQuery.sha256Hash` runs the manifest's document
 * (PERSISTED_DOCUMENTS); an id nobody knows is PERSISTED_QUERY_NOT_FOUND; a request with no query
 * and no id is BAD_REQUEST. With PERSISTED_DOCUMENTS_ONLY every ad-hoc document is refused with
 * OPERATION_RESOLUTION_FAILURE. Installed even without a manifest, so that an id alone is always
 * answered with the code clients fall back on, never "Must provide query string".
 *
 * The decisions and errors are persisted-documents.ts's, which ws.ts applies to graphql-ws.
 */
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import type { DocumentParams, PersistedDocuments } from '../persisted-documents.js';

export function useTrustedDocuments(docs: PersistedDocuments): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: !docs.only,
    extractPersistedOperationId: (params) => docs.idOf(params as DocumentParams),
    getPersistedOperation: (id) => docs.manifest?.get(id) ?? null,
    customErrors: {
      notFound: (payload) => docs.notFound(docs.idOf(payload.params as DocumentParams) ?? ''),
      keyNotFound: () => docs.noDocument(),
      persistedQueryOnly: () => docs.onlyTrusted(),
    },
  }) as Plugin;
}

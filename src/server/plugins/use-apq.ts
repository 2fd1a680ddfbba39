/**
 * Automatic persisted queries (APQ), Apollo's protocol, as Apollo Client's PersistedQueryLink
 * speaks it: a request may carry only `extensions.persistedQuery: { version: 1, sha256Hash }`;
 * for a hash the gateway does not know it answers PERSISTED_QUERY_NOT_FOUND, and the client sends
 * the query with its hash again, which registers it. GET and POST alike (SSE is a POST).
 *
 * What makes it safe to keep documents callers send:
 * - the hash is verified: a query whose SHA-256 is not the hash it came with is refused
 *   (BAD_REQUEST "provided sha does not match query"), so no one can plant a document under
 *   another's hash;
 * - only a document that parsed and validated (document limits included) is kept: registration
 *   happens when execution starts, never for a document that failed;
 * - the store is bounded, in entries and in characters, least recently used first
 *   (LruPersistedQueryStore in persisted-documents.ts);
 * - with trusted documents only (PERSISTED_DOCUMENTS_ONLY) nothing is registered at all.
 *
 * graphql-ws operations go through ws.ts, which applies the same rules (persisted-documents.ts).
 * The store is per instance: in cluster mode another instance may answer NOT_FOUND for a hash,
 * and the client registers it there too.
 */
import type { ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { normalizeDocumentId, sha256Hex, type DocumentParams, type PersistedDocuments } from '../persisted-documents.js';

/** Keeps a registration once its document has parsed and validated. */
function registerOnStart(docs: PersistedDocuments, args: ExecutionArgs): void {
  const params = (args.contextValue as { params?: DocumentParams } | undefined)?.params;
  if (!params || typeof params.query !== 'string') return;
  const hash = docs.apqHashOf(params);
  if (hash === null || docs.manifest?.get(hash) !== undefined) return;
  // Verified again here: these are the params execution runs with, whatever set them.
  if (normalizeDocumentId(hash) === sha256Hex(params.query)) docs.register(hash, params.query);
}

/**
 * The APQ plugin. Install it before the trusted-documents plugin, which answers the ids this
 * one does not know (PERSISTED_QUERY_NOT_FOUND) and refuses ad-hoc documents in only mode.
 */
export function useApq(docs: PersistedDocuments): Plugin {
  return {
    onParams({ params, setParams }) {
      const store = docs.apq;
      if (!store) return;
      const p = params as DocumentParams;
      if (params.query) {
        const hash = docs.apqHashOf(p);
        if (hash !== null && normalizeDocumentId(hash) !== sha256Hex(params.query)) throw docs.hashMismatch();
        return;
      }
      const id = docs.idOf(p);
      const query = id === null ? undefined : store.get(normalizeDocumentId(id));
      if (query !== undefined) setParams({ ...params, query });
    },
    onExecute({ args }) {
      if (docs.apq) registerOnStart(docs, args);
    },
    onSubscribe({ args }) {
      if (docs.apq) registerOnStart(docs, args);
    },
  };
}

/**
 * Documents a request may name instead of sending them: trusted documents (a manifest written at
 * build time, e.g. by GraphQL Code Generator's client preset with `persistedDocuments`) and
 * automatic persisted queries (APQ, Apollo's protocol: documents registered at run time by their
 * SHA-256 hash, see plugins/use-apq.ts).
 *
 * A request names a document by `documentId` (GraphQL over HTTP, as the client preset sends it:
 * `sha256:<hex>`) or by `extensions.persistedQuery.sha256Hash` (Apollo's clients: bare `<hex>`).
 * Both spellings of a SHA-256 id name the same document.
 *
 * The decisions are made here once, for every transport: yoga's plugins apply them to HTTP and SSE
 * requests (plugins/use-trusted-documents.ts, plugins/use-apq.ts), and ws.ts to graphql-ws
 * operations, which yoga's request hooks never see.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse, type GraphQLError } from 'graphql';
import { gatewayError } from './errors.js';

/** The id a trusted document or persisted query is kept under: bare lowercase hex for SHA-256. */
export function normalizeDocumentId(id: string): string {
  const m = /^(?:sha256:)?([0-9a-fA-F]{64})$/.exec(id.trim());
  return m?.[1] ? m[1].toLowerCase() : id.trim();
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A trusted-documents manifest, by normalized id. */
export interface TrustedDocuments {
  readonly size: number;
  get(id: string): string | undefined;
}

/** A manifest that cannot be used; its message is one line naming PERSISTED_DOCUMENTS. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/**
 * Reads a manifest: the client preset's `{ "<id>": "<document>" }`, or Apollo's persisted query
 * manifest `{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, body }] }`.
 * Every document must parse as an executable document.
 */
export function parseManifest(json: unknown, where = 'PERSISTED_DOCUMENTS'): TrustedDocuments {
  const entries: [string, unknown][] = [];
  if (json && typeof json === 'object' && !Array.isArray(json) && (json as { format?: unknown }).format === 'apollo-persisted-query-manifest') {
    const ops = (json as { operations?: unknown }).operations;
    if (!Array.isArray(ops)) throw new ManifestError(`${where}: an Apollo manifest needs an "operations" array`);
    for (const [i, op] of ops.entries()) {
      const o = op as { id?: unknown; body?: unknown };
      if (typeof o?.id !== 'string') throw new ManifestError(`${where}: operations[${i}] has no string "id"`);
      entries.push([o.id, o.body]);
    }
  } else if (json && typeof json === 'object' && !Array.isArray(json)) {
    entries.push(...Object.entries(json));
  } else {
    throw new ManifestError(`${where} must be a JSON object of document id → document`);
  }
  const docs = new Map<string, string>();
  for (const [id, body] of entries) {
    if (typeof body !== 'string' || body.trim() === '') throw new ManifestError(`${where}: the document of "${id}" is not a string`);
    let ok = false;
    try {
      ok = parse(body).definitions.every((d) => d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION);
    } catch (err) {
      throw new ManifestError(`${where}: the document of "${id}" does not parse: ${(err as Error).message.split('\n')[0]}`);
    }
    if (!ok) throw new ManifestError(`${where}: the document of "${id}" is not an executable document`);
    docs.set(normalizeDocumentId(id), body);
  }
  return { size: docs.size, get: (id) => docs.get(normalizeDocumentId(id)) };
}

/** Reads and checks the manifest file, or throws a ManifestError with one clear line. */
export function loadManifest(file: string): TrustedDocuments {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ManifestError(`PERSISTED_DOCUMENTS: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ManifestError(`PERSISTED_DOCUMENTS: ${file} is not valid JSON`);
  }
  return parseManifest(json);
}

/** The run-time store of APQ documents (plugins/use-apq.ts). */
export interface PersistedQueryStore {
  get(hash: string): string | undefined;
  set(hash: string, query: string): void;
}

export interface ApqStoreOptions {
  /** Documents kept at most. APQ_MAX_DOCUMENTS @default 1000 */
  maxDocuments?: number;
  /** Characters kept at most, all documents together. @default 8_388_608 // 8 Mi */
  maxChars?: number;
}

/** A bounded least-recently-used map of hash → document. */
export class LruPersistedQueryStore implements PersistedQueryStore {
  readonly maxDocuments: number;
  readonly maxChars: number;
  private readonly docs = new Map<string, string>();
  private chars = 0;

  constructor(opts: ApqStoreOptions = {}) {
    this.maxDocuments = opts.maxDocuments ?? 1000;
    this.maxChars = opts.maxChars ?? 8 * 1024 * 1024;
  }

  get size(): number {
    return this.docs.size;
  }

  get(hash: string): string | undefined {
    const doc = this.docs.get(hash);
    if (doc !== undefined) {
      // Most recently used last.
      this.docs.delete(hash);
      this.docs.set(hash, doc);
    }
    return doc;
  }

  set(hash: string, query: string): void {
    if (query.length > this.maxChars || this.maxDocuments < 1) return;
    const old = this.docs.get(hash);
    if (old !== undefined) {
      this.docs.delete(hash);
      this.chars -= old.length;
    }
    this.docs.set(hash, query);
    this.chars += query.length;
    for (const [h, q] of this.docs) {
      if (this.docs.size <= this.maxDocuments && this.chars <= this.maxChars) break;
      this.docs.delete(h);
      this.chars -= q.length;
    }
  }
}

export interface PersistedDocumentsOptions {
  /** The trusted documents; none when absent. @default null */
  manifest?: TrustedDocuments | null;
  /** Refuse every document not in the manifest (PERSISTED_DOCUMENTS_ONLY). @default false */
  only?: boolean;
  /** Where APQ registrations are kept; APQ is off when absent, and always in `only` mode. @default null */
  apq?: PersistedQueryStore | null;
}

/** What a request carries that names or registers a document. */
export interface DocumentParams {
  query?: string | null | undefined;
  documentId?: unknown;
  extensions?: Record<string, unknown> | null | undefined;
}

/** The outcome for one request: the document to run, or the error to answer. */
export type Resolution = { query: string } | { error: GraphQLError };

export class PersistedDocuments {
  readonly manifest: TrustedDocuments | null;
  readonly only: boolean;
  readonly apq: PersistedQueryStore | null;

  constructor(opts: PersistedDocumentsOptions = {}) {
    this.manifest = opts.manifest ?? null;
    this.only = opts.only === true;
    if (this.only && !this.manifest) throw new Error('trusted-documents-only mode needs a manifest');
    // Registering documents at run time would defeat a list fixed at build time.
    this.apq = this.only ? null : (opts.apq ?? null);
  }

  /** The document id a request names: `documentId`, else an APQ `sha256Hash`; null when none. */
  idOf(params: DocumentParams): string | null {
    if (typeof params.documentId === 'string' && params.documentId !== '') return params.documentId;
    const pq = params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
    if (pq && typeof pq === 'object' && pq.version === 1 && typeof pq.sha256Hash === 'string' && pq.sha256Hash !== '') return pq.sha256Hash;
    return null;
  }

  /** The hash an APQ registration (query and hash together) names, or null. */
  apqHashOf(params: DocumentParams): string | null {
    const pq = params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
    return pq && typeof pq === 'object' && typeof pq.sha256Hash === 'string' ? pq.sha256Hash : null;
  }

  /** The document a known id names: a trusted document first, then an APQ registration. */
  lookup(id: string): string | null {
    return this.manifest?.get(id) ?? this.apq?.get(normalizeDocumentId(id)) ?? null;
  }

  /** Keeps an APQ registration whose query has been verified and has validated. */
  register(hash: string, query: string): void {
    this.apq?.set(normalizeDocumentId(hash), query);
  }

  notFound(id: string): GraphQLError {
    const what = this.only ? 'no trusted document' : this.manifest ? 'no trusted document or persisted query' : 'no persisted query';
    // Apollo's PersistedQueryLink reads the code, then sends the query with its hash.
    const hint = this.apq ? '; send the query with its sha256Hash to register it' : '';
    return gatewayError('PERSISTED_QUERY_NOT_FOUND', `PersistedQueryNotFound: ${what} has the id "${id.slice(0, 80)}"${hint}`);
  }

  onlyTrusted(): GraphQLError {
    return gatewayError(
      'OPERATION_RESOLUTION_FAILURE',
      'This gateway runs only trusted documents (PERSISTED_DOCUMENTS_ONLY): send the documentId of a document in its manifest instead of a query',
    );
  }

  /** A registration whose hash is not the SHA-256 of its query. */
  hashMismatch(): GraphQLError {
    return gatewayError('BAD_REQUEST', 'provided sha does not match query');
  }

  noDocument(): GraphQLError {
    return gatewayError('BAD_REQUEST', 'Must provide query string or documentId.');
  }

  /**
   * The whole decision, for a transport that has no yoga request hooks (graphql-ws): the same
   * answers the HTTP plugins give. A graphql-ws client sends `query: ""` (the protocol requires a
   * string) with a `documentId` or an APQ hash.
   */
  resolve(params: DocumentParams): Resolution {
    const query = typeof params.query === 'string' && params.query.trim() !== '' ? params.query : null;
    if (query !== null) {
      if (this.only) return { error: this.onlyTrusted() };
      const hash = this.apqHashOf(params);
      // Registered once it has validated and starts (plugins/use-apq.ts, on every transport).
      if (hash !== null && this.apq !== null && normalizeDocumentId(hash) !== sha256Hex(query)) return { error: this.hashMismatch() };
      return { query };
    }
    const id = this.idOf(params);
    if (id === null) return { error: this.noDocument() };
    const found = this.lookup(id);
    return found === null ? { error: this.notFound(id) } : { query: found };
  }
}

/** What GraphiQL opens with when only trusted documents run: it says so, since what is typed there is refused. */
export function trustedOnlyGraphiQLQuery(): string {
  return `# This gateway runs only trusted documents (PERSISTED_DOCUMENTS_ONLY=true).
#
# A document typed here is refused with OPERATION_RESOLUTION_FAILURE, and so is GraphiQL's own
# introspection query (the docs explorer stays empty). Clients send the documentId of a document
# in the gateway's manifest instead, e.g. { "documentId": "sha256:…", "variables": { … } }:
# see "Trusted documents" in the README.
`;
}

export interface PersistedDocumentsConfig {
  /** The manifest file (PERSISTED_DOCUMENTS); none when null. */
  manifestFile: string | null;
  /** PERSISTED_DOCUMENTS_ONLY */
  only: boolean;
  /** APQ_MAX_DOCUMENTS; 0 turns APQ off. */
  apqMaxDocuments: number;
}

/** Trusted documents and APQ as configured; a ManifestError (one line) when the manifest is unusable. */
export function createPersistedDocuments(config: PersistedDocumentsConfig): PersistedDocuments {
  return new PersistedDocuments({
    manifest: config.manifestFile === null ? null : loadManifest(config.manifestFile),
    only: config.only,
    apq: config.apqMaxDocuments > 0 ? new LruPersistedQueryStore({ maxDocuments: config.apqMaxDocuments }) : null,
  });
}

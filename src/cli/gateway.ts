/**
 * The CLI's connection to a Cinegraph gateway: queries and mutations over GraphQL-over-HTTP with
 * fetch, the `videoGenerationUpdates` subscription over WebSocket with graphql-ws (on `ws`).
 */
import type { ResultOf, TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { FollowGenerationDocument, type GenerationFieldsFragment, type StartGenerationMutation } from '../client/generated/graphql.js';
import { TERMINAL } from '../client/progress-curve.js';
import { CliError, ExitCode, exitCodeForGraphQLError } from './errors.js';
import type { Upload } from './frames.js';

export { TERMINAL };

/** A generation as every operation of src/client/operations returns it (fragment GenerationFields). */
export type Generation = GenerationFieldsFragment;
export type GenerationStatus = Generation['status'];
export type UserError = StartGenerationMutation['generateVideo']['userErrors'][number];

/** The text sent for each operation document, printed once. */
const printed = new WeakMap<DocumentNode, string>();
function queryText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/** A document's trusted-document id (`sha256:<hex>`), as the codegen client preset embeds it. */
function documentIdOf(document: DocumentNode): string | undefined {
  return (document as { __meta__?: { hash?: string } }).__meta__?.hash;
}

/**
 * What a gateway running only trusted documents (PERSISTED_DOCUMENTS_ONLY) answers to a document
 * sent as text; before anything runs, so the same operation may be sent again by its id.
 */
const ONLY_TRUSTED = 'OPERATION_RESOLUTION_FAILURE';

export interface GatewayOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  token?: string | undefined;
  /** Longest wait for one HTTP answer. @default 30000 */
  requestTimeoutMs?: number;
  /** Reconnection attempts of the WebSocket before giving up. @default 6 */
  retryAttempts?: number;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    return code ? `${code} (${cause.message})` : cause.message;
  }
  return err.message;
}

export class Gateway {
  private ws: Client | null = null;
  private readonly timeoutMs: number;
  /**
   * Whether operations go by their id alone. The CLI sends the text first, which every gateway
   * takes; a gateway that runs only trusted documents refuses it, and from then on the CLI sends
   * the ids of src/client/generated/persisted-documents.json, which that gateway's manifest must
   * hold.
   */
  private byId = false;

  constructor(private readonly opts: GatewayOptions) {
    this.timeoutMs = opts.requestTimeoutMs ?? 30_000;
  }

  get url(): string {
    return this.opts.url;
  }

  private authHeader(): string | undefined {
    return this.opts.token ? `Bearer ${this.opts.token}` : undefined;
  }

  /**
   * Runs a query or mutation of src/client/operations; the result type comes from the document.
   * With `uploads`, it is sent as a GraphQL multipart request (operations, map, then the files).
   */
  async request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    uploads: readonly Upload[] = [],
  ): Promise<TResult> {
    const auth = this.authHeader();
    const documentId = documentIdOf(document);
    const byId = this.byId && documentId !== undefined;
    const operation = JSON.stringify(byId ? { documentId, variables } : { query: queryText(document), variables });
    let body: string | FormData = operation;
    if (uploads.length > 0) {
      const form = new FormData();
      form.set('operations', operation);
      form.set('map', JSON.stringify(Object.fromEntries(uploads.map((u, i) => [String(i), [u.path]]))));
      uploads.forEach((u, i) => form.set(String(i), u.file, u.filename));
      body = form;
    }
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        headers: {
          // fetch writes the multipart content type (with its boundary) itself; the CSRF header is
          // what lets a multipart POST through the gateway's CSRF prevention.
          ...(uploads.length > 0 ? { 'x-graphql-csrf': '1' } : { 'content-type': 'application/json' }),
          accept: 'application/graphql-response+json, application/json',
          ...(auth ? { authorization: auth } : {}),
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new CliError(
        timedOut
          ? `the gateway at ${this.opts.url} did not answer within ${Math.round(this.timeoutMs / 1000)} s`
          : `cannot reach the gateway at ${this.opts.url}: ${describeCause(err)}`,
        ExitCode.CONNECTION,
        timedOut ? 'TIMEOUT' : 'UNREACHABLE',
      );
    }
    let answer: GraphQLResponse<TResult>;
    try {
      answer = (await res.json()) as GraphQLResponse<TResult>;
    } catch {
      throw new CliError(
        `${this.opts.url} answered HTTP ${res.status} without a GraphQL response: is it the gateway's /graphql endpoint?`,
        ExitCode.CONNECTION,
        'NOT_GRAPHQL',
      );
    }
    const first = answer.errors?.[0];
    if (first?.extensions?.code === ONLY_TRUSTED && !byId && documentId !== undefined) {
      this.byId = true;
      return this.request(document, variables, uploads);
    }
    if (first) {
      const code = first.extensions?.code;
      const hint = code === 'UNAUTHENTICATED' ? ' (pass --token or set CINEGRAPH_TOKEN)' : '';
      throw new CliError(`${first.message}${hint}`, exitCodeForGraphQLError(code), code ?? 'GRAPHQL_ERROR', {
        ...(first.extensions ?? {}),
      });
    }
    if (!answer.data) {
      throw new CliError(`the gateway answered HTTP ${res.status} without data`, ExitCode.UNEXPECTED, 'NO_DATA');
    }
    return answer.data;
  }

  /**
   * Follows a generation until it ends. graphql-ws reconnects on its own (exponential backoff) and
   * subscribes again; the gateway then sends the current state first, so nothing is missed.
   */
  async *follow(
    id: string,
    events: { onLost?: () => void; onReconnected?: () => void; signal?: AbortSignal } = {},
  ): AsyncGenerator<Generation> {
    try {
      yield* this.followOnce(id, events);
    } catch (err) {
      // Refused as text by a gateway that runs only trusted documents: again, by its id.
      if (!(err instanceof CliError && err.code === ONLY_TRUSTED) || this.byId || documentIdOf(FollowGenerationDocument) === undefined) throw err;
      this.byId = true;
      yield* this.followOnce(id, events);
    }
  }

  private async *followOnce(
    id: string,
    events: { onLost?: () => void; onReconnected?: () => void; signal?: AbortSignal },
  ): AsyncGenerator<Generation> {
    let lost = false;
    let ended = false;
    const auth = this.authHeader();
    const ws = createClient({
      url: this.opts.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: auth ? { authorization: auth } : {},
      retryAttempts: this.opts.retryAttempts ?? 6,
      // 4403: the gateway refused the token; asking again will not change its mind.
      shouldRetry: (e) => !(e && typeof e === 'object' && 'code' in e && (e as { code: number }).code === 4403),
      on: {
        connected: () => {
          if (lost) events.onReconnected?.();
          lost = false;
        },
        // Any close before the generation ends is a lost connection, acknowledged yet or not.
        closed: () => {
          if (!lost && !ended) {
            lost = true;
            events.onLost?.();
          }
        },
      },
    });
    this.ws = ws;
    // Aborting (Ctrl-C) closes the socket, which ends the iteration below.
    const onAbort = (): void => {
      ended = true;
      void ws.dispose();
    };
    events.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const documentId = documentIdOf(FollowGenerationDocument);
      // graphql-ws requires a query string: an empty one beside the id.
      const request = this.byId && documentId !== undefined ? { query: '', documentId, variables: { id } } : { query: queryText(FollowGenerationDocument), variables: { id } };
      for await (const result of ws.iterate<ResultOf<typeof FollowGenerationDocument>>(request)) {
        const first = result.errors?.[0];
        if (first) {
          const code = (first.extensions as { code?: string } | undefined)?.code;
          throw new CliError(first.message, exitCodeForGraphQLError(code), code ?? 'GRAPHQL_ERROR');
        }
        if (result.data) {
          if (TERMINAL.has(result.data.videoGenerationUpdates.status)) ended = true;
          yield result.data.videoGenerationUpdates;
        }
      }
    } catch (err) {
      if (events.signal?.aborted) return;
      if (err instanceof CliError) throw err;
      // An `error` message (the operation refused before it ran) rejects with its GraphQL errors.
      if (Array.isArray(err)) {
        const refused = err[0] as { message?: string; extensions?: { code?: string } } | undefined;
        const code = refused?.extensions?.code;
        throw new CliError(refused?.message ?? 'the gateway refused the subscription', exitCodeForGraphQLError(code), code ?? 'GRAPHQL_ERROR');
      }
      // graphql-ws rejects with the CloseEvent (or an Error) once it gives up.
      const code = err && typeof err === 'object' && 'code' in err ? (err as { code: unknown }).code : undefined;
      const reason = err && typeof err === 'object' && 'reason' in err ? String((err as { reason: unknown }).reason) : '';
      if (code === 4403) {
        throw new CliError('the gateway refused the token for live updates (pass --token or set CINEGRAPH_TOKEN)', ExitCode.CONNECTION, 'FORBIDDEN');
      }
      const detail = code !== undefined ? `closed with ${String(code)}${reason ? ` ${reason}` : ''}` : describeCause(err);
      throw new CliError(`lost the live connection to ${this.opts.url}: ${detail}`, ExitCode.CONNECTION, 'CONNECTION_LOST');
    } finally {
      events.signal?.removeEventListener('abort', onAbort);
      ended = true;
      this.ws = null;
      await ws.dispose();
    }
  }

  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = null;
    await ws?.dispose();
  }
}

/*
 * A small consumer of Cinegraph built the way a client project would: GraphQL Code Generator
 * (client preset) turns its operations and `schema.graphql` alone into TypedDocumentNodes under
 * `generated/`, and every result and variable below is typed from those, over plain fetch
 * (queries, mutations) and graphql-ws (the subscription). The operations are the repository's own,
 * src/client/operations/*.graphql: the same documents the CLI and the demo page send.
 *
 * The generated files do not exist on a fresh clone, so the project's own `tsc` excludes this file
 * (tsconfig.json); the codegen test generates them, then typechecks this file strictly, then runs
 * it against a live gateway:
 *
 *   node --import tsx test/codegen/client.ts http://127.0.0.1:4000/graphql [token] [--frame=image.png] [--trusted-documents]
 *
 * With --frame it also uploads that image as the first frame (a GraphQL multipart request, the
 * `File` in the typed variables found and sent as a file part) and follows it to the end.
 *
 * With --trusted-documents it sends no document at all, only each document's id (`documentId`,
 * which the client preset embeds as `__meta__.hash`, the key of generated/persisted-documents.json):
 * what a gateway running PERSISTED_DOCUMENTS_ONLY with that manifest accepts, on every transport.
 *
 * It prints one JSON object (what it saw) on stdout and exits 0, or prints the problem and exits 1.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  FollowGenerationDocument,
  GenerationHistoryDocument,
  ReadGenerationDocument,
  StartGenerationDocument,
  type GenerateVideoInput,
  type GenerationHistoryQuery,
  type GenerationFieldsFragment,
  type VideoGenerationStatus,
  type VideoModel,
} from './generated/graphql.js';

export interface ClientReport {
  started: string[];
  statuses: VideoGenerationStatus[];
  progress: number[];
  videoUrl: string;
  transitions: VideoGenerationStatus[];
  userError: { code: string; field: string[] | null; message: string } | null;
  historyPages: number;
  historyIds: string[];
  /** The image-to-video generation made from an uploaded frame (with --frame). */
  upload: { id: string; model: VideoModel; firstFrame: { url: string; contentType: string | null; byteSize: number | null } | null; status: VideoGenerationStatus } | null;
}

/** A GraphQL error from the gateway, with its `extensions.code`. */
class GatewayError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The trusted-document id the client preset embedded in a generated document. */
function documentId(document: TypedDocumentNode<unknown, never>): string {
  const id = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof id !== 'string') throw new Error('this document carries no __meta__.hash: generate with persistedDocuments');
  return id;
}

/** The document part of a request: the document's id, or its text. */
function documentOf(document: TypedDocumentNode<unknown, never>, trusted: boolean): { documentId: string } | { query: string } {
  return trusted ? { documentId: documentId(document) } : { query: print(document) };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Runs a query or mutation over GraphQL-over-HTTP; the result type comes from the document. */
async function request<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token?: string,
  trusted = false,
): Promise<TResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ ...documentOf(document as TypedDocumentNode<unknown, never>, trusted), variables }),
  });
  const body = (await res.json()) as GraphQLResponse<TResult>;
  const first = body.errors?.[0];
  if (first) throw new GatewayError(first.message, first.extensions?.code);
  if (!body.data) throw new GatewayError(`HTTP ${res.status} without data`, undefined);
  return body.data;
}

/**
 * Finds the files (Blobs) in typed variables and puts null in their place, as the GraphQL
 * multipart request spec wants: what upload clients (extract-files) do.
 */
function extractFiles(value: unknown, at: string, files: Map<string, Blob>): unknown {
  if (value instanceof Blob) {
    files.set(at, value);
    return null;
  }
  if (Array.isArray(value)) return value.map((v, i) => extractFiles(v, `${at}.${i}`, files));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, extractFiles(v, `${at}.${k}`, files)]));
  }
  return value;
}

/** A mutation whose typed variables hold files, sent as a GraphQL multipart request. */
async function upload<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token?: string,
  trusted = false,
): Promise<TResult> {
  const files = new Map<string, Blob>();
  const plain = extractFiles(variables, 'variables', files);
  const form = new FormData();
  form.set('operations', JSON.stringify({ ...documentOf(document as TypedDocumentNode<unknown, never>, trusted), variables: plain }));
  form.set('map', JSON.stringify(Object.fromEntries([...files.keys()].map((p, i) => [String(i), [p]]))));
  [...files.values()].forEach((file, i) => form.set(String(i), file, file instanceof File ? file.name : `file${i}`));
  const res = await fetch(url, {
    method: 'POST',
    // A multipart POST is a "simple" request: the gateway wants a header proving it is not a cross-site form.
    headers: { 'x-graphql-csrf': '1', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: form,
  });
  const body = (await res.json()) as GraphQLResponse<TResult>;
  const first = body.errors?.[0];
  if (first) throw new GatewayError(first.message, first.extensions?.code);
  if (!body.data) throw new GatewayError(`HTTP ${res.status} without data`, undefined);
  return body.data;
}

/** Follows a subscription over graphql-ws; yields each typed `data` until the server completes. */
async function* subscribe<TResult, TVariables extends Record<string, unknown>>(
  client: ReturnType<typeof createClient>,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  trusted = false,
): AsyncGenerator<TResult> {
  // graphql-ws wants a query string: an empty one, beside the id, names a trusted document.
  const payload = trusted ? { query: '', documentId: documentId(document as TypedDocumentNode<unknown, never>), variables } : { query: print(document), variables };
  for await (const result of client.iterate<TResult>(payload)) {
    const first = result.errors?.[0];
    if (first) throw new GatewayError(first.message, (first.extensions as { code?: string } | undefined)?.code);
    if (result.data) yield result.data;
  }
}

/**
 * Follows a subscription over GraphQL over SSE (distinct connections mode) with fetch; yields each
 * typed `data` until the server sends `complete`.
 */
async function* subscribeSse<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token?: string,
  trusted = false,
): AsyncGenerator<TResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ ...documentOf(document as TypedDocumentNode<unknown, never>, trusted), variables }),
  });
  if (!res.ok || !res.body) throw new GatewayError(`SSE answered HTTP ${res.status}`, undefined);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (event === 'complete') return;
      if (event !== 'next' || !data) continue;
      const result = JSON.parse(data) as GraphQLResponse<TResult>;
      const first = result.errors?.[0];
      if (first) throw new GatewayError(first.message, first.extensions?.code);
      if (result.data) yield result.data;
    }
  }
}

async function start(url: string, input: GenerateVideoInput, token?: string, trusted = false): Promise<GenerationFieldsFragment> {
  const { generateVideo } = await request(url, StartGenerationDocument, { input }, token, trusted);
  if (!generateVideo.generation) {
    const problems = generateVideo.userErrors.map((e) => `${e.code} ${e.field?.join('.') ?? ''}: ${e.message}`);
    throw new Error(`generateVideo refused: ${problems.join('; ')}`);
  }
  return generateVideo.generation;
}

/** Uploads `frame` as the first frame (image-to-video) and follows the generation to its end. */
async function animate(url: string, ws: ReturnType<typeof createClient>, frame: File, token?: string, trusted = false): Promise<NonNullable<ClientReport['upload']>> {
  const { generateVideo } = await upload(url, StartGenerationDocument, { input: { prompt: 'The picture comes alive', firstFrame: { file: frame } } }, token, trusted);
  const gen = generateVideo.generation;
  if (!gen) throw new Error(`upload refused: ${generateVideo.userErrors.map((e) => `${e.code} ${e.field?.join('.') ?? ''}: ${e.message}`).join('; ')}`);
  let status: VideoGenerationStatus = gen.status;
  for await (const { videoGenerationUpdates: g } of subscribe(ws, FollowGenerationDocument, { id: gen.id }, trusted)) status = g.status;
  return { id: gen.id, model: gen.model, firstFrame: gen.firstFrame, status };
}

export interface ClientOptions {
  /** Send each document's id (`documentId`) instead of its text. @default false */
  trustedDocuments?: boolean;
}

export async function runClient(url: string, token?: string, frame?: File, options: ClientOptions = {}): Promise<ClientReport> {
  const trusted = options.trustedDocuments === true;
  const ws = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
    retryAttempts: 3,
  });
  try {
    // Two generations; every option of the input is typed (enums are string unions).
    const first = await start(url, {
      prompt: 'A paper boat sails down a rain-soaked street at dusk',
      aspectRatio: 'RATIO_9_16',
      resolution: 'P720',
      duration: 5,
      style: 'CLAY',
      seed: 42,
      idempotencyKey: `codegen-client-${Date.now()}`,
    }, token, trusted);
    const second = await start(url, { prompt: 'A lighthouse beam sweeps over a stormy sea', resolution: 'P540' }, token, trusted);

    // Follow the first one live: typed `videoGenerationUpdates` events until the stream completes.
    const statuses: VideoGenerationStatus[] = [];
    const progress: number[] = [];
    let last: GenerationFieldsFragment | null = null;
    for await (const { videoGenerationUpdates: g } of subscribe(ws, FollowGenerationDocument, { id: first.id }, trusted)) {
      statuses.push(g.status);
      progress.push(g.progress);
      last = g;
    }
    // The second one over SSE, to have two completed generations to page through.
    for await (const { videoGenerationUpdates: g } of subscribeSse(url, FollowGenerationDocument, { id: second.id }, token, trusted)) {
      if (g.status === 'FAILED' || g.status === 'TIMED_OUT') throw new Error(`second generation ${g.status}`);
    }
    if (last?.status !== 'COMPLETED' || !last.video) {
      throw new Error(`first generation ended ${last?.status ?? 'without events'}: ${last?.error?.message ?? ''}`);
    }

    // Read it back, with its transitions.
    const { videoGeneration } = await request(url, ReadGenerationDocument, { id: first.id }, token, trusted);
    if (!videoGeneration) throw new Error(`videoGeneration(${first.id}) is null`);

    // Bad input is a typed userError naming the field, not a GraphQL error.
    const refused = await request(
      url,
      StartGenerationDocument,
      { input: { prompt: 'too long for 1080p', resolution: 'P1080', duration: 8 } },
      token,
      trusted,
    );
    const userError = refused.generateVideo.userErrors[0] ?? null;

    // Page through the completed history, one generation per page, newest first.
    const historyIds: string[] = [];
    let historyPages = 0;
    let after: string | null = null;
    do {
      // Annotated: `after` feeds back into the loop, which TypeScript cannot infer through.
      const page: GenerationHistoryQuery = await request(url, GenerationHistoryDocument, { first: 1, after, status: ['COMPLETED'] }, token, trusted);
      historyPages++;
      historyIds.push(...page.videoGenerations.edges.map((e) => e.node.id));
      after = page.videoGenerations.pageInfo.hasNextPage ? (page.videoGenerations.pageInfo.endCursor ?? null) : null;
    } while (after !== null && historyPages < 50);

    return {
      started: [first.id, second.id],
      statuses,
      progress,
      videoUrl: last.video.url,
      transitions: videoGeneration.transitions.map((t) => t.status),
      userError: userError && { code: userError.code, field: userError.field ?? null, message: userError.message },
      historyPages,
      historyIds,
      upload: frame ? await animate(url, ws, frame, token, trusted) : null,
    };
  } finally {
    await ws.dispose();
  }
}

// Run as a program: `node --import tsx test/codegen/client.ts <graphql url> [token] [--frame=…] [--trusted-documents]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const framePath = args.find((a) => a.startsWith('--frame='))?.slice('--frame='.length);
  const [url = 'http://127.0.0.1:4000/graphql', token] = args.filter((a) => !a.startsWith('--'));
  const frame = framePath ? new File([readFileSync(framePath)], path.basename(framePath)) : undefined;
  runClient(url, token || undefined, frame, { trustedDocuments: args.includes('--trusted-documents') }).then(
    (report) => {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

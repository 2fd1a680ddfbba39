/**
 * One span per GraphQL operation, on every transport, from envelop's OpenTelemetry plugin
 * (`@envelop/opentelemetry`): HTTP and SSE operations run through yoga, WebSocket operations
 * through the same envelop pipeline (ws.ts). Loaded only when tracing is on (app.ts imports this
 * module dynamically).
 *
 * The operation span continues the caller's trace: a W3C `traceparent` header on the HTTP (or
 * SSE) request, or on a WebSocket's upgrade request, becomes the span's parent. Browsers cannot
 * set headers on a WebSocket, so a `traceparent` in graphql-ws's connection parameters counts too.
 */
import { context, propagation, ROOT_CONTEXT, type TextMapGetter, type TracerProvider } from '@opentelemetry/api';
import { setCurrentOtelContext, useOpenTelemetry } from '@envelop/opentelemetry';
import type { Plugin } from 'graphql-yoga';
import type { ServerContext } from '../yoga.js';

type Carrier = { headers: Headers } | { record: Record<string, unknown> };

const getter: TextMapGetter<Carrier> = {
  keys: (c) => ('headers' in c ? [...c.headers.keys()] : Object.keys(c.record)),
  get: (c, key) => {
    if ('headers' in c) return c.headers.get(key) ?? undefined;
    const v = c.record[key];
    return typeof v === 'string' || Array.isArray(v) ? (v as string | string[]) : undefined;
  },
};

/** Where an operation's caller put its trace context. */
function carrierOf(ctx: Partial<ServerContext> & { request?: Request }): Carrier | null {
  const params = ctx.connectionParams;
  if (params && typeof params.traceparent === 'string') return { record: params };
  if (ctx.req) return { record: ctx.req.headers };
  if (ctx.request) return { headers: ctx.request.headers };
  return null;
}

/** Makes the caller's `traceparent` the parent of the operation span the next plugin starts. */
function useTraceContext(): Plugin {
  const adopt = (contextValue: unknown): void => {
    if (!contextValue || typeof contextValue !== 'object') return;
    const carrier = carrierOf(contextValue as Partial<ServerContext> & { request?: Request });
    if (!carrier) return;
    const extracted = propagation.extract(ROOT_CONTEXT, carrier, getter);
    // Without a caller's trace, whatever is active goes on (nothing, for HTTP).
    setCurrentOtelContext(contextValue, extracted === ROOT_CONTEXT ? context.active() : extracted);
  };
  return {
    onExecute: ({ args }) => adopt(args.contextValue),
    onSubscribe: ({ args }) => adopt(args.contextValue),
  };
}

/**
 * The tracing plugins, in order: the caller's context first, then the operation spans (named
 * `query.Name`, `mutation.Name`, `subscription.Name`, with the operation's name and type; no
 * document, variables or results recorded: prompts never reach the collector, and no document
 * is printed per operation).
 */
export function useTracing(provider: TracerProvider): Plugin[] {
  return [useTraceContext(), useOpenTelemetry({ resolvers: false, variables: false, result: false, document: false }, provider, undefined, {}, 'cinegraph') as Plugin];
}

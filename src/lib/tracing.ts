/**
 * Spans for the gateway's own work (provider calls, poll ticks, archive and webhook attempts),
 * cheap enough to leave in place when tracing is off: until `enableTracing` is called (by
 * lib/otel.ts, loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set), `withSpan` calls its
 * function directly and nothing of OpenTelemetry is loaded (the imports below are types only).
 *
 * The tracer lives in this module, like OpenTelemetry's own global provider that it mirrors:
 * spans are started from deep inside the poller and the archiver, which should not carry a
 * tracer through every constructor for a cross-cutting concern.
 *
 * A generation remembers the span that created it as a W3C `traceparent` (currentTraceparent),
 * and later work on it (poll ticks, archive attempts) links to that span, so a trace viewer can
 * go from any poll back to the request that started the generation.
 */
import type * as otelApi from '@opentelemetry/api';
import type { Attributes, Link, Span, SpanContext, Tracer } from '@opentelemetry/api';

type OtelApi = typeof otelApi;

interface ActiveTracing {
  api: OtelApi;
  tracer: Tracer;
}

let active: ActiveTracing | null = null;

/** Turns spans on (lib/otel.ts, once its SDK is registered). */
export function enableTracing(api: OtelApi, tracer: Tracer): void {
  active = { api, tracer };
}

/** Turns spans off again (on shutdown). */
export function disableTracing(): void {
  active = null;
}

export function tracingEnabled(): boolean {
  return active !== null;
}

/** What a span's function may do with its span: a no-op when tracing is off. */
export interface SpanNotes {
  setAttributes(attributes: Attributes): void;
  addEvent(name: string, attributes?: Attributes): void;
  /** Links this span to the span a W3C `traceparent` names (ignored when null or malformed). */
  linkTo(traceparent: string | null | undefined): void;
}

const NO_NOTES: SpanNotes = {
  setAttributes() {},
  addEvent() {},
  linkTo() {},
};

export interface WithSpanOptions {
  /** Start a new trace instead of continuing the current one (work on a timer, not a request). @default false */
  root?: boolean;
  /** Spans (W3C `traceparent`s) this one follows from, e.g. the span that created a generation. @default [] */
  links?: readonly (string | null | undefined)[];
  /** @default 'internal' */
  kind?: 'internal' | 'client' | 'server' | 'producer' | 'consumer';
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The span context a W3C `traceparent` names, or null when it is malformed or all zeros. */
export function parseTraceparent(traceparent: string | null | undefined): SpanContext | null {
  const m = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (!m?.[1] || !m[2] || !m[3] || /^0+$/.test(m[1]) || /^0+$/.test(m[2])) return null;
  return { traceId: m[1], spanId: m[2], traceFlags: Number.parseInt(m[3], 16), isRemote: true };
}

/** The current span as a W3C `traceparent`; null when tracing is off or no span is active. */
export function currentTraceparent(): string | null {
  if (!active) return null;
  const ctx = active.api.trace.getActiveSpan()?.spanContext();
  if (!ctx || !active.api.isSpanContextValid(ctx)) return null;
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** Sets attributes on the current span, if there is one (e.g. from a client's per-attempt hook). */
export function noteOnCurrentSpan(attributes: Attributes, event?: string): void {
  if (!active) return;
  const span = active.api.trace.getActiveSpan();
  if (!span) return;
  span.setAttributes(attributes);
  if (event) span.addEvent(event, attributes);
}

function notesOf(span: Span): SpanNotes {
  return {
    setAttributes: (a) => void span.setAttributes(a),
    addEvent: (name, a) => void span.addEvent(name, a),
    linkTo: (traceparent) => {
      const context = parseTraceparent(traceparent);
      if (context) span.addLink({ context });
    },
  };
}

function linksOf(traceparents: readonly (string | null | undefined)[]): Link[] {
  const links: Link[] = [];
  for (const t of traceparents) {
    const context = parseTraceparent(t);
    if (context) links.push({ context });
  }
  return links;
}

/**
 * Runs `fn` inside a span named `name` (ended when `fn` returns or its promise settles; an error
 * marks the span and is rethrown unchanged). When tracing is off this is a plain call of `fn`.
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: SpanNotes) => T, options: WithSpanOptions = {}): T {
  if (!active) return fn(NO_NOTES);
  const { api, tracer } = active;
  const kind = { internal: api.SpanKind.INTERNAL, client: api.SpanKind.CLIENT, server: api.SpanKind.SERVER, producer: api.SpanKind.PRODUCER, consumer: api.SpanKind.CONSUMER }[
    options.kind ?? 'internal'
  ];
  const parent = options.root ? api.ROOT_CONTEXT : api.context.active();
  return tracer.startActiveSpan(name, { attributes, kind, links: linksOf(options.links ?? []), root: options.root === true }, parent, (span) => {
    const fail = (err: unknown): void => {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    };
    let result: T;
    try {
      result = fn(notesOf(span));
    } catch (err) {
      fail(err);
      span.end();
      throw err;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          span.end();
          return value;
        },
        (err: unknown) => {
          fail(err);
          span.end();
          throw err;
        },
      ) as T;
    }
    span.end();
    return result;
  });
}

/**
 * The OpenTelemetry SDK, started only when OTEL_EXPORTER_OTLP_ENDPOINT is set (app.ts imports
 * this module dynamically, so a gateway without tracing never loads it): a Node tracer provider
 * (AsyncLocalStorage context, W3C trace-context propagation) that batches spans to an OTLP/HTTP
 * collector, and turns on the gateway's own spans (lib/tracing.ts).
 */
import * as api from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { disableTracing, enableTracing } from './tracing.js';

export interface OtelOptions {
  /**
   * The collector's base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `<endpoint>/v1/traces`,
   * as the OTLP exporter specification says for this variable.
   */
  endpoint: string;
  /** Headers sent with every export (OTEL_EXPORTER_OTLP_HEADERS), e.g. an API key. @default {} */
  headers?: Record<string, string>;
  /** The `service.name` resource attribute (OTEL_SERVICE_NAME). @default 'cinegraph' */
  serviceName?: string;
  /** The service version reported with every span. @default undefined */
  serviceVersion?: string;
  /** How long spans wait to be batched before export. @default 1000 */
  scheduledDelayMs?: number;
}

export interface Otel {
  /** The provider yoga's OpenTelemetry plugin creates its operation spans with. */
  readonly provider: api.TracerProvider;
  /** Exports what is still batched, then turns tracing off and releases the global registrations. */
  shutdown(): Promise<void>;
}

/** Where OTLP/HTTP trace exports go for a base endpoint. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

export function startOtel(opts: OtelOptions): Otel {
  const exporter = new OTLPTraceExporter({ url: tracesUrl(opts.endpoint), headers: opts.headers ?? {} });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': opts.serviceName ?? 'cinegraph',
      ...(opts.serviceVersion ? { 'service.version': opts.serviceVersion } : {}),
    }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: opts.scheduledDelayMs ?? 1000 })],
  });
  // The global context manager and propagator: the plugin and lib/tracing.ts read them.
  provider.register();
  enableTracing(api, provider.getTracer('cinegraph', opts.serviceVersion));
  let stopped: Promise<void> | null = null;
  return {
    provider,
    shutdown() {
      stopped ??= (async () => {
        disableTracing();
        try {
          await provider.shutdown();
        } finally {
          api.trace.disable();
          api.context.disable();
          api.propagation.disable();
        }
      })();
      return stopped;
    },
  };
}

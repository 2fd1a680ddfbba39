/**
 * Distributed traces: with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a local OTLP/HTTP receiver
 * (a node:http server taking the exporter's JSON), one generation from create to COMPLETED
 * arrives as spans: the mutation's operation span continuing the caller's traceparent, the
 * provider create under it, each poll tick as a trace of its own that links back to the creating
 * span with its provider read (attempts and retries) under it, and the archive attempt linked the
 * same way; subscriptions over WebSocket and SSE get operation spans continuing their callers'
 * traces too. Without the variable, nothing of OpenTelemetry is loaded.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { tracingEnabled } from '../../src/lib/tracing.js';
import { collectSse, collectWs, GENERATE, startGateway, UPDATES, waitFor, type TestGateway } from '../utils/gateway.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
  service: string;
}

interface Receiver {
  url: string;
  spans: ReceivedSpan[];
  requests: { path: string; contentType: string }[];
  close(): Promise<void>;
}

function valueOf(v: OtlpValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return '';
}

type Attr = { key: string; value: OtlpValue };

/** A collector's OTLP/HTTP traces endpoint that keeps what it receives (JSON encoding). */
async function startReceiver(): Promise<Receiver> {
  const spans: ReceivedSpan[] = [];
  const requests: Receiver['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '' });
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !(req.headers['content-type'] ?? '').startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const payload = JSON.parse(body.toString('utf8')) as {
        resourceSpans: {
          resource: { attributes: Attr[] };
          scopeSpans: { spans: (Omit<ReceivedSpan, 'attributes' | 'links' | 'service'> & { attributes?: Attr[]; links?: { traceId: string; spanId: string }[] })[] }[];
        }[];
      };
      for (const rs of payload.resourceSpans) {
        const service = String(valueOf(rs.resource.attributes.find((a) => a.key === 'service.name')?.value ?? {}));
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: s.kind,
              attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
              links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
              service,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

let gw: TestGateway | null = null;
let receiver: Receiver | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
  await receiver?.close();
  receiver = null;
});

describe('OpenTelemetry traces', () => {
  // First: once an SDK has registered in this process, its global stays behind.
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: no SDK registered, no traceparent stored', async () => {
    gw = await startGateway();
    expect(tracingEnabled()).toBe(false);
    const { body } = await gw.gql<{ generateVideo: { generation: { id: string } } }>(GENERATE, { input: { prompt: 'a kite' } }, {
      traceparent: `00-${hex(16)}-${hex(8)}-01`,
    });
    const id = body.data!.generateVideo.generation.id;
    const stored = await gw.app.store.get(id);
    expect(stored?.traceparent).toBeUndefined();
    // OpenTelemetry registers itself on a global when its SDK starts; nothing did.
    expect(Object.getOwnPropertySymbols(globalThis).map(String).filter((s) => s.includes('opentelemetry'))).toEqual([]);
  });
  it('export one generation from create to COMPLETED, continuing the caller’s trace, polls and archive linked to it', async () => {
    receiver = await startReceiver();
    gw = await startGateway({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`, OTEL_SERVICE_NAME: 'cinegraph-test' },
      sim: { queueMs: 100, generateMs: 300 },
    });
    expect(tracingEnabled()).toBe(true);
    const callerTrace = hex(16);
    const callerSpan = hex(8);
    const { body } = await gw.gql<{ generateVideo: { generation: { id: string } } }>(
      GENERATE,
      { input: { prompt: 'a lighthouse in a storm' } },
      { traceparent: `00-${callerTrace}-${callerSpan}-01` },
    );
    const id = body.data!.generateVideo.generation.id;
    // One read fails once and is retried: the provider span records it.
    gw.sim.inject({ type: 'status', status: 503 }, { times: 1 });

    // Followed over WebSocket (trace context in the connection parameters) and SSE (a header).
    const wsTrace = hex(16);
    const sseTrace = hex(16);
    const [ws, sse] = await Promise.all([
      collectWs<{ videoGenerationUpdates: { status: string } }>(gw.ws({ traceparent: `00-${wsTrace}-${hex(8)}-01` }), UPDATES, { id }),
      collectSse<{ videoGenerationUpdates: { status: string } }>(`${gw.url}/graphql`, UPDATES, { id }, { traceparent: `00-${sseTrace}-${hex(8)}-01` }),
    ]);
    expect(ws.results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
    expect(sse.results.at(-1)?.videoGenerationUpdates.status).toBe('COMPLETED');
    await waitFor(async () => (await gw!.app.store.get(id))?.video?.archivedFile, 10_000, 'archived copy');
    const stored = await gw.app.store.get(id);
    await gw.stop(); // exports every batched span
    gw = null;

    const spans = receiver.spans;
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['cinegraph-test']));
    expect(receiver.requests.every((r) => r.path === '/v1/traces')).toBe(true);
    const byId = new Map(spans.map((s) => [s.spanId, s]));

    // The mutation continues the caller's trace, as a server span under the caller's span.
    const mutation = spans.find((s) => s.name === 'mutation.Generate');
    expect(mutation).toMatchObject({ traceId: callerTrace, parentSpanId: callerSpan, kind: 2 });
    expect(mutation!.attributes['graphql.execute.operationType']).toBe('mutation');
    // The generation remembers the span that created it.
    expect(stored?.traceparent).toBe(`00-${callerTrace}-${mutation!.spanId}-01`);

    // The provider create is a client span under the mutation.
    const create = spans.find((s) => s.name === 'provider.create');
    expect(create).toMatchObject({ traceId: callerTrace, parentSpanId: mutation!.spanId, kind: 3 });
    expect(create!.attributes).toMatchObject({ 'cinegraph.provider.operation': 'create', 'cinegraph.generation.id': id, 'cinegraph.provider.attempts': 1 });

    // Every poll tick is a root span of its own trace, linked to the creating span.
    const ticks = spans.filter((s) => s.name === 'poll.tick' && s.attributes['cinegraph.generation.id'] === id);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const tick of ticks) {
      expect(tick.parentSpanId).toBeUndefined();
      expect(tick.traceId).not.toBe(callerTrace);
      expect(tick.links).toContainEqual({ traceId: callerTrace, spanId: mutation!.spanId });
    }
    expect(ticks.map((t) => t.attributes['cinegraph.generation.status'])).toContain('COMPLETED');
    // Each tick's provider read is its child; one of them needed a retry.
    const reads = spans.filter((s) => s.name === 'provider.read' && s.attributes['cinegraph.generation.id'] === id);
    expect(reads.length).toBeGreaterThanOrEqual(ticks.length - 1);
    for (const read of reads) {
      const parent = byId.get(read.parentSpanId ?? '');
      expect(parent?.name).toBe('poll.tick');
      expect(read.traceId).toBe(parent?.traceId);
    }
    expect(reads.some((r) => r.attributes['cinegraph.provider.retries'] === 1 && r.attributes['cinegraph.provider.attempts'] === 2)).toBe(true);
    const completing = reads.find((r) => r.attributes['cinegraph.generation.status'] === 'COMPLETED');
    expect(completing?.attributes['cinegraph.provider.status']).toBe('completed');

    // The archive attempt links to the creating span too.
    const archive = spans.find((s) => s.name === 'archive.attempt' && s.attributes['cinegraph.generation.id'] === id);
    expect(archive?.attributes['cinegraph.archive.outcome']).toBe('ok');
    expect(archive?.links).toContainEqual({ traceId: callerTrace, spanId: mutation!.spanId });

    // The subscriptions' operation spans continue their callers' traces on both transports.
    const subscriptions = spans.filter((s) => s.name === 'subscription.Updates');
    expect(subscriptions.map((s) => s.traceId).sort()).toEqual([wsTrace, sseTrace].sort());
  });
});

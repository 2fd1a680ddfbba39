/**
 * A span per provider call: a decorator of the domain's Provider port, installed by app.ts only
 * when tracing is on. The span (`provider.create`, `provider.read`, kind client) carries the
 * operation, the generation id, the provider's status word and the mapped status; the client's
 * per-attempt hook (`noteProviderAttempt`, called from its onRequest) adds each HTTP attempt as
 * an event and the number of attempts and retries, so one span tells how hard a call was.
 */
import { modelOf } from '../domain/generation.js';
import { ProviderFailure } from '../domain/errors.js';
import type { Provider, ProviderReading } from '../domain/ports.js';
import { noteOnCurrentSpan, withSpan, type SpanNotes } from '../lib/tracing.js';
import type { UpstreamRequestInfo } from './client.js';

function noteReading(span: SpanNotes, r: ProviderReading): void {
  span.setAttributes({
    'cinegraph.generation.id': r.id,
    'cinegraph.generation.status': r.status,
    'cinegraph.provider.status': r.providerStatus,
  });
}

async function traced(span: SpanNotes, call: () => Promise<ProviderReading>): Promise<ProviderReading> {
  try {
    const reading = await call();
    noteReading(span, reading);
    return reading;
  } catch (err) {
    if (err instanceof ProviderFailure) {
      span.setAttributes({
        'cinegraph.provider.failure': err.reason,
        ...(err.status !== null ? { 'http.response.status_code': err.status } : {}),
      });
    }
    throw err;
  }
}

export function traceProvider(provider: Provider): Provider {
  return {
    create(input, options) {
      return withSpan(
        'provider.create',
        { 'cinegraph.provider.operation': 'create', 'cinegraph.generation.model': modelOf(input), 'cinegraph.generation.resolution': input.resolution },
        (span) => traced(span, () => provider.create(input, options)),
        { kind: 'client' },
      );
    },
    read(id, options) {
      return withSpan(
        'provider.read',
        { 'cinegraph.provider.operation': 'read', 'cinegraph.generation.id': id },
        (span) => traced(span, () => provider.read(id, options)),
        { kind: 'client' },
      );
    },
  };
}

/** Records one HTTP attempt of the upstream client on the current provider span. */
export function noteProviderAttempt(info: UpstreamRequestInfo): void {
  noteOnCurrentSpan(
    {
      'cinegraph.provider.attempts': info.attempt,
      'cinegraph.provider.retries': info.attempt - 1,
      'cinegraph.provider.outcome': info.outcome,
      ...(info.status !== null ? { 'http.response.status_code': info.status } : {}),
    },
    'provider.attempt',
  );
}

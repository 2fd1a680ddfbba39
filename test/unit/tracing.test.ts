/**
 * The tracing helpers (src/lib/tracing.ts) without an SDK: withSpan is a plain call, traceparents
 * parse strictly; OTEL_EXPORTER_OTLP_* configuration; and a generation's traceparent survives
 * every store (memory, and SQLite across a reopen).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseOtlpHeaders } from '../../src/config.js';
import { currentTraceparent, noteOnCurrentSpan, parseTraceparent, tracingEnabled, withSpan } from '../../src/lib/tracing.js';
import { tracesUrl } from '../../src/lib/otel.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { openSqliteStore } from '../../src/stores/sqlite/index.js';
import { generationFixture } from '../utils/generation-fixture.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('withSpan with tracing off', () => {
  it('calls the function directly and returns what it returns, values and promises alike', async () => {
    expect(tracingEnabled()).toBe(false);
    const seen: string[] = [];
    expect(withSpan('x', {}, (span) => {
      span.setAttributes({ a: 1 });
      span.addEvent('e');
      span.linkTo(TP);
      seen.push('sync');
      return 42;
    })).toBe(42);
    const p = withSpan('y', {}, async () => 'later');
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe('later');
    await expect(withSpan('z', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(() => withSpan('w', {}, () => { throw new TypeError('bad'); })).toThrow(TypeError);
    expect(currentTraceparent()).toBeNull();
    noteOnCurrentSpan({ a: 1 }, 'nothing happens');
    expect(seen).toEqual(['sync']);
  });
});

describe('parseTraceparent', () => {
  it('reads W3C version 00 and refuses anything else', () => {
    expect(parseTraceparent(TP)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    for (const bad of [
      null,
      undefined,
      '',
      '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7',
    ]) {
      expect(parseTraceparent(bad), String(bad)).toBeNull();
    }
  });
});

describe('tracing configuration', () => {
  it('is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      endpoint: 'http://collector:4318',
      headers: {},
      serviceName: 'cinegraph',
    });
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('https://otlp.example.com/base/')).toBe('https://otlp.example.com/base/v1/traces');
  });

  it('reads headers and the service name, and names the variable on a bad value', () => {
    const c = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com',
      OTEL_EXPORTER_OTLP_HEADERS: 'Api-Key=abc%20123, x-tenant=blue',
      OTEL_SERVICE_NAME: 'video-gateway',
    });
    expect(c.tracing).toEqual({ endpoint: 'https://otlp.example.com', headers: { 'api-key': 'abc 123', 'x-tenant': 'blue' }, serviceName: 'video-gateway' });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' })).toThrow(ConfigError);
    expect(() => parseOtlpHeaders('novalue')).toThrow(/OTEL_EXPORTER_OTLP_HEADERS entry 1/);
    expect(() => parseOtlpHeaders('a=b,bad key=c')).toThrow(/entry 2/);
    expect(() => parseOtlpHeaders('a=%E0%A4%A')).toThrow(/URL encoding/);
    expect(() => parseOtlpHeaders('a=x%0Ay')).toThrow(/control characters/);
  });
});

describe('a generation keeps the traceparent of the span that created it', () => {
  it('in memory', async () => {
    const store = new MemoryStore();
    await store.save(generationFixture('gen-1', { traceparent: TP }));
    await store.save(generationFixture('gen-2'));
    expect((await store.get('gen-1'))?.traceparent).toBe(TP);
    expect((await store.get('gen-2'))?.traceparent).toBeUndefined();
  });

  it('in SQLite, across a reopen, and absent (not null) when there was none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cinegraph-trace-'));
    try {
      let store = await openSqliteStore(dir);
      await store.save(generationFixture('gen-1', { traceparent: TP }));
      await store.save(generationFixture('gen-2'));
      await store.close();
      store = await openSqliteStore(dir);
      expect((await store.get('gen-1'))?.traceparent).toBe(TP);
      const plain = await store.get('gen-2');
      expect(plain && 'traceparent' in plain).toBe(false);
      expect((await store.listActive()).find((g) => g.id === 'gen-1')?.traceparent).toBe(TP);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

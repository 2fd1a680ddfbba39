/**
 * /metrics as Prometheus and stock dashboards read it: the scrape parses as the text exposition
 * format (checked by a strict parser below, stricter than test/utils/prom.ts), Node's runtime
 * metrics keep their standard names, only the gateway's own metrics carry `cinegraph_`, and every
 * metric the Grafana dashboard in docs/ queries exists in a real scrape of a running gateway.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../utils/gateway.js';
import { ROOT } from '../utils/process.js';

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The sample names a family of this type may carry. */
function sampleNamesOf(f: Pick<Family, 'name' | 'type'>): string[] {
  if (f.type === 'histogram') return [`${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`];
  if (f.type === 'summary') return [f.name, `${f.name}_sum`, `${f.name}_count`];
  return [f.name];
}

function parseValue(raw: string, line: string): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new Error(`bad value "${raw}" in: ${line}`);
  return Number(raw);
}

/** Label set `{a="x",b="y"}` with escapes \\ \" \n, or throws. */
function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`bad label set in: ${line}`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name "${name}" in: ${line}`);
    if (text[eq + 1] !== '"') throw new Error(`unquoted label value in: ${line}`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new Error(`unterminated label value in: ${line}`);
      if (c === '"') break;
      if (c === '\\') {
        const e = text[j + 1];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw new Error(`bad escape in: ${line}`);
        j += 2;
      } else {
        value += c;
        j++;
      }
    }
    if (Object.hasOwn(labels, name)) throw new Error(`label ${name} twice in: ${line}`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i !== text.length) throw new Error(`expected , between labels in: ${line}`);
  }
  return labels;
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every sample belongs to a family declared
 * by HELP and TYPE before it, families are contiguous and never repeated, names and labels are
 * well formed, values are floats, histograms have a +Inf bucket equal to their count.
 */
function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family>();
  let current: Family | null = null;
  const closed = new Set<string>();
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (!NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      if (current && current.name !== name) closed.add(current.name);
      if (closed.has(name)) throw new Error(`family ${name} is not contiguous`);
      let f = families.get(name);
      if (!f) {
        f = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, f);
      }
      if (kind === 'HELP') f.help = rest;
      else {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type in: ${line}`);
        if (f.samples.length > 0) throw new Error(`TYPE after samples in: ${line}`);
        f.type = rest as MetricType;
      }
      current = f;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const [, name = '', labelText, raw = ''] = m;
    if (!current || !sampleNamesOf(current).includes(name)) throw new Error(`sample ${name} outside its family (${current?.name ?? 'none'})`);
    current.samples.push({ name, labels: labelText ? parseLabels(labelText, line) : {}, value: parseValue(raw, line) });
  }
  for (const f of families.values()) {
    if (f.type === 'counter' && !f.name.endsWith('_total')) throw new Error(`counter ${f.name} should end in _total`);
    if (f.type !== 'histogram') continue;
    const series = new Map<string, { inf?: number; count?: number }>();
    for (const s of f.samples) {
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      const entry = series.get(key) ?? {};
      if (s.name.endsWith('_bucket') && le === '+Inf') entry.inf = s.value;
      if (s.name.endsWith('_count')) entry.count = s.value;
      series.set(key, entry);
    }
    for (const [key, e] of series) if (e.inf !== e.count) throw new Error(`histogram ${f.name}${key}: +Inf bucket ${e.inf} != count ${e.count}`);
  }
  return families;
}

/** Every name a PromQL expression reads as a metric (functions, keywords and labels left out). */
function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'inf', 'nan']);
  const names: string[] = [];
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, id = '', call] = m;
    if (call || keywords.has(id.toLowerCase())) continue;
    names.push(id);
  }
  return names;
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

describe('metrics as Prometheus and Grafana read them', () => {
  let gw: TestGateway;
  let families: Map<string, Family>;

  beforeAll(async () => {
    gw = await startGateway();
    // One request first, so request counters have samples too.
    await gw.gql('{ __typename }');
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    families = parseExposition(await res.text());
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('the scrape parses strictly and has the standard process and runtime names, unprefixed', () => {
    for (const [name, type] of [
      ['process_cpu_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['process_start_time_seconds', 'gauge'],
      ['process_open_fds', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
      ['nodejs_heap_size_total_bytes', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
      ['nodejs_active_handles_total', 'gauge'],
      ['nodejs_gc_duration_seconds', 'histogram'],
      ['nodejs_version_info', 'gauge'],
    ] as const) {
      expect(families.get(name)?.type, name).toBe(type);
    }
    expect(families.get('process_resident_memory_bytes')?.samples[0]?.value).toBeGreaterThan(10 * 1024 * 1024);
    expect(families.get('nodejs_version_info')?.samples[0]?.labels.version).toBe(process.version);
    // Only the gateway's own metrics are prefixed; nothing standard is renamed.
    const names = [...families.keys()];
    expect(names.filter((n) => /^cinegraph_(process|nodejs)_/.test(n))).toEqual([]);
    expect(names.filter((n) => !/^(process|nodejs)_/.test(n) && !n.startsWith('cinegraph_'))).toEqual([]);
    expect(names.filter((n) => n.startsWith('cinegraph_')).length).toBeGreaterThanOrEqual(10);
    expect(families.get('cinegraph_http_requests_total')?.samples.length).toBeGreaterThan(0);
    for (const f of families.values()) expect(f.help, `HELP of ${f.name}`).not.toBe('');
  });

  it('the strict parser refuses malformed expositions', () => {
    expect(() => parseExposition('# TYPE a_total counter\na_total 1')).toThrow(/newline/);
    expect(() => parseExposition('# TYPE a_total counter\nb_total 1\n')).toThrow(/outside its family/);
    expect(() => parseExposition('# TYPE a gauge\na{x=1} 1\n')).toThrow(/unquoted/);
    expect(() => parseExposition('# TYPE a gauge\na one\n')).toThrow(/bad value/);
    expect(() => parseExposition('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# HELP a again\n')).toThrow(/contiguous/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n')).toThrow(/\+Inf bucket/);
    expect(() => parseExposition('# TYPE c counter\nc 1\n')).toThrow(/_total/);
  });

  it('every metric the Grafana dashboard queries exists in the scrape', () => {
    const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'docs/grafana-dashboard.json'), 'utf8')) as {
      panels: Panel[];
      templating: { list: { definition?: string }[] };
    };
    const exprs: string[] = [];
    const walk = (panels: Panel[]): void => {
      for (const p of panels) {
        for (const t of p.targets ?? []) if (t.expr) exprs.push(t.expr);
        walk(p.panels ?? []);
      }
    };
    walk(dashboard.panels);
    for (const v of dashboard.templating.list) {
      const m = /^label_values\((.*),\s*\w+\)$/.exec(v.definition ?? '');
      if (m?.[1]) exprs.push(m[1]);
    }
    expect(exprs.length).toBeGreaterThanOrEqual(15);
    const scraped = new Set([...families.values()].flatMap(sampleNamesOf));
    const queried = new Set(exprs.flatMap(metricNamesIn));
    // The dashboard covers the gateway's own metrics and the standard runtime ones.
    expect([...queried].filter((n) => n.startsWith('cinegraph_')).length).toBeGreaterThanOrEqual(10);
    expect(queried).toContain('process_resident_memory_bytes');
    expect([...queried].filter((n) => !scraped.has(n))).toEqual([]);
    // The name extraction itself: functions, label names and keywords are not metrics.
    expect(metricNamesIn('histogram_quantile(0.9, sum by (le, op) (rate(x_bucket{a="b"}[$__rate_interval])))')).toEqual(['x_bucket']);
    expect(metricNamesIn('time() - process_start_time_seconds{job=~"$job"}')).toEqual(['process_start_time_seconds']);
  });
});

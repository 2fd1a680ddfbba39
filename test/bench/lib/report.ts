/** The results table: rows collected by the scenarios, printed as text and written as JSON. */

export type Cell = number | string | null;

export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  /** Cinegraph's number. */
  value: Cell;
  /** What it is compared with (bare yoga, the provider read directly, fixed polling), if anything. */
  baseline: Cell;
  baselineName: string;
  /** value ÷ baseline, when the target is stated as a ratio (the median, over repeated runs). */
  ratio: number | null;
  /** Lowest and highest ratio over the repeated runs, when there were several. */
  ratioRange?: [number, number] | null;
  target: string;
  /** null when the row has no target. */
  met: boolean | null;
}

export const rows: Row[] = [];

export function row(r: Partial<Row> & Pick<Row, 'scenario' | 'metric'>): void {
  rows.push({ unit: '', value: null, baseline: null, baselineName: '', ratio: null, target: '', met: null, ...r });
}

export function fmt(v: Cell): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** A Markdown table (readable as plain text too). */
export function formatTable(rs: Row[] = rows): string {
  const head = ['scenario', 'metric', 'cinegraph', 'baseline', 'baseline is', 'ratio', 'target', 'met'];
  const body = rs.map((r) => [
    r.scenario,
    r.unit ? `${r.metric} (${r.unit})` : r.metric,
    fmt(r.value),
    r.baseline === null ? '' : fmt(r.baseline),
    r.baselineName,
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}×${r.ratioRange ? ` (${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)})` : ''}`,
    r.target,
    r.met === null ? '' : r.met ? 'yes' : '**no**',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

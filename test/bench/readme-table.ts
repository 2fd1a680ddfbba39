/**
 * Writes the README's Performance table from a results file of `npm run bench`:
 *
 *   npx tsx test/bench/readme-table.ts [results.json …]   (default test/bench/results/latest.json)
 *
 * Replaces what lies between `<!-- bench-table:start -->` and `<!-- bench-table:end -->` in
 * README.md with the files' tables (one after another, for scenarios run separately) and, for
 * each, a line saying how, where and when it was measured (including the machine's load
 * average, since the machine may be shared). Nothing else in the README changes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/proc.js';
import { formatTable, type Row } from './lib/report.js';

interface Results {
  generatedAt: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; os: string };
  gateway: { commit: string | null; srcModified: boolean };
  durationSeconds: number;
  loadAverage?: { start: number[]; end: number[] };
  settings?: { pinning?: { server: string; load: string } | null };
  rows: Row[];
  failures: { scenario: string }[];
}

const files = (process.argv.length > 2 ? process.argv.slice(2) : ['test/bench/results/latest.json']).map((f) => path.resolve(ROOT, f));
const START = '<!-- bench-table:start -->';
const END = '<!-- bench-table:end -->';
const readmePath = path.join(ROOT, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const a = readme.indexOf(START);
const b = readme.indexOf(END);
if (a < 0 || b < a) {
  console.error(`README.md has no ${START} … ${END} section`);
  process.exit(1);
}
function section(r: Results): string {
  const load = r.loadAverage ? ` 1-minute load average ${r.loadAverage.start[0]?.toFixed(2)} at the start, ${r.loadAverage.end[0]?.toFixed(2)} at the end;` : '';
  const pin = r.settings?.pinning ? ` servers pinned to core ${r.settings.pinning.server}, load and simulator to ${r.settings.pinning.load};` : ' not pinned;';
  const about =
    `\`${r.command}\` on ${r.machine.cores} × ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ${r.machine.os}, ` +
    `${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.durationSeconds} s;${pin}${load} gateway at ${r.gateway.commit ?? 'an unknown commit'}` +
    `${r.gateway.srcModified ? ' with uncommitted changes in src/' : ''}.` +
    (r.failures.length ? ` Scenarios that failed: ${r.failures.map((f) => f.scenario).join(', ')}.` : '');
  return `${about}\n\n${formatTable(r.rows)}\n`;
}

const sections = files.map((f) => section(JSON.parse(readFileSync(f, 'utf8')) as Results));
writeFileSync(readmePath, `${readme.slice(0, a)}${START}\n${sections.join('\n')}${END}${readme.slice(b + END.length)}`);
console.log(`README.md: tables written from ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);

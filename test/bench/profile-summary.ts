/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from BENCH_PROFILE=fanout npm run bench):
 * the functions with the most self time, and self time per package or source file.
 *
 *   npx tsx test/bench/profile-summary.ts <file.cpuprofile> [top=25] [fromSeconds] [toSeconds]
 *
 * The optional window keeps only samples taken between those offsets from the profile's start.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Node {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, fromArg, toArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top] [fromSeconds] [toSeconds]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const from = fromArg ? Number(fromArg) * 1e6 : -Infinity;
const to = toArg ? Number(toArg) * 1e6 : Infinity;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
let t = 0;
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t < from || t > to) return;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

function where(cf: CallFrame): string {
  const url = cf.url.replace(/^file:\/\//, '');
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url || '(native/vm)';
}

const fn = new Map<string, number>();
const pkg = new Map<string, number>();
for (const [id, us] of self) {
  const cf = byId.get(id)!.callFrame;
  const name = cf.functionName || '(anonymous)';
  const key = `${name}  ${where(cf)}:${cf.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const p = where(cf);
  pkg.set(p, (pkg.get(p) ?? 0) + us);
}

// Inclusive ("total") time: every distinct function on the stack of a sample gets its time.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur)!.callFrame;
    if (!cf.url.includes('/src/') && !cf.url.includes('graphql-ws') && !cf.url.includes('graphql-yoga') && !cf.url.includes('/graphql/')) continue;
    const key = `${cf.functionName || '(anonymous)'}  ${where(cf)}:${cf.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled (${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s profiled)\n`);
console.log('self time by function:');
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
console.log('\nself time by package / file:');
for (const [k, us] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
console.log('\ntotal (inclusive) time, gateway sources, graphql, graphql-ws and yoga frames:');
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);

/**
 * The architecture holds: the import graph between the top-level folders of src/ follows the
 * layer table (src/layers.js) and has no cycle, the domain imports nothing, the simulator imports
 * no gateway code, and the lint rule that guards it fails on a deliberate violation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../src/layers.js';
import { ROOT } from '../utils/process.js';

const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(p);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Top-level folder (or root file) of src/ that a path lies in. */
function unitOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length > 1 ? (rel[0] as string) : `(root)/${rel[0]}`;
}

/** Edges between top-level folders: importer folder → imported folder or root file. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = unitOf(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2];
      if (!spec) continue;
      const to = unitOf(path.resolve(path.dirname(file), spec));
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)?.add(to);
    }
  }
  return graph;
}

describe('the import graph of src/', () => {
  const graph = folderGraph();

  it('follows the layer table: every folder imports only the folders it may', () => {
    const wrong: string[] = [];
    for (const [from, targets] of graph) {
      if (from.startsWith('(root)/')) continue;
      for (const to of targets) {
        if (to.startsWith('(root)/')) {
          // Folders may use the shared root leaves, never the composition root.
          if (/\/(app|main)\.(ts|js)$/.test(to)) wrong.push(`${from} → ${to}`);
          continue;
        }
        if (!(LAYERS[from] ?? []).includes(to)) wrong.push(`${from} → ${to}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no cycle between top-level folders', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[][] = [];
    const visit = (node: string, trail: string[]): void => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(node)), node]);
        return;
      }
      state.set(node, 'visiting');
      for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });

  it('the domain imports nothing outside itself, and the simulator nothing of the gateway but lib', () => {
    expect([...(graph.get('domain') ?? [])]).toEqual([]);
    expect([...(graph.get('simulator') ?? [])].filter((t) => t !== 'lib')).toEqual([]);
  });

  it('every top-level folder of src/ has a row in the layer table', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(f in LAYERS))).toEqual([]);
  });
});

describe('the lint rule that guards the layers', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const restricted = async (filePath: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it('fails when the domain imports the provider client', async () => {
    const msgs = await restricted('src/domain/violation.ts', "import { createUpstreamClient } from '../provider/client.js';\nexport const x = createUpstreamClient;\n");
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain('src/domain/ may import only its own files');
  });

  it('fails when the simulator imports the domain, or a store imports the poller from a subfolder', async () => {
    expect(await restricted('src/simulator/violation.ts', "import type { Generation } from '../domain/generation.js';\nexport type X = Generation;\n")).toHaveLength(1);
    expect(await restricted('src/stores/sqlite/violation.ts', "import { PollScheduler } from '../../watch/scheduler.js';\nexport const x = PollScheduler;\n")).toHaveLength(1);
  });

  it('fails when anything but the server imports a transport package', async () => {
    expect(await restricted('src/generations/violation.ts', "import { createYoga } from 'graphql-yoga';\nexport const x = createYoga;\n")).toHaveLength(1);
  });

  it('accepts the imports the table allows', async () => {
    expect(await restricted('src/watch/ok.ts', "import type { Generation } from '../domain/generation.js';\nexport type X = Generation;\n")).toEqual([]);
    expect(await restricted('src/server/plugins/ok.ts', "import type { GatewayContext } from '../../schema/builder.js';\nexport type X = GatewayContext;\n")).toEqual([]);
  });
});

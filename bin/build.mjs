#!/usr/bin/env node
// The second half of `npm run build` (after `tsc -p tsconfig.build.json` compiled src/ to dist/):
// copies every file of src/ that is not TypeScript (the demo page, the simulator's placeholder
// video, the client's plain ES modules, .graphql documents) to the same place under dist/, so the
// compiled server finds them beside itself exactly as the sources do; then compresses GraphiQL's
// large files at brotli's best ahead of time (src/server/routes/graphiql.ts keeps them in
// node_modules/.cache), using the compiled code it just built.
import console from 'node:console';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

async function copyAssets(dir) {
  let copied = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      copied += await copyAssets(from);
    } else if (!entry.name.endsWith('.ts')) {
      const to = path.join(dist, path.relative(src, from));
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(from, to);
      copied++;
    }
  }
  return copied;
}

const started = Date.now();
const copied = await copyAssets(src);
console.log(`build: copied ${copied} non-TypeScript files of src/ to dist/`);
const { precompressGraphiQL } = await import(pathToFileURL(path.join(dist, 'server/routes/graphiql.js')).href);
const files = await precompressGraphiQL();
console.log(`build: GraphiQL's ${files.join(', ')} compressed (brotli 11, gzip 9) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

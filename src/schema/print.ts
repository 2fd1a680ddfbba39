/**
 * `npm run schema` writes schema.graphql; `npm run schema:check` exits 1 when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printedSchema } from './index.js';

const file = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
const current = printedSchema();

if (process.argv.includes('--check')) {
  let onDisk = '';
  try {
    onDisk = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (onDisk !== current) {
    console.error('schema.graphql is stale: run `npm run schema`');
    process.exit(1);
  }
  console.log('schema.graphql is up to date');
} else {
  writeFileSync(file, current);
  console.log(`wrote ${file}`);
}

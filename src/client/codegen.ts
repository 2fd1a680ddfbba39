/**
 * The client operations (src/client/operations/*.graphql) typed by GraphQL Code Generator's client
 * preset, from schema.graphql alone (no running gateway, no introspection).
 *
 * The CLI runs without a codegen step, so the TypedDocumentNodes it imports are committed under
 * src/client/generated/:
 *
 *   npm run codegen          rewrites src/client/generated/
 *   npm run codegen:check    exits 1 when it is stale (test/integration/codegen.test.ts checks too)
 *
 * test/codegen/codegen.ts uses the same configuration for its own copy, as a consumer project would.
 * Both also get persisted-documents.json, the trusted-documents manifest of these operations.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The operation documents every client of this repository uses. */
export const OPERATIONS_DIR = path.join(ROOT, 'src/client/operations');
/** Where the committed TypedDocumentNodes of the CLI live. */
export const CLIENT_GENERATED_DIR = path.join(ROOT, 'src/client/generated');

/** The configuration: schema.graphql and the shared operations in, the client preset's files out. */
export function codegenConfig(out: string = CLIENT_GENERATED_DIR, root: string = ROOT): CodegenConfig {
  return {
    schema: path.join(root, 'schema.graphql'),
    documents: path.join(root, 'src/client/operations/*.graphql'),
    // Imports that end in `.js`, as Node's ESM resolution (module NodeNext) requires.
    emitLegacyCommonJSImports: false,
    ignoreNoDocuments: false,
    silent: true,
    generates: {
      [`${out}/`]: {
        preset: 'client',
        presetConfig: {
          // Fragments are plain fields of the result (no `useFragment` unmasking in a small client).
          fragmentMasking: false,
          // Trusted documents: each document carries its id (`__meta__.hash`, "sha256:<hex>"), and
          // persisted-documents.json maps every id to its document: the manifest the gateway's
          // PERSISTED_DOCUMENTS reads, so a client may send { documentId } instead of the query.
          persistedDocuments: true,
        },
        config: {
          useTypeImports: true,
          // Enums as string unions: `'P720'` type-checks without importing an enum object.
          enumsAsTypes: true,
          // Every custom scalar must be mapped: DateTime arrives as an ISO-8601 string; File is an
          // upload (a WHATWG File or Blob, sent with a GraphQL multipart request).
          strictScalars: true,
          scalars: { DateTime: 'string', File: 'File | Blob' },
        },
      },
    },
  };
}

/** What codegen would write into `out` now: file name (relative to `out`) → content. */
export async function generatedFiles(out: string = CLIENT_GENERATED_DIR): Promise<Map<string, string>> {
  // Loaded here, so that importing this module for its paths does not load the generator.
  const { generate } = await import('@graphql-codegen/cli');
  const files = (await generate({ ...codegenConfig(out), cwd: ROOT }, false)) as { filename: string; content: string }[];
  return new Map(files.map((f) => [path.relative(out, path.resolve(ROOT, f.filename)), f.content]));
}

/** What is on disk in `dir`: file name → content (empty when the folder is missing). */
export function filesOnDisk(dir: string = CLIENT_GENERATED_DIR): Map<string, string> {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.ts') || n.endsWith('.json'));
  } catch {
    // missing counts as stale
  }
  return new Map(names.map((n) => [n, readFileSync(path.join(dir, n), 'utf8')]));
}

/** The names of the files that differ between what codegen writes and what is on disk. */
export async function staleFiles(dir: string = CLIENT_GENERATED_DIR): Promise<string[]> {
  const want = await generatedFiles(dir);
  const have = filesOnDisk(dir);
  const names = new Set([...want.keys(), ...have.keys()]);
  return [...names].filter((n) => want.get(n) !== have.get(n)).sort();
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--check')) {
    const stale = await staleFiles();
    if (stale.length > 0) {
      console.error(`src/client/generated is stale (${stale.join(', ')}): run \`npm run codegen\``);
      return 1;
    }
    console.log('src/client/generated is up to date');
    return 0;
  }
  const files = await generatedFiles();
  rmSync(CLIENT_GENERATED_DIR, { recursive: true, force: true });
  mkdirSync(CLIENT_GENERATED_DIR, { recursive: true });
  for (const [name, content] of files) writeFileSync(path.join(CLIENT_GENERATED_DIR, name), content);
  console.log(`wrote ${[...files.keys()].map((n) => path.join('src/client/generated', n)).join(', ')}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}

/**
 * The GraphQL Code Generator configuration a Cinegraph consumer uses: the printed schema file
 * alone (no running gateway, no introspection), the client's own operations, the client preset.
 * test/integration/codegen.test.ts runs it with `generate()` from @graphql-codegen/cli; the same
 * object, default-exported from a `codegen.ts`, works with `npx graphql-codegen`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the generated TypedDocumentNodes go (gitignored and eslint-ignored). */
export const GENERATED_DIR = path.join(here, 'generated');

export function codegenConfig(root = path.resolve(here, '../..'), out = GENERATED_DIR): CodegenConfig {
  return {
    schema: path.join(root, 'schema.graphql'),
    documents: path.join(here, 'operations/*.graphql'),
    // Imports that end in `.js`, as Node's ESM resolution (module NodeNext) requires.
    emitLegacyCommonJSImports: false,
    ignoreNoDocuments: false,
    silent: true,
    generates: {
      [`${out}/`]: {
        preset: 'client',
        // Fragments are plain fields of the result (no `useFragment` unmasking in a small client).
        presetConfig: { fragmentMasking: false },
        config: {
          useTypeImports: true,
          // Enums as string unions: `'P720'` type-checks without importing an enum object.
          enumsAsTypes: true,
          // Every custom scalar must be mapped: DateTime arrives as an ISO-8601 string.
          strictScalars: true,
          scalars: { DateTime: 'string' },
        },
      },
    },
  };
}

export default codegenConfig();

/**
 * The GraphQL Code Generator configuration a Cinegraph consumer uses: the printed schema file
 * alone (no running gateway, no introspection), the client's operations, the client preset.
 * The operations are the repository's own (src/client/operations/*.graphql, the ones the CLI and
 * the demo page send), and the configuration is the one that writes src/client/generated
 * (src/client/codegen.ts); only the output folder differs.
 * test/integration/codegen.test.ts runs it with `generate()` from @graphql-codegen/cli; the same
 * object, default-exported from a `codegen.ts`, works with `npx graphql-codegen`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { codegenConfig as clientCodegenConfig } from '../../src/client/codegen.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where this consumer's generated TypedDocumentNodes go (gitignored and eslint-ignored). */
export const GENERATED_DIR = path.join(here, 'generated');

export function codegenConfig(root = path.resolve(here, '../..'), out = GENERATED_DIR): CodegenConfig {
  return clientCodegenConfig(out, root);
}

export default codegenConfig();

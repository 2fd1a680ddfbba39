// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { LAYERS, TRANSPORT_PACKAGES } from './src/layers.js';

/**
 * The architecture's import rules (README: Architecture), enforced per top-level folder of src/:
 * a folder may import only the folders LAYERS allows it (and its own files), and only the
 * transport folder may import the transport packages.
 */
const layerRules = Object.entries(LAYERS).map(([folder, allowed]) => {
  const forbidden = Object.keys(LAYERS).filter((f) => f !== folder && !allowed.includes(f));
  const transport = folder === 'server' ? [] : TRANSPORT_PACKAGES.filter((p) => !(folder === 'cli' && (p === 'graphql-ws' || p === 'ws')));
  return {
    files: [`src/${folder}/**/*.ts`, `src/${folder}/**/*.js`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: transport.map((name) => ({ name, message: `Only src/server/ talks to transports (README: Architecture).` })),
          patterns: [
            {
              // A relative import that climbs out of this folder into a folder it may not use,
              // or into the composition root (app.ts, main.ts).
              regex: `^(\\.\\./)+(${[...forbidden, 'app', 'main'].join('|')})(/|\\.js$)`,
              message: `src/${folder}/ may import only ${allowed.length ? allowed.map((a) => `src/${a}/`).join(', ') : 'its own files'} (README: Architecture).`,
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'coverage', 'test/bench/results', 'test/**/generated', 'src/client/generated'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
);

// ESLint: typed rules for floating promises and type-only imports everywhere; Node built-ins banned in
// workflow code, which runs in Temporal's deterministic sandbox.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      '.tools/**',
      'coverage/**',
      'test-results/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'contracts/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'Workflow, contracts and domain code runs in the workflow sandbox: no Node built-ins.',
          })),
        },
      ],
    },
  },
  {
    // The workflow bundle loads workflows/, contracts/shared/ and domain/: none of them may take a value from
    // zod, from contracts/schemas or from the contracts barrel (which re-exports the schemas), since zod in the
    // workflow bundle costs every cached workflow its memory. Type imports are erased, so they may.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', allowTypeImports: true, message: 'No zod in code the workflow bundle loads.' }],
          patterns: [
            {
              regex: '(^|/)contracts(/index)?$|(^|/)contracts/schemas(/|$)',
              allowTypeImports: true,
              message: 'Import values from contracts/shared: the barrel and contracts/schemas load zod.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['contracts/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', allowTypeImports: true, message: 'contracts/shared loads no zod.' }],
          patterns: [
            {
              regex: '^\\.\\.(/index)?$|^\\.\\./schemas(/|$)',
              allowTypeImports: true,
              message: 'contracts/shared may take types, never values, from the schemas (they load zod).',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests reach the API through support/checked-request, which checks every 2xx answer against the schema
    // the OpenAPI document publishes; a test importing supertest itself would skip that check. Tests and the
    // benchmark share what they start through support/, never each other's files.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'supertest',
              allowTypeImports: true,
              message: 'Use request() from support/checked-request: it checks answers against their schemas.',
            },
          ],
          patterns: [{ regex: '(^|/)bench(/|$)', message: 'Tests import support/, not bench/.' }],
        },
      ],
    },
  },
  {
    files: ['bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)test(/|$)', message: 'The benchmark imports support/, not test/.' }] },
      ],
    },
  },
);

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
    // Workflow code takes values only from the zod-free contracts modules (messages, search attributes,
    // errors): zod in the workflow bundle costs every cached workflow its memory. Types may come from anywhere.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'No zod in workflow code.' }],
          patterns: [
            {
              regex: 'contracts(/(index|plan|key-task|api|notification))?$',
              allowTypeImports: true,
              message: 'Import values from contracts/messages, contracts/search-attributes or contracts/errors.',
            },
            { regex: '^\\.\\./(\\.\\./)?domain/plan$', message: 'domain/plan loads zod through contracts.' },
          ],
        },
      ],
    },
  },
);

// Lint for promise safety, module boundaries (see docs/ARCHITECTURE.md) and formatting (Prettier, .prettierrc.json).
import nx from '@nx/eslint-plugin';
import prettierRecommended from 'eslint-plugin-prettier/recommended';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.next/**',
      '**/generated/**',
      '**/.data/**',
      '**/next-env.d.ts',
      '**/test-artifacts/**',
      '**/epoch-kernels.wasm.ts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      // A promise chain kept for later (`writes = writes.then(write)`) has no rejection handler until someone awaits
      // it: a rejection in between is unhandled (the grader died of one, issue 14). End such a chain with `.catch`.
      'no-restricted-syntax': [
        'error',
        {
          selector: "AssignmentExpression > CallExpression.right[callee.property.name='then']:not([arguments.1])",
          message: 'A promise chain assigned for later rejects unhandled until it is awaited: give .then() a rejection handler or end the chain with .catch().',
        },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared', 'scope:web'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server', 'scope:api'] },
            { sourceTag: 'scope:grader', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server', 'scope:grader'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server', 'scope:grader', 'scope:api', 'scope:cli'] },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript (build helpers, worker entry points, this file): the same rules that need no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, eqeqeq: ['error', 'always'], 'no-undef': 'error' },
  },
  prettierRecommended,
);

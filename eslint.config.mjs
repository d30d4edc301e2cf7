// ESLint flat config. Run with `npm run lint` (eslint . --max-warnings=0): any warning fails.
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

export default defineConfig([
  globalIgnores([
    '.next/**',
    'out/**',
    'build/**',
    'next-env.d.ts',
    '.test-artifacts/**',
    'test-results/**',
    'playwright-report/**',
    'bench/results/**',
    '.bench-build/**',
    'logs/**',
    'data/**',
  ]),
  js.configs.recommended,
  // Next's presets: React, hooks, jsx-a11y, import and Core Web Vitals rules; then typescript-eslint's `recommended`
  // (not the type-checked set: it would triple the run time on two cores).
  ...nextVitals,
  ...nextTs,
  // Every eslint-disable comment says why (`// eslint-disable-next-line rule -- reason`), names its rules, and is
  // reported once it no longer suppresses anything.
  comments.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error', reportUnusedInlineConfigs: 'error' },
    rules: {
      '@eslint-community/eslint-comments/require-description': 'error',
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
    },
  },
  {
    // Next's TypeScript preset lowers these two to warnings; they are mistakes like the rest. A `_` prefix marks a
    // name that is unused on purpose (a parameter a signature requires, a property left out of a rest object).
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-unused-expressions': 'error',
    },
  },
  {
    // Not React code: Playwright fixtures receive a `use` callback and test helpers are named `use…`, which the
    // hooks rule would take for React hooks.
    files: ['e2e/**', 'test/**', 'bench/**', 'scripts/**', 'lib/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    // Playwright reads a fixture's dependencies from its first parameter, which must be a destructuring pattern: `{}` for none.
    files: ['e2e/**'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },
  {
    // CommonJS config files read by Next and Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
]);

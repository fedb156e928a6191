// One lint configuration for the whole repository (ESLint flat config).
// TypeScript: typescript-eslint's recommended type-checked rules, with each file's own tsconfig
// (backend, frontend, packages/contracts). Imports: no cycles anywhere, the layering rule
// that observability/ is a ground floor (features import it, never the reverse), and SQL only in repositories.
// Formatting is Prettier's job (.prettierrc), so no stylistic rules here.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-bench/**',
      'data/**',
      'artifacts/**',
      'coverage/**',
      '.tmp/**',
      'backend/drizzle/**',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['backend/vitest.config.mts', 'backend/drizzle.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads each imported module itself (for no-cycle): TypeScript files with the TypeScript parser.
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.json'] })],
    },
    rules: {
      // Unused code fails here as it does in tsc; a leading underscore marks a deliberately unused parameter.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Express handlers and React event props take async functions by design (Express 5 forwards rejections).
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // `${n}` of numbers and booleans is clear; objects and unknowns in templates are still errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // An async function without an await still answers with a promise and turns a throw into a rejection:
      // that is what the Promise-returning interfaces it implements ask for.
      '@typescript-eslint/require-await': 'off',
      // A variable read by a callback before its one assignment (a logger handed to its own transport) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
    },
  },
  {
    // Tests read response bodies from supertest and fetch, typed `any` by those libraries; the assertions
    // that follow are the check. Everything else (floating promises, unused code, cycles) still applies.
    files: ['**/*.test.ts', 'backend/test/**/*.ts', 'backend/e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // The ground floor: observability/ never imports features (or the composition roots that wire them).
    files: ['backend/src/observability/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(features|integrations|realtime|jobs)(/|$)|^\\.\\./\\.\\./(app|container|server|worker|worker-process|main)$',
              message: 'observability/ is imported by features and the app, never the reverse: move the shared piece down, or inject it.',
            },
          ],
        },
      ],
    },
  },
  {
    // SQL lives in repositories: only *.repository.ts files, backend/src/db/ and the test harness may import
    // drizzle-orm or the table definitions. A service asks its repository; a route asks its service. Types
    // from db/schema (a status, a media type) are fine anywhere.
    files: ['backend/**/*.ts'],
    ignores: [
      '**/*.repository.ts',
      'backend/src/db/**',
      '**/*.test.ts',
      'backend/src/test/**',
      'backend/src/e2e/**',
      'backend/src/bench/**',
      'backend/test/**',
      'backend/e2e/**',
      'backend/bench/**',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^drizzle-orm(/|$)',
              message: 'Queries belong in a *.repository.ts beside this file: add a method there and call it.',
            },
            {
              regex: '(^|/)db/schema$',
              allowTypeImports: true,
              message: 'Tables are read and written only by repositories: add a method to a *.repository.ts and call it.',
            },
          ],
        },
      ],
    },
  },
  {
    // The web app's pages are thin shells over components/ and hooks/: a page never imports another
    // page, and components and hooks never import a page. A piece two pages share moves down. A page's
    // own stylesheet beside it is not a page.
    files: ['frontend/src/**/*.ts', 'frontend/src/**/*.tsx'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: './frontend/src/pages',
              from: './frontend/src/pages/**/*.{ts,tsx}',
              message: 'A page does not import another page: move the shared piece into frontend/src/components or frontend/src/hooks.',
            },
            {
              target: ['./frontend/src/components', './frontend/src/hooks'],
              from: './frontend/src/pages/**/*.{ts,tsx}',
              message: 'Components and hooks are what pages are built from; they never import a page.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript: the repository scripts and this file (Node ESM), linted without type information.
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        AbortSignal: 'readonly',
      },
    },
  },
  {
    // The web app's service worker runs in the browser's ServiceWorkerGlobalScope.
    files: ['frontend/public/sw.js'],
    languageOptions: { globals: { self: 'readonly', URL: 'readonly' } },
  },
);

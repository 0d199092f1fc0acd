// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Imports that would tie core/ to one runtime or to an outer layer. */
const corePortability = {
  patterns: [
    {
      group: [
        'node:*',
        'fs',
        'fs/*',
        'path',
        'os',
        'child_process',
        'worker_threads',
        'net',
        'http',
      ],
      message: 'core/ runs in browser workers and in Node alike: no Node built-ins here.',
    },
    {
      group: [
        '**/web/**',
        '**/host/**',
        '**/workers/**',
        'react',
        'react-dom',
        '@xterm/*',
        'ws',
        'koffi',
      ],
      message:
        'core/ is the innermost layer: web/, workers/ and host/ depend on it, never the reverse.',
    },
  ],
};

/** Globals that exist only in one runtime. */
const runtimeGlobals = [
  'document',
  'window',
  'navigator',
  'localStorage',
  'process',
  'Buffer',
  'require',
  '__dirname',
].map((name) => ({
  name,
  message: `core/ must not reach for \`${name}\`: it is not available in every runtime.`,
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.tsbuild/',
      'test-results/',
      'playwright-report/',
      'public/images/',
      'bench/results/',
      'cpu/assembly/',
      'cpu/build/',
      'images/.build/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A binding a closure reads before its one assignment (late-bound callbacks) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts', 'core/**/test-support/**'],
    languageOptions: { globals: { ...globals.es2021 } },
    rules: {
      'no-restricted-imports': ['error', corePortability],
      'no-restricted-globals': ['error', ...runtimeGlobals],
    },
  },
  {
    files: ['web/**/*.{ts,tsx}', 'workers/browser/**/*.ts', 'public/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['web/**/*.{ts,tsx}', 'workers/browser/**/*.ts', 'workers/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/host/**', 'node:*'],
              message: 'Browser code cannot use host/ or Node built-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'host/**/*.ts',
      'scripts/**/*.{ts,mjs,js}',
      'test-support/**/*.ts',
      'e2e/**/*.{ts,mjs}',
      'bench/**/*.{ts,mjs}',
      'images/**/*.{ts,mjs}',
      '*.{js,ts,mjs}',
      '**/*.test.ts',
      'workers/node/**/*.ts',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/web/**'], message: 'host/ must not depend on the browser UI.' }],
        },
      ],
    },
  },
);

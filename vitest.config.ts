import { defineConfig } from 'vitest/config';

/**
 * Two suites: `unit` (fast, parallel, everything named *.test.ts) and `integration`
 * (*.int.test.ts: boots VMs, spawns QEMU or the daemon; run one file at a time so two
 * cores are not oversubscribed and timings stay meaningful).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts', '**/*.test.tsx'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', 'e2e/**', 'dist/**', '.tsbuild/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', 'dist/**', '.tsbuild/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

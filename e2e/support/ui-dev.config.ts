/**
 * The main Playwright config pointed at an already running server (UI_BASE_URL, default a
 * `vite preview` on port 4190) instead of building and serving on the shared port: for iterating
 * on e2e/ui.spec.ts while other engineers use port 4173.
 *   npx playwright test -c e2e/support/ui-dev.config.ts e2e/ui.spec.ts
 */
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

export default defineConfig({
  ...base,
  testDir: '..',
  outputDir: '../../test-results/ui-dev',
  reporter: 'list',
  use: { ...base.use, baseURL: process.env.UI_BASE_URL ?? 'http://127.0.0.1:4190' },
  webServer: [],
});

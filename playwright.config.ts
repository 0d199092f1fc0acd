import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/support/chromium';

/** The port the start command serves on during e2e, and a second, header-less static server. */
export const START_PORT = 4173;
export const PLAIN_PORT = 4174;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 120_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '.test-results/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${START_PORT}`,
    launchOptions: chromiumLaunchOptions(),
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: [
    {
      // Exactly the README's start command (after `npm ci`): build, then serve with the headers.
      command: 'npm start',
      url: `http://127.0.0.1:${START_PORT}/`,
      env: { PORT: String(START_PORT), HOST: '127.0.0.1' },
      reuseExistingServer: !process.env.CI,
      timeout: 300_000,
      stdout: 'pipe',
    },
    {
      // Serves the same build without any isolation headers, like a plain static host.
      command: `node e2e/support/plain-static-server.mjs dist ${PLAIN_PORT}`,
      url: `http://127.0.0.1:${PLAIN_PORT}/healthz`,
      reuseExistingServer: !process.env.CI,
      timeout: 300_000,
    },
  ],
});

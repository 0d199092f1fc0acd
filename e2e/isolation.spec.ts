import { test, expect } from '@playwright/test';
import { chromiumAvailable, CHROMIUM_PATH } from './support/chromium';
import { PLAIN_PORT } from '../playwright.config';

const noChromium = !chromiumAvailable();
if (noChromium)
  console.log(`e2e skipped: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium)`);

test.describe('cross-origin isolation', () => {
  test.skip(noChromium, `no Chromium at ${CHROMIUM_PATH}`);

  test('the start command serves an isolated page whose worker writes shared memory', async ({
    page,
  }, testInfo) => {
    await page.goto('/');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    const status = page.getByTestId('shared-memory-status');
    await expect(status).toContainText('Shared memory ready', { timeout: 15_000 });
    await expect(status).toContainText('0x4b696e64');
    const shot = await page.screenshot({ path: testInfo.outputPath('isolated-page.png') });
    await testInfo.attach('isolated-page', { body: shot, contentType: 'image/png' });
  });

  test('without headers, the service worker makes the page isolated after one reload', async ({
    page,
  }) => {
    await page.goto(`http://127.0.0.1:${PLAIN_PORT}/`);
    await expect(page.getByTestId('shared-memory-status')).toContainText('Shared memory ready', {
      timeout: 20_000,
    });
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  });

  test('without headers or service worker, the page explains why VMs cannot run', async ({
    browser,
  }) => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${PLAIN_PORT}/`);
    const error = page.getByTestId('isolation-error');
    await expect(error).toBeVisible({ timeout: 15_000 });
    await expect(error).toContainText('Cross-Origin-Embedder-Policy');
    expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('undefined');
    await context.close();
  });
});

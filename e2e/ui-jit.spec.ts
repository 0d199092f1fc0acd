/**
 * The playground's CPU engine setting (issue 11): choose the JIT in the launch form, boot, and the
 * live stats panel shows what ran translated, the translation cache, compile time and the
 * hotness threshold (lower once the guest idles).
 */
import { test, expect } from '@playwright/test';
import { chromiumAvailable, CHROMIUM_PATH } from './support/chromium';
import { typeLine, waitForConsole, waitForShell } from './support/playground-page';

const noChromium = !chromiumAvailable();
if (noChromium) console.log(`JIT UI e2e skipped: no Chromium at ${CHROMIUM_PATH}`);

test.describe('playground UI with the JIT', () => {
  test.skip(noChromium, `no Chromium at ${CHROMIUM_PATH}`);
  test.setTimeout(90_000);

  test('the launch form boots with the JIT and the live stats show its figures', async ({
    page,
  }) => {
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    await page.goto('/');
    const select = page.getByTestId('jit-select');
    await expect(select).toHaveValue('mixed'); // the default since the JIT's figures justify it
    const network = page.getByTestId('network-check');
    if (await network.isChecked()) await network.click();
    await page.getByTestId('boot').click();
    await waitForShell(page, 'vm1');
    const from = await typeLine(page, 'vm1', 'echo jit-$((6 * 7))');
    await waitForConsole(page, 'vm1', 'jit-42', from);
    const stats = page.getByTestId('jit-stats');
    await expect(stats).toContainText('JIT translated', { timeout: 10_000 });
    await expect(stats).toContainText(/\d+ %/);
    await expect(stats).toContainText('blocks / cache');
    // Idle at its prompt, the guest has settled: mixed mode's threshold is the lower one.
    await expect(stats).toContainText(/hot after\s*8\.0 k instr/, { timeout: 10_000 });
    await expect(page.getByTestId('ips')).not.toHaveText('—');
  });
});

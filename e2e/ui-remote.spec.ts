/**
 * Remote mode: the playground lists a host gateway's VMs and attaches to one's serial console over
 * a WebSocket as the writer, then types a command into it.
 */
import { test, expect } from '@playwright/test';
import { chromiumAvailable, CHROMIUM_PATH } from './support/chromium';
import { startHostGateway, type HostGateway } from './support/host-gateway';

const noChromium = !chromiumAvailable();
if (noChromium) console.log(`ui remote e2e skipped: no Chromium at ${CHROMIUM_PATH}`);

test.describe('playground remote mode', () => {
  test.skip(noChromium, `no Chromium at ${CHROMIUM_PATH}`);
  test.setTimeout(150_000);

  let gateway: HostGateway | undefined;
  test.afterAll(() => gateway?.stop());

  test('lists the host VMs and types into one console as the writer', async ({ page, baseURL }) => {
    gateway = await startHostGateway(new URL(baseURL!).origin);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/');
    await page.getByTestId('tab-remote').click();
    await page.getByTestId('remote-url').fill(gateway.base);
    await page.getByTestId('remote-token').fill(gateway.token);
    await page.getByTestId('remote-connect').click();
    const row = page.getByTestId('remote-vms').getByRole('row', { name: /alpha/ });
    await expect(row).toContainText('riscv64');
    await expect(row).toContainText('wasm');

    await page.getByLabel('writer (type into the console)').check();
    await row.getByRole('button', { name: 'Attach' }).click();
    const terminal = page.getByTestId('remote-terminal');
    await expect(page.getByTestId('remote-panel')).toContainText('writer', { timeout: 10_000 });
    await expect(terminal).toContainText('boot complete', { timeout: 90_000 });
    await terminal.click();
    await page.keyboard.type('echo remote-$((6 * 7))');
    await page.keyboard.press('Enter');
    await expect(terminal.locator('.xterm-rows')).toContainText('remote-42', { timeout: 20_000 });
    const shot = await page.screenshot({ path: test.info().outputPath('remote.png') });
    await test.info().attach('remote', { body: shot, contentType: 'image/png' });
  });
});

/**
 * The playground UI in Chromium, driven like a person: boot the default preset from the launch
 * form, type into xterm, run top, pause/resume, watch the Inspector (UART exits while typing, a
 * virtqueue advancing during disk I/O), download a snapshot and restore it into a fresh VM, ping
 * between two VMs on the page's switch, and boot a kernel + initrd chosen with the file pickers.
 * One page and one booted VM are reused across the steps; screenshots are attached.
 */
import { test, expect, type Page, type TestInfo } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { chromiumAvailable, CHROMIUM_PATH } from './support/chromium';
import {
  BOOT_TIMEOUT,
  consoleText,
  screenText,
  typeLine,
  waitForConsole,
  waitForShell,
} from './support/playground-page';

const noChromium = !chromiumAvailable();
if (noChromium)
  console.log(`ui e2e skipped: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium)`);

const imageFile = (name: string) =>
  fileURLToPath(new URL(`../public/images/riscv64/${name}`, import.meta.url));

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const body = await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

async function attachConsole(page: Page, testInfo: TestInfo, vmId: string): Promise<void> {
  await testInfo.attach(`console-${vmId}.txt`, {
    body: await consoleText(page, vmId),
    contentType: 'text/plain',
  });
}

async function bootFromForm(page: Page, vmId: string, network = true): Promise<void> {
  await page.getByTestId('tab-new').click();
  const check = page.getByTestId('network-check');
  if ((await check.isChecked()) !== network) await check.click();
  await page.getByTestId('boot').click();
  await expect(page.getByTestId(`tab-${vmId}`)).toBeVisible();
  await waitForShell(page, vmId);
}

test.describe.serial('playground UI', () => {
  test.skip(noChromium, `no Chromium at ${CHROMIUM_PATH}`);
  test.setTimeout(240_000);

  let page: Page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    await page.goto('/');
    await expect(page.getByTestId('shared-memory-status')).toContainText('Shared memory ready', {
      timeout: 20_000,
    });
  });
  test.afterAll(async () => {
    await page.close();
  });

  test('boot the default preset; echo, top, pause and resume from the UI', async () => {
    const testInfo = test.info();
    try {
      await expect(page.getByTestId('preset-select')).toHaveValue('riscv64-virt');
      await shot(page, testInfo, '01-launch-form');
      await bootFromForm(page, 'vm1');
      await expect(page.getByTestId('boot-timeline')).toContainText('shell');
      await shot(page, testInfo, '02-booted');

      const from = await typeLine(page, 'vm1', 'echo hello');
      await waitForConsole(page, 'vm1', /\r\nhello\r\n/, from);
      await expect.poll(() => screenText(page, 'vm1')).toMatch(/^hello$/m);

      await typeLine(page, 'vm1', 'top');
      await expect
        .poll(() => screenText(page, 'vm1'), { timeout: 15_000 })
        .toMatch(/PID\s+PPID\s+USER/);
      await expect.poll(() => screenText(page, 'vm1')).toMatch(/^Mem: /m);
      await shot(page, testInfo, '03-top');
      await page.keyboard.press('q');
      // top leaves its last frame on screen; that the shell runs the next line shows it quit.
      const after = await typeLine(page, 'vm1', 'echo top-quit-$((40 + 2))');
      await waitForConsole(page, 'vm1', 'top-quit-42', after);

      await page.getByTestId('pause').click();
      await expect(page.getByTestId('workspace-vm1').getByTestId('vm-status')).toHaveText('paused');
      const whilePaused = await typeLine(page, 'vm1', 'echo resumed-$((6 * 7))');
      await page.waitForTimeout(1000);
      expect((await consoleText(page, 'vm1')).slice(whilePaused)).not.toContain('resumed-42');
      await shot(page, testInfo, '04-paused');
      await page.getByTestId('resume').click();
      await expect(page.getByTestId('workspace-vm1').getByTestId('vm-status')).toHaveText(
        'running',
      );
      // Input typed while paused waited in the UART; after resume the shell runs it.
      await waitForConsole(page, 'vm1', 'resumed-42', whilePaused);
      await expect(page.getByTestId('ips')).not.toHaveText('—', { timeout: 5_000 });
    } finally {
      await attachConsole(page, testInfo, 'vm1');
    }
  });

  test('the Inspector shows UART exits while typing and a virtqueue advancing on disk I/O', async () => {
    const testInfo = test.info();
    await page.getByTestId('inspector-tab-bus').click();
    await expect(page.getByTestId('bus-map')).toContainText('uart');
    await page.getByTestId('inspector-tab-exits').click();
    await typeLine(page, 'vm1', 'echo exits');
    await expect(page.getByTestId('exit-log')).toContainText('THR (transmit)', { timeout: 10_000 });
    await expect(page.getByTestId('exit-log')).toContainText('LSR (line status)');
    await shot(page, testInfo, '05-inspector-exits');

    await page.getByTestId('inspector-tab-vq').click();
    const blk = page.getByTestId('vq-device');
    const blkValue = await blk.locator('option', { hasText: 'virtio-blk' }).getAttribute('value');
    await blk.selectOption(blkValue!);
    const usedIdx = page.getByTestId('vq-used-idx');
    await expect(usedIdx).toHaveText(/^\d+$/, { timeout: 10_000 });
    const before = Number(await usedIdx.textContent());
    await typeLine(
      page,
      'vm1',
      'dd if=/dev/vda of=/dev/null bs=4096 count=512 iflag=direct 2>/dev/null || dd if=/dev/vda of=/dev/null bs=4096 count=512',
    );
    await expect
      .poll(async () => Number(await usedIdx.textContent()), { timeout: 20_000 })
      .toBeGreaterThan(before);
    await expect(page.getByTestId('workspace-vm1').getByTestId('virtqueue-rates')).toContainText(
      'blk:disk',
    );
    await shot(page, testInfo, '06-inspector-virtqueue');

    await page.getByTestId('inspector-tab-dt').click();
    await expect(page.getByTestId('device-tree')).toContainText('riscv,isa');
    await page.getByTestId('inspector-tab-cpu').click();
    await expect(page.getByTestId('hart-pc')).toContainText(/-mode/);
    await page.getByTestId('walk-address').fill('');
    await page.getByRole('button', { name: 'Translate' }).click();
    await expect(page.getByTestId('walk-result')).toContainText('→');
    await shot(page, testInfo, '07-inspector-vcpu');
  });

  test('download a snapshot and restore it into a fresh VM that answers', async () => {
    const testInfo = test.info();
    const downloading = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByTestId('workspace-vm1').getByTestId('snapshot').click();
    const download = await downloading;
    const path = testInfo.outputPath('vm1.kvmsnap');
    await download.saveAs(path);
    await expect(page.getByTestId('workspace-vm1').getByTestId('vm-status')).toHaveText('paused');

    await page.getByTestId('tab-new').click();
    await page.getByTestId('restore-file').setInputFiles(path);
    await expect(page.getByTestId('tab-vm2')).toBeVisible();
    await expect(page.getByTestId('workspace-vm2').getByTestId('vm-status')).toHaveText('running', {
      timeout: 30_000,
    });
    const from = await typeLine(page, 'vm2', 'echo restored-$((6 * 7))');
    await waitForConsole(page, 'vm2', 'restored-42', from, 30_000);
    await shot(page, testInfo, '08-restored');
    await attachConsole(page, testInfo, 'vm2');
    await page.getByTestId('workspace-vm2').getByTestId('close-vm').click();

    await page.getByTestId('tab-vm1').click();
    await page.getByTestId('workspace-vm1').getByTestId('resume').click();
    await expect(page.getByTestId('workspace-vm1').getByTestId('vm-status')).toHaveText('running');
  });

  test('two VMs on the page switch: ping, then a TCP line from one to the other', async () => {
    const testInfo = test.info();
    try {
      await bootFromForm(page, 'vm3');
      let from = await typeLine(
        page,
        'vm3',
        'ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up && echo up-$((1+1))',
      );
      await waitForConsole(page, 'vm3', 'up-2', from);
      const listening = await typeLine(page, 'vm3', 'nc -l -p 7000');
      await page.getByTestId('tab-vm1').click();
      from = await typeLine(
        page,
        'vm1',
        'ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up && echo up-$((0+1))',
      );
      await waitForConsole(page, 'vm1', 'up-1', from);
      from = await typeLine(page, 'vm1', 'ping -c 2 10.0.0.2');
      await waitForConsole(page, 'vm1', /2 packets transmitted, 2 packets received/, from, 30_000);
      from = await typeLine(
        page,
        'vm1',
        'echo over-the-switch-$((6 * 7)) | nc 10.0.0.2 7000; ip neigh',
      );
      // The listener prints the line it received; vm1 learned vm3's MAC through ARP.
      await waitForConsole(page, 'vm3', 'over-the-switch-42', listening, 30_000);
      await waitForConsole(
        page,
        'vm1',
        /10\.0\.0\.2 dev eth0 lladdr 02:4b:4e:00:00:02/i,
        from,
        30_000,
      );
      await shot(page, testInfo, '09-network');
    } finally {
      await attachConsole(page, testInfo, 'vm1');
      await attachConsole(page, testInfo, 'vm3');
    }
    await page.getByTestId('tab-vm3').click();
    await page.getByTestId('workspace-vm3').getByTestId('close-vm').click();
  });

  test('boot a kernel and initrd chosen with the file pickers', async () => {
    const testInfo = test.info();
    await page.getByTestId('tab-new').click();
    await page.getByText('Bring your own kernel, initrd, disk').click();
    await page.getByTestId('kernel-file').setInputFiles(imageFile('Image.gz'));
    await page.getByTestId('initrd-file').setInputFiles(imageFile('initramfs.cpio.gz'));
    await expect(page.getByTestId('boot')).toContainText('Image.gz');
    await shot(page, testInfo, '10-own-files');
    await page.getByTestId('network-check').uncheck();
    await page.getByTestId('boot').click();
    await waitForShell(page, 'vm4');
    const from = await typeLine(page, 'vm4', 'uname -m');
    await waitForConsole(page, 'vm4', /\r\nriscv64\r\n/, from);
    await attachConsole(page, testInfo, 'vm4');
  });

  test('narrow window, dark theme and the shortcut help', async () => {
    const testInfo = test.info();
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('help-button').click();
    await expect(page.getByTestId('help')).toContainText('Ctrl+Shift+C');
    await shot(page, testInfo, '11-help-theme');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 400, height: 800 });
    await expect(page.getByTestId('terminal-vm4')).toBeVisible();
    await shot(page, testInfo, '12-narrow');
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  test('a kernel that does not boot shows why; power off shows the stop reason; reset boots again', async () => {
    const testInfo = test.info();
    await page.getByTestId('tab-vm4').click();
    await page.getByTestId('workspace-vm4').getByTestId('close-vm').click();
    await page.getByTestId('tab-new').click();
    await page.getByText('Bring your own kernel, initrd, disk').click();
    // The initramfs as the kernel: not a RISC-V Image, so the VMM refuses to boot it.
    await page.getByTestId('kernel-file').setInputFiles(imageFile('initramfs.cpio.gz'));
    await page.getByTestId('boot').click();
    const bad = page.getByTestId('workspace-vm5');
    await expect(bad.getByTestId('vm-error')).toContainText('not a RISC-V Linux Image', {
      timeout: BOOT_TIMEOUT,
    });
    await expect(bad.getByTestId('vm-status')).toHaveText('failed');
    await shot(page, testInfo, '13-bad-kernel');
    await bad.getByTestId('close-vm').click();

    await page.getByTestId('tab-vm1').click();
    const vm1 = page.getByTestId('workspace-vm1');
    await vm1.getByTestId('poweroff').click();
    await expect(vm1.getByTestId('vm-status')).toHaveText('stopped', { timeout: 30_000 });
    await expect(vm1.getByTestId('vm-stopped')).toContainText('the guest powered off');
    await shot(page, testInfo, '14-powered-off');
    await vm1.getByTestId('reset').click();
    await waitForShell(page, 'vm1');
    const from = await typeLine(page, 'vm1', 'echo again-$((6 * 7))');
    await waitForConsole(page, 'vm1', 'again-42', from);
    await expect(vm1.getByTestId('vm-stopped')).toHaveCount(0);
  });
});

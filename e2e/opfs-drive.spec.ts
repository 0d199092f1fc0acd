/**
 * Persistent browser storage for virtio-blk: a drive at `opfs:NAME` lives in the Origin Private
 * File System. A guest writes and syncs a file on it; after that VM's worker is gone, a new VMM
 * worker reads the same OPFS file and finds the guest's bytes.
 */
import { test, expect } from '@playwright/test';
import { chromiumAvailable, CHROMIUM_PATH } from './support/chromium';
import { openKindling, run } from './support/kindling-page';

const noChromium = !chromiumAvailable();

test.describe('OPFS-backed drive', () => {
  test.skip(noChromium, `no Chromium at ${CHROMIUM_PATH}`);
  test.setTimeout(120_000);

  test('data a guest syncs to an opfs: drive outlives its VM', async ({ page }) => {
    await openKindling(page);
    const token = `opfs-${Date.now().toString(36)}`;
    const drive = `opfs:kindling-e2e-${Date.now().toString(36)}.ext4`;
    await page.evaluate(
      async ({ drive }) => {
        const k = window.kindling;
        const image = k.findImage(await k.loadManifest());
        const disk = await k.fetchImageFile(k.imageFile(image, 'disk')!);
        const session = await k.VmSession.open();
        k.sessions.set('opfs', session);
        await k.configurePreset(session.vm, image, { vcpus: 1, memMib: 128 });
        await k.putFile(session.vm, drive, disk);
        await k.callApi(session.vm, 'PUT', '/drives/data', {
          drive_id: 'data',
          path_on_host: drive,
          is_root_device: false,
          is_read_only: false,
        });
        await k.startVm(session.vm);
        await session.waitFor(k.BOOT_MARKER, 60_000);
      },
      { drive },
    );
    await run(page, 'opfs', 'mount -t ext4 /dev/vda /mnt');
    await run(page, 'opfs', `echo ${token} > /mnt/token; sync; umount /mnt`);

    const found = await page.evaluate(
      async ({ drive, token }) => {
        const k = window.kindling;
        k.sessions.get('opfs')!.dispose(); // the worker and its exclusive OPFS handle go away
        const reader = k.createVm();
        try {
          const bytes = await reader.api.readFile(drive);
          const needle = new TextEncoder().encode(token);
          outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
            for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
            return true;
          }
          return false;
        } finally {
          reader.dispose();
          const root = await navigator.storage.getDirectory();
          await root.removeEntry(drive.slice('opfs:'.length));
        }
      },
      { drive, token },
    );
    expect(found).toBe(true);
  });
});

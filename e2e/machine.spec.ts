/**
 * The riscv64 microVM in Chromium: VMM and vCPU Web Workers behind Comlink, driven through
 * `window.kindling` on the start command's page. Boots the bundled Linux image with 1 and 2 harts,
 * uses the shell, a virtio-blk ext4 disk and virtio-rng, powers off, and moves a paused VM through
 * a snapshot into a new VMM worker.
 */
import { test, expect, type Page, type TestInfo } from '@playwright/test';
import { chromiumAvailable, CHROMIUM_PATH } from './support/chromium';
import { bootSession, openKindling, run, transcript } from './support/kindling-page';

const noChromium = !chromiumAvailable();
if (noChromium)
  console.log(`e2e skipped: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium)`);

async function attachTranscript(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(`console-${name}.txt`, {
    body: await transcript(page, name),
    contentType: 'text/plain',
  });
}

test.describe.serial('riscv64 machine in Web Workers', () => {
  test.skip(noChromium, `no Chromium at ${CHROMIUM_PATH}`);
  test.setTimeout(120_000);

  let page: Page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    await openKindling(page);
  });
  test.afterAll(async () => {
    await page.evaluate(() => window.kindling.sessions.forEach((s) => s.dispose()));
    await page.close();
  });

  test('the API refuses to start without a kernel, with a Firecracker fault', async () => {
    const answer = await page.evaluate(async () => {
      const vm = window.kindling.createVm();
      try {
        const start = await vm.api.request(
          'PUT',
          '/actions',
          JSON.stringify({ action_type: 'InstanceStart' }),
        );
        const unknown = await vm.api.request('GET', '/no-such-thing');
        return { start, unknown };
      } finally {
        vm.dispose();
      }
    });
    expect(answer.start.status).toBe(400);
    expect(JSON.stringify(answer.start.body)).toContain('fault_message');
    expect(answer.unknown.status).toBe(404);
  });

  test('1 hart: boots to the marker; uname, hwrng, an ext4 disk, then poweroff', async () => {
    const testInfo = test.info();
    try {
      const ms = await bootSession(page, 'one', { vcpus: 1, disk: true, entropy: true });
      testInfo.annotations.push({ type: 'boot-to-marker ms (1 hart)', description: ms.toFixed(0) });

      expect(await run(page, 'one', 'uname -a')).toMatch(/^Linux kindling 6\.1\.\d+ .*riscv64/m);

      const random = await run(page, 'one', 'head -c 16 /dev/hwrng | od -x');
      // od -x: an offset and eight 16-bit words, then the final offset 0000020.
      expect(random).toMatch(/^0000000( [0-9a-f]{4}){8}\s*$/m);
      expect(random).toContain('0000020');

      await run(page, 'one', 'mount /dev/vda /mnt');
      expect(await run(page, 'one', 'grep /dev/vda /proc/mounts')).toContain('/mnt ext4');
      await run(page, 'one', 'echo written-in-chromium-$((6 * 7)) > /mnt/hello.txt && sync');
      expect(await run(page, 'one', 'cat /mnt/hello.txt')).toContain('written-in-chromium-42');
      await run(page, 'one', 'umount /mnt');
      expect(await run(page, 'one', 'grep -c /dev/vda /proc/mounts')).toContain('0');

      // The guest's writes landed in the VMM's file store: the page can download the disk.
      const onDisk = await page.evaluate(async () => {
        const vm = window.kindling.sessions.get('one')!.vm;
        const path = (await vm.api.listFiles()).find((f) => f.path.includes('disk'))!.path;
        const bytes = await vm.api.readFile(path);
        let text = '';
        for (let i = 0; i < bytes.length; i += 65536)
          text += String.fromCharCode(...bytes.subarray(i, i + 65536));
        return text.includes('written-in-chromium-42');
      });
      expect(onDisk).toBe(true);

      const stopped = await page.evaluate(async () => {
        const session = window.kindling.sessions.get('one')!;
        await session.type('poweroff\n');
        return session.waitForEvent('stopped', 30_000);
      });
      expect(stopped.reason).toEqual({ kind: 'poweroff' });
      expect(stopped.description).toBe('the guest powered off');
      expect(stopped.lastLines.join('\n')).toMatch(/poweroff|Power down|reboot: /i);
    } finally {
      await attachTranscript(page, testInfo, 'one');
    }
  });

  test('2 harts: /proc/cpuinfo lists both; inspectors answer', async () => {
    const testInfo = test.info();
    try {
      const ms = await bootSession(page, 'two', { vcpus: 2 });
      testInfo.annotations.push({
        type: 'boot-to-marker ms (2 harts)',
        description: ms.toFixed(0),
      });
      const cpuinfo = await run(page, 'two', 'cat /proc/cpuinfo');
      expect(cpuinfo).toMatch(/^hart\s*: 0$/m);
      expect(cpuinfo).toMatch(/^hart\s*: 1$/m);
      expect(await run(page, 'two', 'grep -c ^processor /proc/cpuinfo')).toContain('2');

      const inspected = await page.evaluate(async () => {
        const api = window.kindling.sessions.get('two')!.vm.api;
        const metrics = (await api.metrics())!;
        const hart = await api.readHartState(0);
        const bus = await api.busMap();
        const dtb = await api.deviceTree();
        const pcPhysical = await api.translate(0, hart.csrs.stvec!);
        await api.recordExits(true);
        await window.kindling.sessions.get('two')!.run('echo exits');
        const exits = await api.recentExits();
        await api.recordExits(false);
        return {
          harts: metrics.harts.map((h) => h.instret > 0),
          satpMode: Number(hart.csrs.satp! >> 60n),
          bus: bus.map((b) => `${b.name}@${b.base.toString(16)}${b.irq ? `/irq${b.irq}` : ''}`),
          dtbMagic: (dtb[0]! << 24) | (dtb[1]! << 16) | (dtb[2]! << 8) | dtb[3]!,
          pcPhysicalInRam: pcPhysical !== null && pcPhysical >= 0x8000_0000n,
          uartExits: exits.filter((e) => e.device === 'uart').length,
        };
      });
      expect(inspected.harts).toEqual([true, true]);
      expect([8, 9]).toContain(inspected.satpMode); // Sv39 or Sv48: Linux runs with paging
      expect(inspected.bus).toContain('uart@10000000/irq10');
      expect(inspected.bus).toContain('plic@c000000');
      expect(inspected.dtbMagic >>> 0).toBe(0xd00dfeed);
      expect(inspected.pcPhysicalInRam).toBe(true);
      expect(inspected.uartExits).toBeGreaterThan(0);
    } finally {
      await attachTranscript(page, testInfo, 'two');
    }
  });

  test('snapshot: pause, create, load into a new VMM worker, resume, the shell answers', async () => {
    const testInfo = test.info();
    try {
      const states = await page.evaluate(async () => {
        const k = window.kindling;
        const source = k.sessions.get('two')!;
        const files = await k.takeSnapshot(source.vm);
        const sizes = Object.fromEntries(Object.entries(files).map(([p, b]) => [p, b.length]));
        const paused = await k.callApi(source.vm, 'GET', '/');
        source.dispose();
        k.sessions.delete('two');

        const vm = await k.restoreSnapshot(files);
        const restored = await k.VmSession.open(vm);
        k.sessions.set('restored', restored);
        const beforeResume = await k.callApi(vm, 'GET', '/');
        await k.callApi(vm, 'PATCH', '/vm', { state: 'Resumed' });
        const afterResume = await k.callApi(vm, 'GET', '/');
        return { sizes, paused, beforeResume, afterResume };
      });
      expect((states.paused.body as { state: string }).state).toBe('Paused');
      expect((states.beforeResume.body as { state: string }).state).toBe('Paused');
      expect((states.afterResume.body as { state: string }).state).toBe('Running');
      // The memory file is guest RAM in a checksummed container.
      expect(states.sizes['snapshot/vm.mem']).toBeGreaterThanOrEqual(128 * 1024 * 1024);
      expect(states.sizes['snapshot/vm.state']).toBeGreaterThan(0);

      expect(
        await run(
          page,
          'restored',
          'echo restored-$((6 * 7)) on $(grep -c ^processor /proc/cpuinfo) harts',
        ),
      ).toContain('restored-42 on 2 harts');
    } finally {
      await attachTranscript(page, testInfo, 'restored');
    }
  });

  test('bench hook: kindling.bootToMarker times start → marker for 1 and 2 harts', async () => {
    const testInfo = test.info();
    const times = await page.evaluate(async () => ({
      one: await window.kindling.bootToMarker({ vcpus: 1 }),
      two: await window.kindling.bootToMarker({ vcpus: 2 }),
    }));
    console.log(
      `Chromium boot to marker: 1 hart ${times.one.toFixed(0)} ms, 2 harts ${times.two.toFixed(0)} ms`,
    );
    testInfo.annotations.push({ type: 'bootToMarker ms', description: JSON.stringify(times) });
    for (const ms of [times.one, times.two]) {
      expect(ms).toBeGreaterThan(100);
      expect(ms).toBeLessThan(60_000);
    }
  });
});

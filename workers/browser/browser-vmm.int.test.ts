/**
 * The browser VMM's contract served in Node (worker_threads instead of Web Workers): the bundled
 * image booted through the Firecracker API, console, events and inspectors. This is the parity
 * check that VmmApi does not depend on the browser; the same flows run in Chromium in e2e/.
 */
import { describe, expect, it } from 'vitest';
// This test runs in Node (worker_threads stand in for Web Workers) and reads the image from disk.
// eslint-disable-next-line no-restricted-imports
import { existsSync, readFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports
import { gunzipSync } from 'node:zlib';
import { createNodeMachine, loadCpuModule } from '../node/node-machine';
import { BrowserVmm } from './browser-vmm';
import { BOOT_MARKER } from './boot-to-marker';
import type { VmmEvent } from './vmm-api';

const IMAGES = 'public/images/riscv64';
const haveImages = existsSync(`${IMAGES}/Image.gz`);
if (!haveImages) console.log(`browser VMM tests skipped: no bundled image at ${IMAGES}`);

const scheduler = {
  schedule(delayMs: number, callback: () => void) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};

function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

describe.skipIf(!haveImages)('BrowserVmm in Node', () => {
  it('boots through the API, reports boot time, inspects, and reports the poweroff', async () => {
    const vmm = new BrowserVmm({
      cpuModule: Promise.resolve(loadCpuModule()),
      createMachine: (spec) => createNodeMachine(spec),
      scheduler,
      nowMs: () => performance.now(),
    });
    let output = '';
    const chunks: number[] = [];
    await vmm.attachConsole((bytes) => {
      chunks.push(bytes.length);
      output += new TextDecoder().decode(bytes);
    });
    const events: VmmEvent[] = [];
    await vmm.onEvent((e) => events.push(e));

    await vmm.putFile('Image', new Uint8Array(gunzipSync(readFileSync(`${IMAGES}/Image.gz`))));
    await vmm.putFile('initrd', new Uint8Array(readFileSync(`${IMAGES}/initramfs.cpio.gz`)));
    const put = (path: string, body: unknown) => vmm.request('PUT', path, JSON.stringify(body));
    expect(
      (await put('/boot-source', { kernel_image_path: 'Image', initrd_path: 'initrd' })).status,
    ).toBe(204);
    expect((await put('/machine-config', { vcpu_count: 2, mem_size_mib: 128 })).status).toBe(204);
    expect((await put('/entropy', {})).status).toBe(204);
    expect((await put('/actions', { action_type: 'InstanceStart' })).status).toBe(204);

    await until(() => output.includes(BOOT_MARKER), 90_000, 'the boot marker');
    await until(() => events.some((e) => e.kind === 'booted'), 5_000, 'the booted event');
    await until(() => output.includes('# ', output.indexOf(BOOT_MARKER)), 20_000, 'the prompt');
    // Batched: far fewer deliveries than bytes.
    expect(chunks.length).toBeLessThan(output.length / 8);

    const booted = events.find((e) => e.kind === 'booted');
    expect(booted && booted.kind === 'booted' && booted.bootTimeUs).toBeGreaterThan(0);
    expect(events.slice(0, 2)).toEqual([
      { kind: 'state', state: 'Not started' },
      { kind: 'state', state: 'Running' },
    ]);

    const bus = await vmm.busMap();
    expect(bus.map((b) => b.name)).toEqual(
      expect.arrayContaining(['plic', 'uart', 'test-finisher', 'boot-timer', 'virtio-rng']),
    );
    expect(bus.find((b) => b.name === 'virtio-rng')).toMatchObject({ base: 0x1000_1000, irq: 1 });

    // The guest's rng driver set up queue 0 and has used it (hw_random reads at probe).
    const rng = await vmm.virtqueue(0, 0);
    expect(rng).toMatchObject({ device: 'virtio-rng', ready: true });
    expect(rng.usedIdx).toBeGreaterThan(0);
    expect(rng.descriptors.length).toBe(rng.size);
    await expect(vmm.virtqueue(5, 0)).rejects.toThrow('no virtio device in slot 5');

    const hart = await vmm.readHartState(1);
    expect(hart.x).toHaveLength(32);
    expect(hart.csrs.satp! >> 60n).toBeGreaterThanOrEqual(8n);
    const stvec = await vmm.translate(1, hart.csrs.stvec!);
    expect(stvec).not.toBeNull();
    expect(stvec!).toBeGreaterThanOrEqual(0x8000_0000n);
    expect(await vmm.translate(1, 0x10n)).toBeNull(); // page 0 is never mapped
    await expect(vmm.readHartState(2)).rejects.toThrow('hart must be 0..1');

    const dtb = await vmm.deviceTree();
    expect([...dtb.subarray(0, 4)]).toEqual([0xd0, 0x0d, 0xfe, 0xed]);

    await vmm.recordExits(true);
    await vmm.sendInput(new TextEncoder().encode('echo via-api-$((40 + 2))\n'));
    await until(() => output.includes('via-api-42'), 20_000, 'the command output');
    await vmm.recordExits(false);
    const exits = await vmm.recentExits();
    expect(exits.some((e) => e.device === 'uart' && e.write)).toBe(true);
    expect(exits.length).toBeLessThanOrEqual(256);

    const metrics = (await vmm.metrics())!;
    expect(metrics.harts.every((h) => h.instret > 0)).toBe(true);

    await vmm.sendInput(new TextEncoder().encode('poweroff\n'));
    await until(() => events.some((e) => e.kind === 'stopped'), 30_000, 'the stop');
    const stopped = events.find((e) => e.kind === 'stopped');
    expect(stopped).toMatchObject({
      reason: { kind: 'poweroff' },
      description: 'the guest powered off',
    });
    expect(stopped && stopped.kind === 'stopped' && stopped.lastLines.length).toBeGreaterThan(0);
  });
});

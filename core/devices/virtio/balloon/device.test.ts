import { describe, it, expect } from 'vitest';
import { GuardedMemory, RecordingLine } from '../../../test-support/test-memory';
import { VirtioTestDriver } from '../../../test-support/virtio-driver';
import { Interrupt, MmioReg } from '../../../virtio/constants';
import { VirtioMmioTransport } from '../../../virtio/mmio-transport';
import { BalloonDevice, BalloonFeature, type BalloonDeviceOptions } from './device';
import { restoreBalloon, saveBalloon } from './persist';
import { encodeStats } from './stats';

const BASE = 0x8000_0000;
const SIZE = 0x100000; // 256 pages
const PFN0 = BASE / 4096;

function setup(options: BalloonDeviceOptions = {}) {
  const memory = new GuardedMemory([{ start: BASE, size: SIZE }]);
  const device = new BalloonDevice(options);
  const transport = new VirtioMmioTransport(device, memory, new RecordingLine());
  const driver = new VirtioTestDriver(transport, memory, { start: BASE, end: BASE + 0x40000 });
  driver.init(options.stats ? 3 : 2);
  return { memory, device, transport, driver };
}

function pfns(list: number[]): Uint8Array {
  const out = new Uint8Array(list.length * 4);
  const v = new DataView(out.buffer);
  list.forEach((p, i) => v.setUint32(i * 4, p, true));
  return out;
}

describe('virtio-balloon', () => {
  it('tells the guest the target through config and reads back actual', () => {
    const { device, driver } = setup({ deflateOnOom: true });
    expect(driver.hasFeature(BalloonFeature.DEFLATE_ON_OOM)).toBe(true);
    expect(driver.hasFeature(BalloonFeature.STATS_VQ)).toBe(false);
    driver.ackInterrupts();
    const generation = driver.readReg(MmioReg.CONFIG_GENERATION);
    device.setTargetMib(1);
    expect(driver.readReg(MmioReg.CONFIG_GENERATION)).toBe(generation + 1);
    expect(new DataView(driver.readConfig(0, 4).buffer).getUint32(0, true)).toBe(256);
    expect(driver.interruptStatus() & Interrupt.CONFIG_CHANGE).toBeTruthy();
    driver.writeConfig(4, new Uint8Array([10, 0, 0, 0]));
    expect(device.actualPages).toBe(10);
    driver.writeConfig(0, new Uint8Array([1, 0, 0, 0])); // num_pages is not the driver's
    expect(device.targetPages).toBe(256);
  });

  it('records inflated pages, discards them in runs, and forgets deflated ones', () => {
    const runs: Array<[number, number]> = [];
    const { device, driver, memory } = setup({
      discard: (addr, len) => {
        runs.push([addr, len]);
        memory.fill(addr, len, 0);
      },
    });
    const page = PFN0 + 200;
    memory.fill((page * 4096) as never, 4096, 0xee);
    driver.submit(0, [{ data: pfns([page, page + 1, page + 2, page + 10, 5, 0xffff_ffff]) }]);
    driver.notify(0);
    expect(driver.collectUsed(0).length).toBe(1);
    expect(device.balloonedPages).toBe(4);
    expect(device.metrics.invalid_pfns).toBe(2);
    expect(runs).toEqual([
      [page * 4096, 3 * 4096],
      [(page + 10) * 4096, 4096],
    ]);
    expect(memory.readU8((page * 4096) as never)).toBe(0);
    driver.submit(1, [{ data: pfns([page + 1, page + 10]) }]);
    driver.notify(1);
    expect(device.balloonedPfns()).toEqual([page, page + 2]);
    expect(device.metrics.inflate_count).toBe(1);
    expect(device.metrics.deflate_count).toBe(1);
    expect(memory.canariesIntact()).toBe(true);
  });

  it('collects statistics and asks for fresh ones by returning the buffer', () => {
    const { device, driver } = setup({ stats: true });
    driver.submit(2, [
      {
        data: encodeStats([
          [4, 1000],
          [5, 2 ** 40],
          [99, 1],
        ]),
      },
    ]);
    driver.notify(2);
    expect(device.latestStats).toEqual({ free_memory: 1000, total_memory: 2 ** 40 });
    expect(driver.collectUsed(2)).toEqual([]); // held by the device
    expect(device.requestStats()).toBe(true);
    expect(driver.collectUsed(2).length).toBe(1);
    expect(device.requestStats()).toBe(false);
    driver.submit(2, [{ data: encodeStats([[4, 500]]) }]);
    driver.notify(2);
    expect(device.latestStats).toEqual({ free_memory: 500 });
    expect(device.metrics.stats_updates_count).toBe(2);
  });

  it('restores a snapshot bit-identically', () => {
    const a = setup({ stats: true });
    a.device.setTarget(64);
    a.driver.submit(0, [{ data: pfns([PFN0 + 100, PFN0 + 7]) }]);
    a.driver.notify(0);
    a.driver.submit(2, [{ data: encodeStats([[6, 123]]) }]);
    a.driver.notify(2);
    const saved = JSON.parse(JSON.stringify(saveBalloon(a.device, a.transport)));
    const device = new BalloonDevice({ stats: true });
    const transport = new VirtioMmioTransport(device, a.memory, new RecordingLine());
    restoreBalloon(device, transport, saved);
    expect(saveBalloon(device, transport)).toEqual(saved);
    expect(device.isBallooned(PFN0 + 7)).toBe(true);
    expect(device.requestStats()).toBe(true);
  });
});

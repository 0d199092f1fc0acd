import { describe, it, expect } from 'vitest';
import { GuardedMemory, RecordingLine } from '../test-support/test-memory';
import { VirtioTestDriver, allFeaturesExcept } from '../test-support/virtio-driver';
import { ChainCursor } from './chain-cursor';
import { Feature, featureBit, Interrupt, MMIO_MAGIC, MmioReg, Status } from './constants';
import {
  commonMetrics,
  readConfigBytes,
  type VirtioDevice,
  type VirtioDeviceContext,
} from './device';
import { VirtioMmioTransport } from './mmio-transport';

/** A minimal device for transport tests: copies each chain's readable bytes into its writable ones. */
class LoopbackDevice implements VirtioDevice {
  readonly deviceType = 0x7f;
  readonly queueMaxSizes = [8];
  readonly deviceFeatures = featureBit(3);
  readonly commonMetrics = commonMetrics();
  config = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  ctx: VirtioDeviceContext | undefined;
  resets = 0;
  readConfig(offset: number, data: Uint8Array): void {
    readConfigBytes(this.config, offset, data);
  }
  writeConfig(offset: number, data: Uint8Array): void {
    this.config.set(data, offset);
  }
  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
  }
  processQueue(index: number): void {
    const ctx = this.ctx;
    const q = ctx?.queues[index];
    if (!ctx || !q) return;
    for (let chain = q.pop(ctx.memory); chain; chain = q.pop(ctx.memory)) {
      const data = new ChainCursor(ctx.memory, chain.readable, chain.readableBytes).readAll();
      const n = new ChainCursor(ctx.memory, chain.writable, chain.writableBytes).write(data);
      q.addUsed(ctx.memory, chain.head, n);
    }
    ctx.signalUsed(index);
  }
  reset(): void {
    this.resets++;
    this.ctx = undefined;
  }
}

function setup(memOpts: { shared?: boolean } = {}) {
  const memory = new GuardedMemory([{ start: 0x8000_0000, size: 0x10000 }], memOpts);
  const line = new RecordingLine();
  const device = new LoopbackDevice();
  const transport = new VirtioMmioTransport(device, memory, line);
  const driver = new VirtioTestDriver(transport, memory, { start: 0x8000_0000, end: 0x8001_0000 });
  return { memory, line, device, transport, driver };
}

describe('VirtioMmioTransport', () => {
  it('identifies itself and offers VERSION_1, indirect and event-idx', () => {
    const { driver } = setup();
    expect(driver.readReg(MmioReg.MAGIC)).toBe(MMIO_MAGIC);
    expect(driver.readReg(MmioReg.VERSION)).toBe(2);
    expect(driver.readReg(MmioReg.DEVICE_ID)).toBe(0x7f);
    driver.writeReg(MmioReg.DEVICE_FEATURES_SEL, 1);
    expect(driver.readReg(MmioReg.DEVICE_FEATURES)).toBe(1);
    driver.writeReg(MmioReg.DEVICE_FEATURES_SEL, 0);
    expect(driver.readReg(MmioReg.DEVICE_FEATURES)).toBe((1 << 3) | (1 << 28) | (1 << 29));
  });

  it('refuses FEATURES_OK without VERSION_1 or with unknown bits', () => {
    const { driver } = setup();
    expect(() => driver.negotiate(allFeaturesExcept(Feature.VERSION_1))).toThrow(/FEATURES_OK/);
    driver.reset();
    driver.writeReg(MmioReg.STATUS, Status.ACKNOWLEDGE);
    driver.writeReg(MmioReg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER);
    driver.writeReg(MmioReg.DRIVER_FEATURES_SEL, 1);
    driver.writeReg(MmioReg.DRIVER_FEATURES, 1 | 2);
    driver.writeReg(MmioReg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
    expect(driver.status & Status.FEATURES_OK).toBe(0);
  });

  it('enforces the status order and resets on 0', () => {
    const { driver, device } = setup();
    driver.writeReg(MmioReg.STATUS, Status.DRIVER);
    expect(driver.status).toBe(0);
    driver.writeReg(MmioReg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER | Status.DRIVER_OK);
    expect(driver.status).toBe(Status.ACKNOWLEDGE | Status.DRIVER);
    driver.writeReg(MmioReg.STATUS, 0);
    expect(driver.status).toBe(0);
    expect(device.resets).toBe(1);
    driver.init(1);
    expect(device.ctx).toBeDefined();
    expect(driver.status).toBe(
      Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK | Status.DRIVER_OK,
    );
  });

  it('round-trips direct and indirect chains and raises a level interrupt', () => {
    const { driver, line, memory } = setup({ shared: true });
    driver.init(1);
    const { head, buffers } = driver.submit(0, [
      { data: new Uint8Array([1, 2, 3]) },
      { data: new Uint8Array([4, 5]) },
      { writable: 2 },
      { writable: 8 },
    ]);
    driver.notify(0);
    expect(line.level).toBe(true);
    expect(driver.collectUsed(0)).toEqual([{ id: head, len: 5 }]);
    expect(driver.readBuffer(buffers[2]!)).toEqual(new Uint8Array([1, 2]));
    expect(driver.readBuffer(buffers[3]!).subarray(0, 3)).toEqual(new Uint8Array([3, 4, 5]));
    expect(driver.ackInterrupts()).toBe(Interrupt.USED_BUFFER);
    expect(line.level).toBe(false);
    const ind = driver.submit(0, [{ data: new Uint8Array([9, 9, 9, 9]) }, { writable: 4 }], {
      indirect: true,
    });
    driver.notify(0);
    expect(driver.collectUsed(0)).toEqual([{ id: ind.head, len: 4 }]);
    expect(driver.readBuffer(ind.buffers[1]!)).toEqual(new Uint8Array([9, 9, 9, 9]));
    expect(memory.canariesIntact()).toBe(true);
  });

  it('suppresses interrupts with NO_INTERRUPT and with EVENT_IDX used_event', () => {
    const a = setup();
    a.driver.init(1, allFeaturesExcept(Feature.RING_EVENT_IDX));
    a.driver.setAvailFlags(0, 1);
    a.driver.submit(0, [{ writable: 1 }]);
    a.driver.notify(0);
    expect(a.driver.collectUsed(0).length).toBe(1);
    expect(a.line.level).toBe(false);

    const b = setup();
    b.driver.init(1);
    expect(b.driver.hasFeature(Feature.RING_EVENT_IDX)).toBe(true);
    b.driver.setUsedEvent(0, 2); // interrupt when used idx passes 2, i.e. after the 3rd entry
    const count = (): number => b.line.rises;
    b.driver.submit(0, [{ writable: 1 }]);
    b.driver.notify(0);
    expect(count()).toBe(1); // first signal always goes out
    b.driver.ackInterrupts();
    b.driver.submit(0, [{ writable: 1 }]);
    b.driver.notify(0);
    expect(count()).toBe(1);
    b.driver.submit(0, [{ writable: 1 }]);
    b.driver.notify(0);
    expect(count()).toBe(2);
    expect(b.driver.availEvent(0)).toBe(3);
  });

  it('rejects bad queue sizes and unaligned or out-of-memory rings, keeping the old value', () => {
    const { driver, transport } = setup();
    driver.negotiate();
    driver.writeReg(MmioReg.QUEUE_SEL, 0);
    expect(driver.readReg(MmioReg.QUEUE_NUM_MAX)).toBe(8);
    driver.writeReg(MmioReg.QUEUE_NUM, 6);
    expect(transport.queues[0]!.size).toBe(8);
    driver.writeReg(MmioReg.QUEUE_NUM, 16);
    expect(transport.queues[0]!.size).toBe(8);
    driver.writeReg(MmioReg.QUEUE_NUM, 4);
    expect(transport.queues[0]!.size).toBe(4);
    driver.writeReg(MmioReg.QUEUE_DESC_LOW, 0x8000_0008); // not 16-aligned
    driver.writeReg(MmioReg.QUEUE_DRIVER_LOW, 0x8000_1000);
    driver.writeReg(MmioReg.QUEUE_DEVICE_LOW, 0x8000_2000);
    driver.writeReg(MmioReg.QUEUE_READY, 1);
    expect(driver.readReg(MmioReg.QUEUE_READY)).toBe(0);
    driver.writeReg(MmioReg.QUEUE_DESC_LOW, 0x8000_fff0); // runs off the end
    driver.writeReg(MmioReg.QUEUE_READY, 1);
    expect(driver.readReg(MmioReg.QUEUE_READY)).toBe(0);
    driver.writeReg(MmioReg.QUEUE_DESC_HIGH, 0xffff_ffff); // beyond 2^53
    driver.writeReg(MmioReg.QUEUE_DESC_LOW, 0x8000_0000);
    driver.writeReg(MmioReg.QUEUE_READY, 1);
    expect(driver.readReg(MmioReg.QUEUE_READY)).toBe(0);
    driver.writeReg(MmioReg.QUEUE_DESC_HIGH, 0);
    driver.writeReg(MmioReg.QUEUE_READY, 1);
    expect(driver.readReg(MmioReg.QUEUE_READY)).toBe(1);
    driver.writeReg(MmioReg.QUEUE_NUM, 2); // ignored while ready
    expect(transport.queues[0]!.size).toBe(4);
  });

  it('turns a malformed chain into DEVICE_NEEDS_RESET with a config interrupt, then recovers', () => {
    const { driver, transport, line } = setup();
    driver.init(1);
    driver.pushRawHead(0, 200); // head ≥ queue size
    driver.notify(0);
    expect(driver.status & Status.DEVICE_NEEDS_RESET).toBeTruthy();
    expect(driver.interruptStatus() & Interrupt.CONFIG_CHANGE).toBeTruthy();
    expect(line.level).toBe(true);
    expect(transport.failureReason).toMatch(/head 200/);
    driver.init(1);
    const { head } = driver.submit(0, [{ data: new Uint8Array([7]) }, { writable: 1 }]);
    driver.notify(0);
    expect(driver.collectUsed(0)).toEqual([{ id: head, len: 1 }]);
  });

  it('passes config space accesses of any width and ignores narrow register accesses', () => {
    const { transport, driver } = setup();
    const b = new Uint8Array(2);
    transport.read(MmioReg.CONFIG + 2, b);
    expect(b).toEqual(new Uint8Array([3, 4]));
    transport.read(MmioReg.MAGIC, b);
    expect(b).toEqual(new Uint8Array([0, 0]));
    transport.write(MmioReg.STATUS, new Uint8Array([1]));
    expect(driver.status).toBe(0);
  });

  it('saves and restores bit-identically and keeps working after restore', () => {
    const a = setup();
    a.driver.init(1);
    a.driver.submit(0, [{ data: new Uint8Array([1]) }, { writable: 1 }]);
    a.driver.notify(0);
    const saved = a.transport.save();
    const device = new LoopbackDevice();
    const t2 = new VirtioMmioTransport(device, a.memory, new RecordingLine());
    t2.restore(JSON.parse(JSON.stringify(saved)));
    expect(t2.save()).toEqual(saved);
    expect(device.ctx).toBeDefined();
  });
});

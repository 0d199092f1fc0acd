/**
 * Hostile descriptor tables and register sequences against the transport and virtio-blk.
 * Properties: nothing throws out of the BusDevice, no byte outside guest RAM changes (canaries),
 * every access lies inside a region, and after a reset a well-formed request works.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { GuardedMemory, RecordingLine } from '../test-support/test-memory';
import { VirtioTestDriver, allFeaturesExcept } from '../test-support/virtio-driver';
import { MemoryBlockBackend } from '../devices/virtio/blk/backend';
import { BlockDevice } from '../devices/virtio/blk/device';
import { BlkStatus, BlkType } from '../devices/virtio/blk/request';
import { RngDevice } from '../devices/virtio/rng/device';
import type { VirtioDevice } from './device';
import { Feature, MmioReg, Status } from './constants';
import { VirtioMmioTransport } from './mmio-transport';

const BASE = 0x8000_0000;
const RAM = 0x4000;
const HIGH = BASE + 0x8000; // second region after a hole
const QSIZE = 8;

function rig(device: VirtioDevice) {
  const memory = new GuardedMemory([
    { start: BASE, size: RAM },
    { start: HIGH, size: 0x1000 },
  ]);
  const transport = new VirtioMmioTransport(device, memory, new RecordingLine());
  const driver = new VirtioTestDriver(transport, memory, { start: BASE, end: BASE + RAM });
  return { memory, transport, driver, mark: driver.heapMark() };
}

/** A GET_ID round trip through a freshly reset device: the recovery property. */
function wellFormedWorks(driver: VirtioTestDriver, mark: number): boolean {
  driver.heapRelease(mark);
  driver.negotiate();
  driver.setupQueue(0, QSIZE);
  driver.driverOk();
  const h = new Uint8Array(16);
  h[0] = BlkType.GET_ID;
  const s = driver.submit(0, [{ data: h }, { writable: 20 }, { writable: 1 }]);
  driver.notify(0);
  const used = driver.collectUsed(0);
  return (
    used.length === 1 &&
    used[0]?.id === s.head &&
    driver.readBuffer(s.buffers[2]!)[0] === BlkStatus.OK
  );
}

const addressArb = fc.oneof(
  fc.integer({ min: 0, max: RAM - 1 }).map((o) => BigInt(BASE + o)),
  fc.integer({ min: -32, max: 32 }).map((d) => BigInt(BASE + RAM + d)),
  fc.integer({ min: -32, max: 0x1020 }).map((d) => BigInt(HIGH + d)),
  fc.constantFrom(0n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n, BigInt(BASE - 1)),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);
const descArb = fc.record({
  addr: addressArb,
  len: fc.oneof(
    fc.integer({ min: 0, max: 600 }),
    fc.constantFrom(16, 32, 0xffff_ffff, 0x8000_0000),
  ),
  flags: fc.integer({ min: 0, max: 7 }),
  next: fc.oneof(fc.integer({ min: 0, max: QSIZE + 1 }), fc.integer({ min: 0, max: 0xffff })),
});
const tableArb = fc.record({
  descs: fc.array(descArb, { minLength: QSIZE, maxLength: QSIZE }),
  indirect: fc.array(descArb, { minLength: 4, maxLength: 4 }),
  heads: fc.array(fc.integer({ min: 0, max: QSIZE + 2 }), { minLength: 1, maxLength: 4 }),
  availIdx: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 0xffff })),
  payload: fc.uint8Array({ minLength: 16, maxLength: 64 }),
  features: fc.constantFrom(
    ~0n,
    allFeaturesExcept(Feature.RING_EVENT_IDX),
    allFeaturesExcept(Feature.RING_INDIRECT_DESC),
  ),
});

describe('virtqueue fuzz', () => {
  it('survives 40,000 hostile descriptor tables (virtio-blk)', () => {
    const device = new BlockDevice(new MemoryBlockBackend(8192));
    const { memory, transport, driver, mark } = rig(device);
    const indirectAt = BASE + 0x3000;
    const headerAt = BASE + 0x3800;
    fc.assert(
      fc.property(tableArb, (t) => {
        driver.heapRelease(mark);
        driver.negotiate(t.features);
        driver.setupQueue(0, QSIZE);
        driver.driverOk();
        const { desc, avail } = driver.rings(0);
        memory.write(headerAt as never, t.payload);
        t.descs.forEach((d, i) => writeRawDesc(memory, desc + 16 * i, d));
        t.indirect.forEach((d, i) => writeRawDesc(memory, indirectAt + 16 * i, d));
        t.heads.forEach((h, i) => memory.writeU16((avail + 4 + 2 * i) as never, h));
        memory.writeU16((avail + 2) as never, t.availIdx);
        memory.recordAccesses = true;
        memory.accesses.length = 0;
        transport.write(MmioReg.QUEUE_NOTIFY, new Uint8Array([0, 0, 0, 0]));
        memory.recordAccesses = false;
        expect(memory.accessesInside()).toBe(true);
        expect(memory.canariesIntact()).toBe(true);
        expect(wellFormedWorks(driver, mark)).toBe(true);
      }),
      { numRuns: 40_000 },
    );
  }, 120_000);

  it('survives 30,000 random register sequences (virtio-rng and virtio-blk)', () => {
    const regs = Object.values(MmioReg);
    const opArb = fc.record({
      write: fc.boolean(),
      offset: fc.oneof(fc.constantFrom(...regs), fc.integer({ min: 0, max: 0x1ff })),
      value: fc.oneof(
        fc.constantFrom(0, 1, 3, 7, 11, 15, 128, 64, QSIZE, 0xffff_ffff, BASE, BASE + 0x1000, HIGH),
        fc.integer({ min: 0, max: 0xffff_ffff }),
      ),
      width: fc.constantFrom(4, 4, 4, 1, 2, 8),
    });
    const rigs = [
      rig(new RngDevice(() => undefined)),
      rig(new BlockDevice(new MemoryBlockBackend(4096))),
    ];
    fc.assert(
      fc.property(fc.nat(1), fc.array(opArb, { maxLength: 40 }), (which, ops) => {
        const r = rigs[which]!;
        r.driver.heapRelease(r.mark);
        r.driver.reset();
        for (const op of ops) {
          const data = new Uint8Array(8);
          new DataView(data.buffer).setUint32(0, op.value >>> 0, true);
          if (op.write) r.transport.write(op.offset, data.subarray(0, op.width));
          else r.transport.read(op.offset, data.subarray(0, op.width));
        }
        expect(r.memory.canariesIntact()).toBe(true);
        const status = r.driver.status;
        expect(
          status &
            ~(
              Status.ACKNOWLEDGE |
              Status.DRIVER |
              Status.FEATURES_OK |
              Status.DRIVER_OK |
              Status.FAILED |
              Status.DEVICE_NEEDS_RESET
            ),
        ).toBe(0);
        if (which === 1) expect(wellFormedWorks(r.driver, r.mark)).toBe(true);
        else {
          r.driver.heapRelease(r.mark);
          r.driver.init(1);
          r.driver.submit(0, [{ writable: 4 }]);
          r.driver.notify(0);
          expect(r.driver.collectUsed(0).length).toBe(1);
        }
      }),
      { numRuns: 30_000 },
    );
  }, 120_000);
});

function writeRawDesc(
  memory: GuardedMemory,
  at: number,
  d: { addr: bigint; len: number; flags: number; next: number },
): void {
  memory.writeU64(at as never, d.addr);
  memory.writeU32((at + 8) as never, d.len);
  memory.writeU16((at + 12) as never, d.flags);
  memory.writeU16((at + 14) as never, d.next);
}

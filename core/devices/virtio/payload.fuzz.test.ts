/**
 * Hostile request contents for virtio-net, virtio-vsock and virtio-balloon (chains are well
 * formed; what they carry is not), mixed with host-side API calls. Properties: nothing throws,
 * guest RAM canaries stay intact, and after a reset the device still serves a normal request.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { NetTestVm, ethernetFrame } from '../../test-support/net-vm';
import { VsockTestGuest } from '../../test-support/vsock-guest';
import { GuardedMemory, RecordingLine } from '../../test-support/test-memory';
import { VirtioTestDriver } from '../../test-support/virtio-driver';
import { VirtioMmioTransport } from '../../virtio/mmio-transport';
import { BalloonDevice } from './balloon/device';
import { encodeHeader, VsockOp } from './vsock/packet';
import type { VsockStream } from './vsock/connection';

const RUNS = 10_000;
const chainArb = fc.record({
  queue: fc.nat(2),
  data: fc.uint8Array({ maxLength: 96 }),
  writable: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 128 })),
});

describe('device payload fuzz', () => {
  it(`virtio-net survives ${RUNS} hostile frame sequences`, () => {
    const mac = new Uint8Array([2, 0, 0, 0, 0, 1]);
    const vm = new NetTestVm(mac, { backend: { send: () => undefined }, rxBufferFrames: 4 });
    const mark = vm.driver.heapMark();
    const opArb = fc.oneof(
      chainArb.map((c) => ({ kind: 'chain' as const, ...c, queue: c.queue % 2 })),
      fc.uint8Array({ maxLength: 200 }).map((frame) => ({ kind: 'inbound' as const, frame })),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 8 }), (ops) => {
        vm.driver.heapRelease(mark);
        vm.driver.init(2, ~0n, 16);
        for (const op of ops) {
          if (op.kind === 'inbound') vm.device.receive(op.frame);
          else {
            const segs = [{ data: op.data }, ...(op.writable ? [{ writable: op.writable }] : [])];
            vm.driver.submit(op.queue, segs);
            vm.driver.notify(op.queue);
          }
        }
        expect(vm.memory.canariesIntact()).toBe(true);
        vm.driver.heapRelease(mark);
        vm.driver.init(2, ~0n, 16);
        vm.postRx(1);
        const frame = ethernetFrame(mac, mac, new Uint8Array([1, 2, 3]));
        vm.device.receive(frame);
        expect(vm.receivedFrames()).toEqual([frame]);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it(`virtio-vsock survives ${RUNS} hostile packet sequences`, () => {
    const g = new VsockTestGuest(3);
    const mark = g.driver.heapMark();
    const streams: VsockStream[] = [];
    g.device.listen(1, (s) => {
      streams.push(s);
      s.onData = (d) => s.send(d);
    });
    const packetArb = fc.record({
      op: fc.integer({ min: 0, max: 8 }),
      srcPort: fc.nat(3),
      dstPort: fc.nat(3),
      type: fc.constantFrom(1, 1, 1, 0, 2),
      srcCid: fc.constantFrom(3, 3, 3, 7),
      dstCid: fc.constantFrom(2, 2, 2, 1),
      flags: fc.nat(3),
      bufAlloc: fc.oneof(fc.nat(256), fc.constant(0xffff_ffff)),
      fwdCnt: fc.oneof(fc.nat(256), fc.constant(0xffff_ffff)),
      payload: fc.uint8Array({ maxLength: 64 }),
      lenDelta: fc.constantFrom(0, 0, 0, 1, -1, 100000),
    });
    const opArb = fc.oneof(
      packetArb.map((p) => ({ kind: 'packet' as const, p })),
      fc.record({ kind: fc.constant('connect' as const), port: fc.nat(3) }),
      fc.record({ kind: fc.constant('hostSend' as const), n: fc.nat(300) }),
      fc.record({ kind: fc.constant('rx' as const), size: fc.constantFrom(8, 44, 60, 512) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 10 }), (ops) => {
        g.driver.heapRelease(mark);
        g.driver.init(3, ~0n, 16);
        streams.length = 0;
        for (const op of ops) {
          if (op.kind === 'packet') {
            const { payload, lenDelta, ...fields } = op.p;
            const header = encodeHeader({ ...fields, len: Math.max(0, payload.length + lenDelta) });
            g.driver.submit(1, [{ data: header }, { data: payload }]);
            g.driver.notify(1);
          } else if (op.kind === 'connect') g.device.connect(op.port);
          else if (op.kind === 'hostSend') streams.at(-1)?.send(new Uint8Array(op.n));
          else {
            g.driver.submit(0, [{ writable: op.size }]);
            g.driver.notify(0);
          }
        }
        expect(g.memory.canariesIntact()).toBe(true);
        g.driver.heapRelease(mark);
        g.driver.init(3, ~0n, 16);
        expect(g.device.connectionCount).toBe(0);
        g.postRx(1);
        g.send({ op: VsockOp.REQUEST, srcPort: 99, dstPort: 1 });
        expect(g.received().map((p) => p.header.op)).toEqual([VsockOp.RESPONSE]);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it(`virtio-balloon survives ${RUNS} hostile page lists and stats`, () => {
    const BASE = 0x8000_0000;
    const memory = new GuardedMemory([{ start: BASE, size: 0x40000 }]);
    const device = new BalloonDevice({
      stats: true,
      discard: (addr, len) => memory.fill(addr, len, 0),
    });
    const transport = new VirtioMmioTransport(device, memory, new RecordingLine());
    const driver = new VirtioTestDriver(transport, memory, { start: BASE, end: BASE + 0x10000 });
    const mark = driver.heapMark();
    const opArb = fc.oneof(
      chainArb.map((c) => ({ kind: 'chain' as const, ...c })),
      fc.record({ kind: fc.constant('target' as const), pages: fc.nat(1000) }),
      fc.constant({ kind: 'stats' as const }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 8 }), (ops) => {
        driver.heapRelease(mark);
        driver.init(3, ~0n, 16);
        for (const op of ops) {
          if (op.kind === 'target') device.setTarget(op.pages);
          else if (op.kind === 'stats') device.requestStats();
          else {
            const segs = [{ data: op.data }, ...(op.writable ? [{ writable: op.writable }] : [])];
            driver.submit(op.queue, segs);
            driver.notify(op.queue);
          }
        }
        expect(memory.canariesIntact()).toBe(true);
        driver.heapRelease(mark);
        driver.init(3, ~0n, 16);
        const pfn = BASE / 4096 + 0x30;
        const list = new Uint8Array(4);
        new DataView(list.buffer).setUint32(0, pfn, true);
        driver.submit(0, [{ data: list }]);
        driver.notify(0);
        expect(driver.collectUsed(0).length).toBe(1);
        expect(device.isBallooned(pfn)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});

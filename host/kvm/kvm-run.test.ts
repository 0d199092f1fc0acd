import { describe, expect, it } from 'vitest';
import { KVM_EXIT, KVM_EXIT_IO_IN, KVM_EXIT_IO_OUT } from './kvm-constants';
import { decodeExit, RUN_OFFSET } from './kvm-run';

const PAGE_BYTES = 3 * 4096;

function runPage(exitReason: number): { page: Uint8Array; view: DataView } {
  const page = new Uint8Array(PAGE_BYTES);
  const view = new DataView(page.buffer);
  view.setUint32(RUN_OFFSET.exitReason, exitReason, true);
  return { page, view };
}

describe('decodeExit', () => {
  it('decodes port output with its data taken from data_offset in the page', () => {
    const { page, view } = runPage(KVM_EXIT.IO);
    view.setUint8(RUN_OFFSET.io.direction, KVM_EXIT_IO_OUT);
    view.setUint8(RUN_OFFSET.io.size, 1);
    view.setUint16(RUN_OFFSET.io.port, 0x3f8, true);
    view.setUint32(RUN_OFFSET.io.count, 3, true);
    view.setBigUint64(RUN_OFFSET.io.dataOffset, 4096n, true);
    page.set([0x68, 0x69, 0x0a], 4096);
    const exit = decodeExit(page, view);
    expect(exit).toMatchObject({ kind: 'io-out', port: 0x3f8, size: 1, count: 3 });
    expect(exit.kind === 'io-out' && Array.from(exit.data)).toEqual([0x68, 0x69, 0x0a]);
  });

  it('returns port input buffers that write straight into the run page', () => {
    const { page, view } = runPage(KVM_EXIT.IO);
    view.setUint8(RUN_OFFSET.io.direction, KVM_EXIT_IO_IN);
    view.setUint8(RUN_OFFSET.io.size, 2);
    view.setUint16(RUN_OFFSET.io.port, 0x60, true);
    view.setUint32(RUN_OFFSET.io.count, 1, true);
    view.setBigUint64(RUN_OFFSET.io.dataOffset, 4096n, true);
    const exit = decodeExit(page, view);
    if (exit.kind !== 'io-in') throw new Error(`expected io-in, got ${exit.kind}`);
    exit.data.set([0x34, 0x12]);
    expect(view.getUint16(4096, true)).toBe(0x1234);
  });

  it('treats an I/O data offset outside the page as an unknown exit instead of reading beyond it', () => {
    const { page, view } = runPage(KVM_EXIT.IO);
    view.setUint8(RUN_OFFSET.io.size, 4);
    view.setUint32(RUN_OFFSET.io.count, 2, true);
    view.setBigUint64(RUN_OFFSET.io.dataOffset, BigInt(PAGE_BYTES - 4), true);
    expect(decodeExit(page, view)).toEqual({ kind: 'unknown', reason: KVM_EXIT.IO });
  });

  it('decodes MMIO reads and writes with address and length', () => {
    const { page, view } = runPage(KVM_EXIT.MMIO);
    view.setBigUint64(RUN_OFFSET.mmio.physAddr, 0xd000_0008n, true);
    view.setUint32(RUN_OFFSET.mmio.len, 8, true);
    view.setUint8(RUN_OFFSET.mmio.isWrite, 1);
    view.setBigUint64(RUN_OFFSET.mmio.data, 0x1122334455667788n, true);
    const write = decodeExit(page, view);
    expect(write).toMatchObject({ kind: 'mmio-write', address: 0xd000_0008 });
    expect(write.kind === 'mmio-write' && write.data.length).toBe(8);
    view.setUint8(RUN_OFFSET.mmio.isWrite, 0);
    view.setUint32(RUN_OFFSET.mmio.len, 4, true);
    const read = decodeExit(page, view);
    expect(read).toMatchObject({ kind: 'mmio-read', address: 0xd000_0008 });
    expect(read.kind === 'mmio-read' && read.data.length).toBe(4);
  });

  it('clamps a bogus MMIO length to the 8-byte data field', () => {
    const { page, view } = runPage(KVM_EXIT.MMIO);
    view.setUint32(RUN_OFFSET.mmio.len, 4096, true);
    const exit = decodeExit(page, view);
    expect(exit.kind === 'mmio-read' && exit.data.length).toBe(8);
  });

  it('decodes hlt, shutdown, fail_entry, internal error, system event, intr and unknown', () => {
    expect(decodeExit(...(Object.values(runPage(KVM_EXIT.HLT)) as [Uint8Array, DataView]))).toEqual(
      { kind: 'hlt' },
    );
    expect(
      decodeExit(...(Object.values(runPage(KVM_EXIT.SHUTDOWN)) as [Uint8Array, DataView])),
    ).toEqual({ kind: 'shutdown' });
    expect(
      decodeExit(...(Object.values(runPage(KVM_EXIT.INTR)) as [Uint8Array, DataView])),
    ).toEqual({ kind: 'interrupted' });

    const fail = runPage(KVM_EXIT.FAIL_ENTRY);
    fail.view.setBigUint64(RUN_OFFSET.failEntry.hardwareEntryFailureReason, 0x80000021n, true);
    fail.view.setUint32(RUN_OFFSET.failEntry.cpu, 1, true);
    expect(decodeExit(fail.page, fail.view)).toEqual({
      kind: 'fail-entry',
      hardwareReason: 0x80000021n,
      cpu: 1,
    });

    const internal = runPage(KVM_EXIT.INTERNAL_ERROR);
    internal.view.setUint32(RUN_OFFSET.internal.suberror, 1, true);
    internal.view.setUint32(RUN_OFFSET.internal.ndata, 1000, true); // lies: capped at 16 words
    internal.view.setBigUint64(RUN_OFFSET.internal.data, 7n, true);
    const decoded = decodeExit(internal.page, internal.view);
    expect(
      decoded.kind === 'internal-error' && [decoded.suberror, decoded.data.length, decoded.data[0]],
    ).toEqual([1, 16, 7n]);

    const event = runPage(KVM_EXIT.SYSTEM_EVENT);
    event.view.setUint32(RUN_OFFSET.systemEvent.type, 2, true);
    expect(decodeExit(event.page, event.view)).toEqual({ kind: 'system-event', type: 2, data: [] });

    expect(decodeExit(...(Object.values(runPage(99)) as [Uint8Array, DataView]))).toEqual({
      kind: 'unknown',
      reason: 99,
    });
  });
});

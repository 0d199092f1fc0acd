/**
 * The mmap'd `struct kvm_run` page of a vCPU: offsets of the header and of the exit unions, and the
 * decoder that turns the page after KVM_RUN into a typed `VmExit`.
 */
import type { VmExit } from '../engine/engine';
import { KVM_EXIT, KVM_EXIT_IO_OUT } from './kvm-constants';

/** Offsets inside struct kvm_run (checked against gcc in kvm-structs.test.ts). */
export const RUN_OFFSET = {
  requestInterruptWindow: 0,
  immediateExit: 1,
  exitReason: 8,
  readyForInterruptInjection: 12,
  ifFlag: 13,
  flags: 14,
  cr8: 16,
  apicBase: 24,
  /** Start of the exit union. */
  exit: 32,
  io: { direction: 32, size: 33, port: 34, count: 36, dataOffset: 40 },
  mmio: { physAddr: 32, data: 40, len: 48, isWrite: 52 },
  failEntry: { hardwareEntryFailureReason: 32, cpu: 40 },
  internal: { suberror: 32, ndata: 36, data: 40 },
  systemEvent: { type: 32, ndata: 36, data: 40 },
  kvmValidRegs: 288,
  kvmDirtyRegs: 296,
  syncRegs: 304,
} as const;
export const KVM_RUN_STRUCT_SIZE = 2352;

/** internal.data and system_event.data hold at most 16 u64. */
const MAX_EXIT_DATA = 16;

function readWords(view: DataView, at: number, count: number): bigint[] {
  const words: bigint[] = [];
  for (let i = 0; i < Math.min(count, MAX_EXIT_DATA); i++)
    words.push(view.getBigUint64(at + i * 8, true));
  return words;
}

/**
 * Decodes the exit in `page`. Data buffers are views into the page itself: a handler filling an
 * `io-in`/`mmio-read` buffer writes straight into what KVM hands to the guest on the next KVM_RUN.
 * Offsets coming from the kernel are still bounds-checked so a corrupt page cannot reach past it.
 */
export function decodeExit(page: Uint8Array, view: DataView): VmExit {
  const reason = view.getUint32(RUN_OFFSET.exitReason, true);
  switch (reason) {
    case KVM_EXIT.IO: {
      const size = view.getUint8(RUN_OFFSET.io.size);
      const count = view.getUint32(RUN_OFFSET.io.count, true);
      const offset = Number(view.getBigUint64(RUN_OFFSET.io.dataOffset, true));
      const length = size * count;
      if (offset + length > page.length || length === 0) return { kind: 'unknown', reason };
      const data = page.subarray(offset, offset + length);
      const port = view.getUint16(RUN_OFFSET.io.port, true);
      const kind = view.getUint8(RUN_OFFSET.io.direction) === KVM_EXIT_IO_OUT ? 'io-out' : 'io-in';
      return { kind, port, size, count, data };
    }
    case KVM_EXIT.MMIO: {
      const len = Math.min(view.getUint32(RUN_OFFSET.mmio.len, true), 8);
      const address = Number(view.getBigUint64(RUN_OFFSET.mmio.physAddr, true));
      const data = page.subarray(RUN_OFFSET.mmio.data, RUN_OFFSET.mmio.data + len);
      const isWrite = view.getUint8(RUN_OFFSET.mmio.isWrite) !== 0;
      return { kind: isWrite ? 'mmio-write' : 'mmio-read', address, data };
    }
    case KVM_EXIT.HLT:
      return { kind: 'hlt' };
    case KVM_EXIT.SHUTDOWN:
      return { kind: 'shutdown' };
    case KVM_EXIT.FAIL_ENTRY:
      return {
        kind: 'fail-entry',
        hardwareReason: view.getBigUint64(RUN_OFFSET.failEntry.hardwareEntryFailureReason, true),
        cpu: view.getUint32(RUN_OFFSET.failEntry.cpu, true),
      };
    case KVM_EXIT.INTERNAL_ERROR:
      return {
        kind: 'internal-error',
        suberror: view.getUint32(RUN_OFFSET.internal.suberror, true),
        data: readWords(
          view,
          RUN_OFFSET.internal.data,
          view.getUint32(RUN_OFFSET.internal.ndata, true),
        ),
      };
    case KVM_EXIT.SYSTEM_EVENT:
      return {
        kind: 'system-event',
        type: view.getUint32(RUN_OFFSET.systemEvent.type, true),
        data: readWords(
          view,
          RUN_OFFSET.systemEvent.data,
          view.getUint32(RUN_OFFSET.systemEvent.ndata, true),
        ),
      };
    case KVM_EXIT.INTR:
      return { kind: 'interrupted' };
    default:
      return { kind: 'unknown', reason };
  }
}

/**
 * Read-only views of a running riscv64 machine for the UI's inspector panels: hart registers, the
 * bus map, virtqueues and address translation. Everything reads shared memory directly and never
 * throws on guest-controlled values (a queue address pointing outside RAM yields no descriptors).
 */
import { HartState } from '../../cpu/loader';
import { walkPageTable, type PageWalkResult } from '../../core/arch/riscv64/page-walk';
import * as H from '../../cpu/layout/hart-state';
import * as map from '../../core/arch/riscv64/memory-map';
import { toGuestAddress } from '../../core/memory';
import type { Riscv64Machine } from '../common/riscv64/riscv64-machine';
import type { BusEntry, HartSnapshot, VirtqueueDescriptor, VirtqueueView } from './vmm-api';

const KEY_CSRS = {
  mstatus: H.HS_MSTATUS,
  medeleg: H.HS_MEDELEG,
  mideleg: H.HS_MIDELEG,
  mie: H.HS_MIE,
  mip: H.HS_MIP,
  mtvec: H.HS_MTVEC,
  mepc: H.HS_MEPC,
  mcause: H.HS_MCAUSE,
  mtval: H.HS_MTVAL,
  stvec: H.HS_STVEC,
  sscratch: H.HS_SSCRATCH,
  sepc: H.HS_SEPC,
  scause: H.HS_SCAUSE,
  stval: H.HS_STVAL,
  satp: H.HS_SATP,
  stimecmp: H.HS_STIMECMP,
  mtimecmp: H.HS_MTIMECMP,
  fcsr: H.HS_FCSR,
} as const;

/** Descriptors shown per queue at most (a queue may have 32768). */
const MAX_DESCRIPTORS = 256;
const DESCRIPTOR_SIZE = 16;

export class InspectorError extends Error {
  override readonly name = 'InspectorError';
}

export class MachineInspector {
  constructor(private readonly machine: Riscv64Machine) {}

  hartState(hart: number): HartSnapshot {
    this.checkHart(hart);
    const state = new HartState(this.machine.memory, hart);
    const csrs: Record<string, bigint> = {};
    for (const [name, offset] of Object.entries(KEY_CSRS)) csrs[name] = state.csr(offset);
    return {
      hart,
      pc: state.pc,
      priv: state.priv,
      x: Array.from({ length: 32 }, (_, r) => state.x(r)),
      csrs,
      instret: state.instret,
    };
  }

  busMap(): BusEntry[] {
    const irqByBase = new Map<number, number>([[map.UART.base, map.UART_IRQ]]);
    for (let slot = 0; slot < map.VIRTIO_MMIO_SLOTS; slot++) {
      const region = map.virtioMmioSlot(slot);
      irqByBase.set(region.base, region.irq);
    }
    return this.machine.bus.list().map((range) => {
      const irq = irqByBase.get(range.base);
      return {
        name: range.name,
        base: range.base,
        size: range.size,
        ...(irq === undefined ? {} : { irq }),
      };
    });
  }

  virtqueue(slot: number, queueIndex: number): VirtqueueView {
    const entry = this.machine.virtio[slot];
    if (!entry) throw new InspectorError(`no virtio device in slot ${slot}`);
    const queue = entry.transport.queues[queueIndex];
    if (!queue) throw new InspectorError(`${entry.name} has no queue ${queueIndex}`);
    const memory = this.machine.guestMemory;
    const u16At = (address: number) =>
      memory.isRangeValid(address + 2, 2) ? memory.readU16(toGuestAddress(address + 2)) : 0;
    const descriptors: VirtqueueDescriptor[] = [];
    const shown = Math.min(queue.size, MAX_DESCRIPTORS);
    if (queue.ready && memory.isRangeValid(queue.descTable, shown * DESCRIPTOR_SIZE)) {
      for (let index = 0; index < shown; index++) {
        const at = queue.descTable + index * DESCRIPTOR_SIZE;
        descriptors.push({
          index,
          addr: memory.readU64(toGuestAddress(at)),
          len: memory.readU32(toGuestAddress(at + 8)),
          flags: memory.readU16(toGuestAddress(at + 12)),
          next: memory.readU16(toGuestAddress(at + 14)),
        });
      }
    }
    return {
      device: entry.name,
      queue: queueIndex,
      size: queue.size,
      ready: queue.ready,
      descTable: queue.descTable,
      availRing: queue.availRing,
      usedRing: queue.usedRing,
      availIdx: queue.ready ? u16At(queue.availRing) : 0,
      usedIdx: queue.ready ? u16At(queue.usedRing) : 0,
      nextAvail: queue.nextAvail,
      descriptors,
    };
  }

  /**
   * Where the hart's page table sends `va`, walked read-only in TypeScript: no A/D update, no TLB
   * fill, so it is safe while the hart runs (a walk by the CPU's own MMU would touch its state).
   */
  pageWalk(hart: number, va: bigint): PageWalkResult {
    this.checkHart(hart);
    const satp = new HartState(this.machine.memory, hart).csr(H.HS_SATP);
    return walkPageTable(satp, va, (pa) => {
      try {
        return this.machine.guestMemory.readU64(toGuestAddress(Number(pa)));
      } catch {
        return undefined; // outside RAM
      }
    });
  }

  async translate(hart: number, va: bigint): Promise<bigint | null> {
    const walk = this.pageWalk(hart, va);
    return walk.ok ? walk.physical : null;
  }

  private checkHart(hart: number): void {
    if (!Number.isInteger(hart) || hart < 0 || hart >= this.machine.spec.vcpus) {
      throw new InspectorError(`hart must be 0..${this.machine.spec.vcpus - 1}, got ${hart}`);
    }
  }
}

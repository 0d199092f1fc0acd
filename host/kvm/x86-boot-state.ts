/**
 * Initial x86 CPU state for the three ways a guest can be entered: real mode, 32-bit protected mode
 * and 64-bit long mode. Long mode is the state the Linux 64-bit boot protocol expects (flat segments
 * with __BOOT_CS = 0x10 and __BOOT_DS = 0x18, paging on, identity map), so the Linux loader reuses it.
 *
 * Pure functions: they return the bytes to place in guest memory and the sregs/regs to load; the
 * caller writes them (see `applyBootState`).
 */
import type { KvmDtable, KvmRegs, KvmSegment, KvmSregs } from './kvm-structs';
import { emptyRegs } from './kvm-structs';

export type CpuMode = 'real' | 'protected' | 'long';

/** Fixed low-memory layout used by the VMM for its own boot structures (below 0x7c00, unused by BIOS-less guests). */
export const BOOT_LAYOUT = {
  gdt: 0x500,
  idt: 0x530,
  pml4: 0x9000,
  pdpt: 0xa000,
  /** Four page directories (0xb000..0xefff), one per GiB. */
  pageDirectories: 0xb000,
  /** Bytes the structures above occupy, from 0x500 up to the end of the page directories. */
  end: 0xf000,
} as const;

/** GiBs identity-mapped by `buildIdentityPageTables`: the low 4 GiB, so the 32-bit MMIO hole is reachable. */
export const IDENTITY_MAPPED_GIB = 4;

export const SELECTOR = { code: 0x10, data: 0x18, tss: 0x20 } as const;

const CR0_PE = 1n << 0n;
const CR0_ET = 1n << 4n;
const CR0_PG = 1n << 31n;
const CR4_PAE = 1n << 5n;
const EFER_LME = 1n << 8n;
const EFER_LMA = 1n << 10n;
const RFLAGS_RESERVED_BIT1 = 2n;

const PAGE_PRESENT_WRITABLE = 0x3n;
const PAGE_HUGE = 0x80n;
const TWO_MIB = 0x200000n;

/** A GDT descriptor: base/limit/access/flags packed the way the CPU reads them. */
export function gdtEntry(flags: number, base: number, limit: number): bigint {
  const b = BigInt(base >>> 0);
  const l = BigInt(limit >>> 0);
  const f = BigInt(flags);
  return (
    ((b & 0xff000000n) << 32n) |
    ((f & 0xf0ffn) << 40n) | // access byte (bits 40..47) and flags nibble (bits 52..55)
    ((l & 0xf0000n) << 32n) |
    ((b & 0x00ffffffn) << 16n) |
    (l & 0xffffn)
  );
}

/** Segment attributes for KVM matching a GDT entry (`flags` as passed to gdtEntry). */
function segmentFromEntry(
  selector: number,
  flags: number,
  base: number,
  limit: number,
): KvmSegment {
  const granular = (flags >> 15) & 1;
  return {
    base: BigInt(base),
    limit: granular ? ((limit << 12) | 0xfff) >>> 0 : limit,
    selector,
    type: flags & 0xf,
    present: (flags >> 7) & 1,
    dpl: (flags >> 5) & 3,
    db: (flags >> 14) & 1,
    s: (flags >> 4) & 1,
    l: (flags >> 13) & 1,
    g: granular,
    avl: (flags >> 12) & 1,
    unusable: 0,
  };
}

/** Access/flags words: G | D/B | L | P | DPL 0 | S | type. */
const CODE64_FLAGS = 0xa09b;
const CODE32_FLAGS = 0xc09b;
const DATA_FLAGS = 0xc093;
/** 64-bit/32-bit busy TSS (system segment, type 11). */
const TSS_FLAGS = 0x008b;

/** GDT bytes: null, null, code (0x10), data (0x18), TSS (0x20). */
export function buildGdt(mode: 'protected' | 'long'): Uint8Array {
  const entries = [
    0n,
    0n,
    gdtEntry(mode === 'long' ? CODE64_FLAGS : CODE32_FLAGS, 0, 0xfffff),
    gdtEntry(DATA_FLAGS, 0, 0xfffff),
    gdtEntry(TSS_FLAGS, 0, 0xfffff),
  ];
  const bytes = new Uint8Array(entries.length * 8);
  const view = new DataView(bytes.buffer);
  entries.forEach((entry, i) => view.setBigUint64(i * 8, entry, true));
  return bytes;
}

/**
 * PML4 → PDPT → 4 PDs of 2 MiB pages identity-mapping [0, 4 GiB). Returns the bytes to place at
 * BOOT_LAYOUT.pml4 (contiguous: pml4, pdpt, then the page directories).
 */
export function buildIdentityPageTables(): Uint8Array {
  const bytes = new Uint8Array(BOOT_LAYOUT.end - BOOT_LAYOUT.pml4);
  const view = new DataView(bytes.buffer);
  const pdptAt = BOOT_LAYOUT.pdpt - BOOT_LAYOUT.pml4;
  view.setBigUint64(0, BigInt(BOOT_LAYOUT.pdpt) | PAGE_PRESENT_WRITABLE, true);
  for (let gib = 0; gib < IDENTITY_MAPPED_GIB; gib++) {
    const pdAddress = BOOT_LAYOUT.pageDirectories + gib * 0x1000;
    view.setBigUint64(pdptAt + gib * 8, BigInt(pdAddress) | PAGE_PRESENT_WRITABLE, true);
    for (let i = 0; i < 512; i++) {
      const physical = BigInt(gib * 512 + i) * TWO_MIB;
      view.setBigUint64(
        pdAddress - BOOT_LAYOUT.pml4 + i * 8,
        physical | PAGE_HUGE | PAGE_PRESENT_WRITABLE,
        true,
      );
    }
  }
  return bytes;
}

function realModeSegment(selector: number, type: number): KvmSegment {
  return {
    base: BigInt(selector << 4),
    limit: 0xffff,
    selector,
    type,
    present: 1,
    dpl: 0,
    db: 0,
    s: 1,
    l: 0,
    g: 0,
    avl: 0,
    unusable: 0,
  };
}

/** Sregs for `mode`, starting from the vCPU's current ones (keeps apicBase, interrupt bitmap…). */
export function sregsForMode(mode: CpuMode, current: KvmSregs): KvmSregs {
  const sregs: KvmSregs = { ...current };
  if (mode === 'real') {
    const code = realModeSegment(0, 0xb);
    const data = realModeSegment(0, 0x3);
    Object.assign(sregs, { cs: code, ds: data, es: data, fs: data, gs: data, ss: data });
    sregs.cr0 = (current.cr0 & ~(CR0_PE | CR0_PG)) | CR0_ET;
    return sregs;
  }
  const codeFlags = mode === 'long' ? CODE64_FLAGS : CODE32_FLAGS;
  const code = segmentFromEntry(SELECTOR.code, codeFlags, 0, 0xfffff);
  const data = segmentFromEntry(SELECTOR.data, DATA_FLAGS, 0, 0xfffff);
  Object.assign(sregs, { cs: code, ds: data, es: data, fs: data, gs: data, ss: data });
  sregs.tr = { ...segmentFromEntry(SELECTOR.tss, TSS_FLAGS, 0, 0xfffff), s: 0 };
  const gdt: KvmDtable = { base: BigInt(BOOT_LAYOUT.gdt), limit: 5 * 8 - 1 };
  const idt: KvmDtable = { base: BigInt(BOOT_LAYOUT.idt), limit: 0 };
  sregs.gdt = gdt;
  sregs.idt = idt;
  sregs.cr0 = CR0_PE | CR0_ET;
  sregs.cr4 = 0n;
  sregs.efer = 0n;
  if (mode === 'long') {
    sregs.cr3 = BigInt(BOOT_LAYOUT.pml4);
    sregs.cr4 = CR4_PAE;
    sregs.cr0 |= CR0_PG;
    sregs.efer = EFER_LME | EFER_LMA;
  }
  return sregs;
}

/** General registers: entry point, stack, interrupts off. `rsi` is where Linux expects boot_params. */
export function regsForEntry(entry: number, stack: number, rsi = 0): KvmRegs {
  return {
    ...emptyRegs(),
    rip: BigInt(entry),
    rsp: BigInt(stack),
    rbp: BigInt(stack),
    rsi: BigInt(rsi),
    rflags: RFLAGS_RESERVED_BIT1,
  };
}

/** Everything to place in guest memory for `mode`: [guest address, bytes] pairs. */
export function bootStructures(mode: CpuMode): [number, Uint8Array][] {
  if (mode === 'real') return [];
  const structures: [number, Uint8Array][] = [
    [BOOT_LAYOUT.gdt, buildGdt(mode)],
    [BOOT_LAYOUT.idt, new Uint8Array(8)],
  ];
  if (mode === 'long') structures.push([BOOT_LAYOUT.pml4, buildIdentityPageTables()]);
  return structures;
}

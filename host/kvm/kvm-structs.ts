/**
 * Offset tables and encoders/decoders for the KVM structures passed by ioctl (x86_64 layouts).
 *
 * Every offset is taken from `linux/kvm.h` and checked in `kvm-structs.test.ts` against what gcc
 * printed with sizeof/offsetof. Structures are plain byte arrays read and written through DataView
 * (little-endian), so no koffi struct declarations are needed.
 */
import { STRUCT_SIZE } from './kvm-constants';

const REG_NAMES = [
  'rax',
  'rbx',
  'rcx',
  'rdx',
  'rsi',
  'rdi',
  'rsp',
  'rbp',
  'r8',
  'r9',
  'r10',
  'r11',
  'r12',
  'r13',
  'r14',
  'r15',
  'rip',
  'rflags',
] as const;
export type RegName = (typeof REG_NAMES)[number];
/** struct kvm_regs: 18 consecutive u64 in the order of REG_NAMES (rip at 128, rflags at 136). */
export type KvmRegs = Record<RegName, bigint>;

export const REGS_OFFSET: Readonly<Record<RegName, number>> = Object.fromEntries(
  REG_NAMES.map((name, index) => [name, index * 8]),
) as Record<RegName, number>;

export function emptyRegs(): KvmRegs {
  return Object.fromEntries(REG_NAMES.map((name) => [name, 0n])) as KvmRegs;
}

export function encodeRegs(regs: KvmRegs): Uint8Array {
  const bytes = new Uint8Array(STRUCT_SIZE.kvmRegs);
  const view = new DataView(bytes.buffer);
  for (const name of REG_NAMES) view.setBigUint64(REGS_OFFSET[name], regs[name], true);
  return bytes;
}

export function decodeRegs(bytes: Uint8Array): KvmRegs {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const regs = emptyRegs();
  for (const name of REG_NAMES) regs[name] = view.getBigUint64(REGS_OFFSET[name], true);
  return regs;
}

/** struct kvm_segment (24 bytes): u64 base, u32 limit, u16 selector, then one u8 per attribute. */
export interface KvmSegment {
  base: bigint;
  limit: number;
  selector: number;
  type: number;
  present: number;
  dpl: number;
  db: number;
  s: number;
  l: number;
  g: number;
  avl: number;
  unusable: number;
}
export const SEGMENT_OFFSET = {
  base: 0,
  limit: 8,
  selector: 12,
  type: 14,
  present: 15,
  dpl: 16,
  db: 17,
  s: 18,
  l: 19,
  g: 20,
  avl: 21,
  unusable: 22,
  size: 24,
} as const;
const SEGMENT_BYTE_FIELDS = [
  'type',
  'present',
  'dpl',
  'db',
  's',
  'l',
  'g',
  'avl',
  'unusable',
] as const;

/** struct kvm_dtable (16 bytes): u64 base, u16 limit, u16 padding[3]. */
export interface KvmDtable {
  base: bigint;
  limit: number;
}

const SEGMENT_NAMES = ['cs', 'ds', 'es', 'fs', 'gs', 'ss', 'tr', 'ldt'] as const;
type SegmentName = (typeof SEGMENT_NAMES)[number];
const CONTROL_NAMES = ['cr0', 'cr2', 'cr3', 'cr4', 'cr8', 'efer', 'apicBase'] as const;
type ControlName = (typeof CONTROL_NAMES)[number];

/** struct kvm_sregs (312 bytes). */
export type KvmSregs = Record<SegmentName, KvmSegment> &
  Record<ControlName, bigint> & {
    gdt: KvmDtable;
    idt: KvmDtable;
    /** interrupt_bitmap[4] (u64 each): pending external interrupts; kept as-is on a round trip. */
    interruptBitmap: [bigint, bigint, bigint, bigint];
  };

export const SREGS_OFFSET = {
  cs: 0,
  ds: 24,
  es: 48,
  fs: 72,
  gs: 96,
  ss: 120,
  tr: 144,
  ldt: 168,
  gdt: 192,
  idt: 208,
  cr0: 224,
  cr2: 232,
  cr3: 240,
  cr4: 248,
  cr8: 256,
  efer: 264,
  apicBase: 272,
  interruptBitmap: 280,
} as const;

function readSegment(view: DataView, at: number): KvmSegment {
  const segment = {
    base: view.getBigUint64(at + SEGMENT_OFFSET.base, true),
    limit: view.getUint32(at + SEGMENT_OFFSET.limit, true),
    selector: view.getUint16(at + SEGMENT_OFFSET.selector, true),
  } as KvmSegment;
  for (const field of SEGMENT_BYTE_FIELDS)
    segment[field] = view.getUint8(at + SEGMENT_OFFSET[field]);
  return segment;
}

function writeSegment(view: DataView, at: number, segment: KvmSegment): void {
  view.setBigUint64(at + SEGMENT_OFFSET.base, segment.base, true);
  view.setUint32(at + SEGMENT_OFFSET.limit, segment.limit >>> 0, true);
  view.setUint16(at + SEGMENT_OFFSET.selector, segment.selector, true);
  for (const field of SEGMENT_BYTE_FIELDS)
    view.setUint8(at + SEGMENT_OFFSET[field], segment[field]);
}

export function decodeSregs(bytes: Uint8Array): KvmSregs {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sregs = {} as KvmSregs;
  for (const name of SEGMENT_NAMES) sregs[name] = readSegment(view, SREGS_OFFSET[name]);
  for (const name of ['gdt', 'idt'] as const) {
    sregs[name] = {
      base: view.getBigUint64(SREGS_OFFSET[name], true),
      limit: view.getUint16(SREGS_OFFSET[name] + 8, true),
    };
  }
  for (const name of CONTROL_NAMES) sregs[name] = view.getBigUint64(SREGS_OFFSET[name], true);
  const bitmapAt = SREGS_OFFSET.interruptBitmap;
  sregs.interruptBitmap = [0, 1, 2, 3].map((i) => view.getBigUint64(bitmapAt + i * 8, true)) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  return sregs;
}

export function encodeSregs(sregs: KvmSregs): Uint8Array {
  const bytes = new Uint8Array(STRUCT_SIZE.kvmSregs);
  const view = new DataView(bytes.buffer);
  for (const name of SEGMENT_NAMES) writeSegment(view, SREGS_OFFSET[name], sregs[name]);
  for (const name of ['gdt', 'idt'] as const) {
    view.setBigUint64(SREGS_OFFSET[name], sregs[name].base, true);
    view.setUint16(SREGS_OFFSET[name] + 8, sregs[name].limit, true);
  }
  for (const name of CONTROL_NAMES) view.setBigUint64(SREGS_OFFSET[name], sregs[name], true);
  sregs.interruptBitmap.forEach((word, i) =>
    view.setBigUint64(SREGS_OFFSET.interruptBitmap + i * 8, word, true),
  );
  return bytes;
}

/** struct kvm_userspace_memory_region: u32 slot @0, u32 flags @4, u64 guest_phys_addr @8, u64 memory_size @16, u64 userspace_addr @24. */
export function encodeMemoryRegion(
  slot: number,
  guestPhysAddr: bigint,
  size: bigint,
  userspaceAddr: bigint,
  flags = 0,
): Uint8Array {
  const bytes = new Uint8Array(STRUCT_SIZE.kvmUserspaceMemoryRegion);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, slot, true);
  view.setUint32(4, flags, true);
  view.setBigUint64(8, guestPhysAddr, true);
  view.setBigUint64(16, size, true);
  view.setBigUint64(24, userspaceAddr, true);
  return bytes;
}

/** struct kvm_irq_level: u32 irq @0, u32 level @4. */
export function encodeIrqLevel(irq: number, level: boolean): Uint8Array {
  const bytes = new Uint8Array(STRUCT_SIZE.kvmIrqLevel);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, irq, true);
  view.setUint32(4, level ? 1 : 0, true);
  return bytes;
}

/** struct kvm_irqfd: u32 fd @0, u32 gsi @4, u32 flags @8, u32 resamplefd @12, pad to 32. */
export function encodeIrqfd(fd: number, gsi: number, flags = 0): Uint8Array {
  const bytes = new Uint8Array(STRUCT_SIZE.kvmIrqfd);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, fd, true);
  view.setUint32(4, gsi, true);
  view.setUint32(8, flags, true);
  return bytes;
}

/** struct kvm_ioeventfd: u64 datamatch @0, u64 addr @8, u32 len @16, s32 fd @20, u32 flags @24, pad to 64. */
export function encodeIoeventfd(
  address: bigint,
  length: number,
  fd: number,
  flags: number,
  datamatch = 0n,
): Uint8Array {
  const bytes = new Uint8Array(STRUCT_SIZE.kvmIoeventfd);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, datamatch, true);
  view.setBigUint64(8, address, true);
  view.setUint32(16, length, true);
  view.setInt32(20, fd, true);
  view.setUint32(24, flags, true);
  return bytes;
}

/** struct kvm_pit_config: u32 flags @0, u32 pad[15]. */
export function encodePitConfig(flags: number): Uint8Array {
  const bytes = new Uint8Array(STRUCT_SIZE.kvmPitConfig);
  new DataView(bytes.buffer).setUint32(0, flags, true);
  return bytes;
}

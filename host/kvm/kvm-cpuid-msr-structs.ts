/**
 * Variable-length KVM structures: kvm_cpuid2 (+ kvm_cpuid_entry2[]) and kvm_msrs (+ kvm_msr_entry[]).
 * Offsets checked against gcc's output in `kvm-structs.test.ts`.
 */
import { STRUCT_SIZE } from './kvm-constants';

/** struct kvm_cpuid_entry2 (40 bytes): u32 function, index, flags, eax, ebx, ecx, edx, padding[3]. */
export interface CpuidEntry {
  function: number;
  index: number;
  flags: number;
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}
export const CPUID_ENTRY_OFFSET = {
  function: 0,
  index: 4,
  flags: 8,
  eax: 12,
  ebx: 16,
  ecx: 20,
  edx: 24,
} as const;
const CPUID_FIELDS = ['function', 'index', 'flags', 'eax', 'ebx', 'ecx', 'edx'] as const;

/** kvm_cpuid2 header: u32 nent @0, u32 padding @4, entries @8. */
export function allocateCpuid2(capacity: number): Uint8Array {
  const bytes = new Uint8Array(STRUCT_SIZE.kvmCpuid2Header + capacity * STRUCT_SIZE.kvmCpuidEntry2);
  new DataView(bytes.buffer).setUint32(0, capacity, true);
  return bytes;
}

export function decodeCpuid2(bytes: Uint8Array): CpuidEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  const entries: CpuidEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = STRUCT_SIZE.kvmCpuid2Header + i * STRUCT_SIZE.kvmCpuidEntry2;
    if (at + STRUCT_SIZE.kvmCpuidEntry2 > bytes.byteLength) break;
    const entry = {} as CpuidEntry;
    for (const field of CPUID_FIELDS)
      entry[field] = view.getUint32(at + CPUID_ENTRY_OFFSET[field], true);
    entries.push(entry);
  }
  return entries;
}

export function encodeCpuid2(entries: readonly CpuidEntry[]): Uint8Array {
  const bytes = allocateCpuid2(entries.length);
  const view = new DataView(bytes.buffer);
  entries.forEach((entry, i) => {
    const at = STRUCT_SIZE.kvmCpuid2Header + i * STRUCT_SIZE.kvmCpuidEntry2;
    for (const field of CPUID_FIELDS)
      view.setUint32(at + CPUID_ENTRY_OFFSET[field], entry[field] >>> 0, true);
  });
  return bytes;
}

/** struct kvm_msr_entry (16 bytes): u32 index @0, u32 reserved @4, u64 data @8. */
export interface MsrEntry {
  index: number;
  data: bigint;
}

/** kvm_msrs header: u32 nmsrs @0, u32 pad @4, entries @8. */
export function encodeMsrs(entries: readonly MsrEntry[]): Uint8Array {
  const bytes = new Uint8Array(
    STRUCT_SIZE.kvmMsrsHeader + entries.length * STRUCT_SIZE.kvmMsrEntry,
  );
  const view = new DataView(bytes.buffer);
  view.setUint32(0, entries.length, true);
  entries.forEach((entry, i) => {
    const at = STRUCT_SIZE.kvmMsrsHeader + i * STRUCT_SIZE.kvmMsrEntry;
    view.setUint32(at, entry.index, true);
    view.setBigUint64(at + 8, entry.data, true);
  });
  return bytes;
}

export function decodeMsrs(bytes: Uint8Array, count: number): MsrEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: MsrEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = STRUCT_SIZE.kvmMsrsHeader + i * STRUCT_SIZE.kvmMsrEntry;
    entries.push({ index: view.getUint32(at, true), data: view.getBigUint64(at + 8, true) });
  }
  return entries;
}

/**
 * The PVH boot path for an uncompressed `vmlinux` ELF (Linux with CONFIG_PVH): the kernel's ELF
 * note XEN_ELFNOTE_PHYS32_ENTRY gives a 32-bit entry point, entered in flat protected mode without
 * paging with EBX = the guest-physical address of an `hvm_start_info` (Xen's public
 * arch-x86/hvm/start_info.h, version 1: command line, modules = the initrd, and an e820-style
 * memory map). Everything read from the file is bounds-checked: a bad ELF gives a PvhError.
 */
import type { E820Entry } from './e820';

export class PvhError extends Error {
  override name = 'PvhError';
}

const ELF_MAGIC = 0x464c457f; // "\x7fELF" little-endian
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const EM_X86_64 = 62;
const PT_LOAD = 1;
const PT_NOTE = 4;
const PHDR_BYTES = 56;
export const XEN_ELFNOTE_PHYS32_ENTRY = 18;

export const HVM_START_MAGIC = 0x336ec578;
export const HVM_START_INFO_BYTES = 56;
export const HVM_MODLIST_ENTRY_BYTES = 32;
export const HVM_MEMMAP_ENTRY_BYTES = 24;

export interface ElfSegment {
  readonly physicalAddress: number;
  readonly bytes: Uint8Array;
  /** Bytes the segment occupies in memory (≥ bytes.length; the rest is zero-filled .bss). */
  readonly memorySize: number;
}

export interface PvhKernel {
  readonly entry: number;
  readonly segments: readonly ElfSegment[];
}

const u64 = (view: DataView, at: number): number => {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new PvhError(`value at ${at} too large`);
  return Number(value);
};

export function isElf(file: Uint8Array): boolean {
  return (
    file.length >= 4 &&
    new DataView(file.buffer, file.byteOffset, 4).getUint32(0, true) === ELF_MAGIC
  );
}

export function parsePvhKernel(file: Uint8Array): PvhKernel {
  if (file.length < 64 || !isElf(file)) throw new PvhError('not an ELF file');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint8(4) !== ELFCLASS64 || view.getUint8(5) !== ELFDATA2LSB)
    throw new PvhError('not a little-endian ELF64 file');
  if (view.getUint16(0x12, true) !== EM_X86_64) throw new PvhError('not an x86_64 ELF file');
  const phoff = u64(view, 0x20);
  const phentsize = view.getUint16(0x36, true);
  const phnum = view.getUint16(0x38, true);
  if (phentsize < PHDR_BYTES || phoff + phnum * phentsize > file.length)
    throw new PvhError('program headers outside the file');
  const segments: ElfSegment[] = [];
  let entry: number | undefined;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const type = view.getUint32(at, true);
    const offset = u64(view, at + 8);
    const fileSize = u64(view, at + 32);
    if (offset + fileSize > file.length) throw new PvhError(`segment ${i} runs past the file`);
    if (type === PT_LOAD) {
      const memorySize = u64(view, at + 40);
      if (memorySize < fileSize) throw new PvhError(`segment ${i}: memsz < filesz`);
      segments.push({
        physicalAddress: u64(view, at + 24),
        bytes: file.subarray(offset, offset + fileSize),
        memorySize,
      });
    } else if (type === PT_NOTE) {
      entry ??= findPhys32Entry(view, offset, fileSize);
    }
  }
  if (entry === undefined)
    throw new PvhError('no XEN_ELFNOTE_PHYS32_ENTRY note: kernel built without CONFIG_PVH');
  if (segments.length === 0) throw new PvhError('no loadable segments');
  return { entry, segments };
}

const align4 = (n: number): number => (n + 3) & ~3;

function findPhys32Entry(view: DataView, start: number, size: number): number | undefined {
  let at = start;
  const end = start + size;
  while (at + 12 <= end) {
    const nameSize = view.getUint32(at, true);
    const descSize = view.getUint32(at + 4, true);
    const type = view.getUint32(at + 8, true);
    const nameAt = at + 12;
    const descAt = nameAt + align4(nameSize);
    const next = descAt + align4(descSize);
    if (next > end || next <= at) return undefined;
    const name = String.fromCharCode(
      ...new Uint8Array(view.buffer, view.byteOffset + nameAt, nameSize),
    );
    if (name === 'Xen\0' && type === XEN_ELFNOTE_PHYS32_ENTRY) {
      if (descSize === 4) return view.getUint32(descAt, true);
      if (descSize === 8) return u64(view, descAt);
      return undefined;
    }
    at = next;
  }
  return undefined;
}

export interface StartInfoInput {
  /** Where the start info itself goes; the module list and memory map follow it. */
  readonly address: number;
  readonly cmdlineAddress: number;
  readonly initrd?: { readonly address: number; readonly size: number };
  readonly e820: readonly E820Entry[];
}

/** hvm_start_info (version 1), then one module entry if there is an initrd, then the memory map. */
export function buildStartInfo(input: StartInfoInput): Uint8Array {
  const modules = input.initrd ? 1 : 0;
  const modlistAt = HVM_START_INFO_BYTES;
  const memmapAt = modlistAt + modules * HVM_MODLIST_ENTRY_BYTES;
  const bytes = new Uint8Array(memmapAt + input.e820.length * HVM_MEMMAP_ENTRY_BYTES);
  const view = new DataView(bytes.buffer);
  const setU64 = (at: number, value: number): void => view.setBigUint64(at, BigInt(value), true);
  view.setUint32(0, HVM_START_MAGIC, true);
  view.setUint32(4, 1, true);
  view.setUint32(12, modules, true);
  if (input.initrd) {
    setU64(16, input.address + modlistAt);
    setU64(modlistAt, input.initrd.address);
    setU64(modlistAt + 8, input.initrd.size);
  }
  setU64(24, input.cmdlineAddress);
  setU64(40, input.address + memmapAt);
  view.setUint32(48, input.e820.length, true);
  input.e820.forEach((entry, i) => {
    const at = memmapAt + i * HVM_MEMMAP_ENTRY_BYTES;
    setU64(at, entry.address);
    setU64(at + 8, entry.size);
    view.setUint32(at + 16, entry.type, true);
  });
  return bytes;
}

import { describe, expect, it } from 'vitest';
import { E820_TYPE } from './e820';
import {
  buildStartInfo,
  HVM_START_MAGIC,
  isElf,
  parsePvhKernel,
  PvhError,
  XEN_ELFNOTE_PHYS32_ENTRY,
} from './pvh';

/** A minimal x86_64 ELF: one PT_LOAD (with .bss) and one PT_NOTE holding `notes`. */
function elf(notes: Uint8Array, segment = Uint8Array.of(0x90, 0xf4)): Uint8Array {
  const phoff = 64;
  const dataAt = phoff + 2 * 56;
  const noteAt = dataAt + segment.length;
  const file = new Uint8Array(noteAt + notes.length);
  const view = new DataView(file.buffer);
  view.setUint32(0, 0x464c457f, true);
  file[4] = 2;
  file[5] = 1;
  view.setUint16(0x12, 62, true);
  view.setBigUint64(0x20, BigInt(phoff), true);
  view.setUint16(0x36, 56, true);
  view.setUint16(0x38, 2, true);
  const phdr = (at: number, type: number, offset: number, size: number, paddr: number) => {
    view.setUint32(at, type, true);
    view.setBigUint64(at + 8, BigInt(offset), true);
    view.setBigUint64(at + 24, BigInt(paddr), true);
    view.setBigUint64(at + 32, BigInt(size), true);
    view.setBigUint64(at + 40, BigInt(size + 0x100), true);
  };
  phdr(phoff, 1, dataAt, segment.length, 0x1000000);
  phdr(phoff + 56, 4, noteAt, notes.length, 0);
  file.set(segment, dataAt);
  file.set(notes, noteAt);
  return file;
}

function note(name: string, type: number, desc: Uint8Array): Uint8Array {
  const pad = (n: number) => (n + 3) & ~3;
  const bytes = new Uint8Array(12 + pad(name.length) + pad(desc.length));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, name.length, true);
  view.setUint32(4, desc.length, true);
  view.setUint32(8, type, true);
  for (let i = 0; i < name.length; i++) bytes[12 + i] = name.charCodeAt(i);
  bytes.set(desc, 12 + pad(name.length));
  return bytes;
}

const entryDesc = (entry: number): Uint8Array => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(entry), true);
  return bytes;
};

describe('PVH vmlinux parsing', () => {
  it('finds the PHYS32 entry note among other notes and the loadable segments', () => {
    const notes = Uint8Array.of(
      ...note('GNU\0', 3, new Uint8Array(20)),
      ...note('Xen\0', XEN_ELFNOTE_PHYS32_ENTRY, entryDesc(0x1000123)),
    );
    const kernel = parsePvhKernel(elf(notes));
    expect(kernel.entry).toBe(0x1000123);
    expect(kernel.segments).toHaveLength(1);
    expect(kernel.segments[0]?.physicalAddress).toBe(0x1000000);
    expect(Array.from(kernel.segments[0]?.bytes ?? [])).toEqual([0x90, 0xf4]);
    expect(kernel.segments[0]?.memorySize).toBe(0x102);
  });

  it('rejects kernels without the note, foreign files and truncated headers', () => {
    expect(() => parsePvhKernel(elf(note('Xen\0', 5, new Uint8Array(4))))).toThrow(/CONFIG_PVH/);
    expect(isElf(Uint8Array.of(1, 2, 3))).toBe(false);
    expect(() => parsePvhKernel(new Uint8Array(10))).toThrow(PvhError);
    const truncated = elf(note('Xen\0', XEN_ELFNOTE_PHYS32_ENTRY, entryDesc(1))).slice(0, 150);
    expect(() => parsePvhKernel(truncated)).toThrow(PvhError);
    const badNote = elf(Uint8Array.of(0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 18, 0, 0, 0));
    expect(() => parsePvhKernel(badNote)).toThrow(/CONFIG_PVH/);
  });
});

describe('hvm_start_info', () => {
  it('lays out magic, version 1, cmdline, one module (the initrd) and the memory map', () => {
    const e820 = [
      { address: 0, size: 0x9fc00, type: E820_TYPE.ram },
      { address: 0x100000, size: 0x7f00000, type: E820_TYPE.ram },
    ];
    const bytes = buildStartInfo({
      address: 0x6000,
      cmdlineAddress: 0x20000,
      initrd: { address: 0x7000000, size: 12345 },
      e820,
    });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(HVM_START_MAGIC);
    expect(view.getUint32(4, true)).toBe(1);
    expect(view.getUint32(12, true)).toBe(1);
    const modlist = Number(view.getBigUint64(16, true)) - 0x6000;
    expect(view.getBigUint64(modlist, true)).toBe(0x7000000n);
    expect(view.getBigUint64(modlist + 8, true)).toBe(12345n);
    expect(view.getBigUint64(24, true)).toBe(0x20000n);
    const memmap = Number(view.getBigUint64(40, true)) - 0x6000;
    expect(view.getUint32(48, true)).toBe(2);
    expect(view.getBigUint64(memmap + 24, true)).toBe(0x100000n);
    expect(view.getBigUint64(memmap + 32, true)).toBe(0x7f00000n);
    expect(view.getUint32(memmap + 40, true)).toBe(E820_TYPE.ram);
    expect(memmap + 2 * 24).toBe(bytes.length);
  });

  it('has no module list without an initrd', () => {
    const bytes = buildStartInfo({ address: 0x6000, cmdlineAddress: 0x20000, e820: [] });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(12, true)).toBe(0);
    expect(view.getBigUint64(16, true)).toBe(0n);
  });
});

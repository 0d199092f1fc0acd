// Portable ELF64 RISC-V executable loader: copies PT_LOAD segments into guest RAM.
// Every check produces an ElfError with a message that names the problem.

export class ElfError extends Error {
  override name = 'ElfError';
}

export interface ElfSegment {
  /** Guest physical load address. */
  paddr: bigint;
  fileSize: number;
  memSize: number;
}

export interface ElfImage {
  entry: bigint;
  segments: ElfSegment[];
}

const EM_RISCV = 243;
const PT_LOAD = 1;
const ET_EXEC = 2;

/**
 * Load `bytes` (an ELF64 little-endian RISC-V executable) into `ram`, which holds guest physical
 * addresses [ramBase, ramBase + ram.length). Segments use their physical address (p_paddr).
 */
export function loadElf(bytes: Uint8Array, ram: Uint8Array, ramBase: bigint): ElfImage {
  if (
    bytes.length < 64 ||
    bytes[0] !== 0x7f ||
    bytes[1] !== 0x45 ||
    bytes[2] !== 0x4c ||
    bytes[3] !== 0x46
  ) {
    throw new ElfError('not an ELF file (bad magic)');
  }
  if (bytes[4] !== 2) throw new ElfError('not a 64-bit ELF file (EI_CLASS is not ELFCLASS64)');
  if (bytes[5] !== 1) throw new ElfError('not a little-endian ELF file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_RISCV) throw new ElfError(`not a RISC-V ELF file (e_machine ${machine})`);
  if (type !== ET_EXEC) throw new ElfError(`not an executable ELF file (e_type ${type})`);
  const entry = view.getBigUint64(24, true);
  const phoff = view.getBigUint64(32, true);
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phentsize < 56) throw new ElfError(`bad program header size ${phentsize}`);
  if (phoff + BigInt(phentsize * phnum) > BigInt(bytes.length)) {
    throw new ElfError('program headers extend past the end of the file');
  }
  const ramEnd = ramBase + BigInt(ram.length);
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = Number(phoff) + i * phentsize;
    if (view.getUint32(ph, true) !== PT_LOAD) continue;
    const offset = view.getBigUint64(ph + 8, true);
    const paddr = view.getBigUint64(ph + 24, true);
    const fileSize = view.getBigUint64(ph + 32, true);
    const memSize = view.getBigUint64(ph + 40, true);
    if (memSize === 0n) continue;
    if (fileSize > memSize) throw new ElfError(`segment ${i}: file size exceeds memory size`);
    if (offset + fileSize > BigInt(bytes.length)) {
      throw new ElfError(`segment ${i}: data extends past the end of the file`);
    }
    if (paddr < ramBase || paddr + memSize > ramEnd) {
      throw new ElfError(
        `segment ${i} at 0x${paddr.toString(16)} (+0x${memSize.toString(16)}) is outside RAM ` +
          `0x${ramBase.toString(16)}..0x${ramEnd.toString(16)}`,
      );
    }
    const start = Number(paddr - ramBase);
    ram.set(bytes.subarray(Number(offset), Number(offset + fileSize)), start);
    ram.fill(0, start + Number(fileSize), start + Number(memSize));
    segments.push({ paddr, fileSize: Number(fileSize), memSize: Number(memSize) });
  }
  if (segments.length === 0) throw new ElfError('no loadable segments');
  if (entry < ramBase || entry >= ramEnd) {
    throw new ElfError(`entry point 0x${entry.toString(16)} is outside RAM`);
  }
  return { entry, segments };
}

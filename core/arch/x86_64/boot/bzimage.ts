/**
 * Parsing a bzImage's real-mode setup header (Linux x86 boot protocol, Documentation/arch/x86/boot.rst).
 * Every field read is bounds-checked: a truncated or foreign file gives a `BzImageError`, never a
 * read past the buffer.
 */

export class BzImageError extends Error {
  override name = 'BzImageError';
}

/** Offsets of the setup header fields we use, relative to the start of the file. */
export const SETUP_HEADER = {
  start: 0x1f1,
  setupSects: 0x1f1,
  bootFlag: 0x1fe,
  jump: 0x200,
  header: 0x202,
  version: 0x206,
  typeOfLoader: 0x210,
  loadflags: 0x211,
  code32Start: 0x214,
  ramdiskImage: 0x218,
  ramdiskSize: 0x21c,
  heapEndPtr: 0x224,
  cmdLinePtr: 0x228,
  initrdAddrMax: 0x22c,
  kernelAlignment: 0x230,
  relocatableKernel: 0x234,
  xloadflags: 0x236,
  cmdlineSize: 0x238,
  prefAddress: 0x258,
  initSize: 0x260,
} as const;

const HDRS_MAGIC = 0x53726448; // "HdrS"
const BOOT_FLAG = 0xaa55;
/** 2.12: xloadflags, 64-bit entry, ext_* fields. Older kernels are not supported. */
export const MIN_BOOT_PROTOCOL = 0x20c;
const XLF_KERNEL_64 = 1 << 0;
const LOADFLAG_LOADED_HIGH = 1 << 0;
const SECTOR = 512;

export interface BzImage {
  /** Boot protocol version, e.g. 0x20f for 2.15. */
  readonly protocol: number;
  readonly setupSects: number;
  /** The setup header bytes [0x1f1, end), to copy into boot_params at the same offsets. */
  readonly setupHeader: Uint8Array;
  /** The protected-mode kernel (everything after the setup sectors). */
  readonly protectedModeKernel: Uint8Array;
  readonly loadedHigh: boolean;
  readonly supports64BitEntry: boolean;
  readonly relocatable: boolean;
  readonly kernelAlignment: number;
  readonly prefAddress: number;
  /** Bytes of memory the kernel needs from its run address while decompressing/booting. */
  readonly initSize: number;
  readonly initrdAddrMax: number;
  /** Maximum command-line length, excluding the terminating NUL. */
  readonly cmdlineSize: number;
}

export function parseBzImage(file: Uint8Array): BzImage {
  const need = (end: number, what: string): void => {
    if (file.length < end)
      throw new BzImageError(`not a bzImage: ${file.length} bytes, too short for ${what}`);
  };
  need(SETUP_HEADER.header + 4, 'the setup header');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (
    view.getUint16(SETUP_HEADER.bootFlag, true) !== BOOT_FLAG ||
    view.getUint32(SETUP_HEADER.header, true) !== HDRS_MAGIC
  ) {
    throw new BzImageError('not a bzImage: boot flag 0xaa55 / "HdrS" magic missing');
  }
  need(SETUP_HEADER.initSize + 4, 'a boot protocol 2.12 header');
  const protocol = view.getUint16(SETUP_HEADER.version, true);
  if (protocol < MIN_BOOT_PROTOCOL) {
    throw new BzImageError(
      `boot protocol ${(protocol >> 8).toString()}.${protocol & 0xff} is older than 2.12`,
    );
  }
  // "The end of setup header can be calculated as 0x0202 + the byte at 0x0201" (boot.rst).
  const headerEnd = SETUP_HEADER.header + view.getUint8(SETUP_HEADER.jump + 1);
  need(headerEnd, 'the declared setup header length');
  const setupSects = view.getUint8(SETUP_HEADER.setupSects) || 4;
  const kernelStart = (setupSects + 1) * SECTOR;
  if (kernelStart >= file.length)
    throw new BzImageError(
      `setup (${setupSects} sectors) covers the whole ${file.length}-byte file`,
    );
  return {
    protocol,
    setupSects,
    setupHeader: file.slice(SETUP_HEADER.start, headerEnd),
    protectedModeKernel: file.subarray(kernelStart),
    loadedHigh: (view.getUint8(SETUP_HEADER.loadflags) & LOADFLAG_LOADED_HIGH) !== 0,
    supports64BitEntry: (view.getUint16(SETUP_HEADER.xloadflags, true) & XLF_KERNEL_64) !== 0,
    relocatable: view.getUint8(SETUP_HEADER.relocatableKernel) !== 0,
    kernelAlignment: view.getUint32(SETUP_HEADER.kernelAlignment, true),
    prefAddress: Number(view.getBigUint64(SETUP_HEADER.prefAddress, true)),
    initSize: view.getUint32(SETUP_HEADER.initSize, true),
    initrdAddrMax: view.getUint32(SETUP_HEADER.initrdAddrMax, true),
    cmdlineSize: view.getUint32(SETUP_HEADER.cmdlineSize, true),
  };
}

/**
 * The "zero page" (struct boot_params, 4096 bytes) handed to a 64-bit Linux kernel in RSI, and its
 * e820 memory map. Offsets from Documentation/arch/x86/zero-page.rst and boot.rst.
 */
import { SETUP_HEADER, type BzImage } from './bzimage';

export const BOOT_PARAMS_BYTES = 4096;
export const BOOT_PARAMS_OFFSET = {
  extRamdiskImage: 0x0c0,
  extRamdiskSize: 0x0c4,
  extCmdLinePtr: 0x0c8,
  e820Entries: 0x1e8,
  e820Table: 0x2d0,
} as const;
export const E820_ENTRY_BYTES = 20; // u64 addr, u64 size, u32 type
export const E820_MAX_ENTRIES = 128;
export const E820_TYPE = { ram: 1, reserved: 2 } as const;

/** "Undefined" boot loader id: we are not one of the registered ones. */
const TYPE_OF_LOADER_UNDEFINED = 0xff;

export interface E820Entry {
  readonly address: number;
  readonly size: number;
  readonly type: number;
}

export interface BootParamsInput {
  readonly image: BzImage;
  readonly cmdlineAddress: number;
  readonly initrd?: { readonly address: number; readonly size: number };
  readonly e820: readonly E820Entry[];
}

function setU64(view: DataView, at: number, value: number): void {
  view.setBigUint64(at, BigInt(value), true);
}

export function buildBootParams(input: BootParamsInput): Uint8Array {
  if (input.e820.length > E820_MAX_ENTRIES)
    throw new RangeError(`e820: ${input.e820.length} entries, at most ${E820_MAX_ENTRIES}`);
  const bytes = new Uint8Array(BOOT_PARAMS_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(input.image.setupHeader, SETUP_HEADER.start);
  view.setUint8(SETUP_HEADER.typeOfLoader, TYPE_OF_LOADER_UNDEFINED);
  // Low 32 bits in the header, high 32 bits in the ext_* fields of the zero page.
  view.setUint32(SETUP_HEADER.cmdLinePtr, input.cmdlineAddress >>> 0, true);
  view.setUint32(
    BOOT_PARAMS_OFFSET.extCmdLinePtr,
    Math.floor(input.cmdlineAddress / 2 ** 32),
    true,
  );
  const initrd = input.initrd ?? { address: 0, size: 0 };
  view.setUint32(SETUP_HEADER.ramdiskImage, initrd.address >>> 0, true);
  view.setUint32(SETUP_HEADER.ramdiskSize, initrd.size >>> 0, true);
  view.setUint32(BOOT_PARAMS_OFFSET.extRamdiskImage, Math.floor(initrd.address / 2 ** 32), true);
  view.setUint32(BOOT_PARAMS_OFFSET.extRamdiskSize, Math.floor(initrd.size / 2 ** 32), true);
  view.setUint8(BOOT_PARAMS_OFFSET.e820Entries, input.e820.length);
  input.e820.forEach((entry, i) => {
    const at = BOOT_PARAMS_OFFSET.e820Table + i * E820_ENTRY_BYTES;
    setU64(view, at, entry.address);
    setU64(view, at + 8, entry.size);
    view.setUint32(at + 16, entry.type, true);
  });
  return bytes;
}

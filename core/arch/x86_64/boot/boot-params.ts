/**
 * The "zero page" (struct boot_params, 4096 bytes) handed to a 64-bit Linux kernel in RSI.
 * Offsets from Documentation/arch/x86/zero-page.rst and boot.rst.
 */
import { SETUP_HEADER, type BzImage } from './bzimage';
import { E820_MAX_ENTRIES, writeE820, type E820Entry } from './e820';

export const BOOT_PARAMS_BYTES = 4096;
export const BOOT_PARAMS_OFFSET = {
  extRamdiskImage: 0x0c0,
  extRamdiskSize: 0x0c4,
  extCmdLinePtr: 0x0c8,
  e820Entries: 0x1e8,
  e820Table: 0x2d0,
} as const;

/** "Undefined" boot loader id: we are not one of the registered ones. */
const TYPE_OF_LOADER_UNDEFINED = 0xff;

export interface BootParamsInput {
  readonly image: BzImage;
  readonly cmdlineAddress: number;
  readonly initrd?: { readonly address: number; readonly size: number };
  readonly e820: readonly E820Entry[];
}

const high32 = (value: number): number => Math.floor(value / 2 ** 32) >>> 0;

export function buildBootParams(input: BootParamsInput): Uint8Array {
  if (input.e820.length > E820_MAX_ENTRIES)
    throw new RangeError(`e820: ${input.e820.length} entries, at most ${E820_MAX_ENTRIES}`);
  const bytes = new Uint8Array(BOOT_PARAMS_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(input.image.setupHeader, SETUP_HEADER.start);
  view.setUint8(SETUP_HEADER.typeOfLoader, TYPE_OF_LOADER_UNDEFINED);
  // Low 32 bits in the header, high 32 bits in the ext_* fields of the zero page.
  view.setUint32(SETUP_HEADER.cmdLinePtr, input.cmdlineAddress >>> 0, true);
  view.setUint32(BOOT_PARAMS_OFFSET.extCmdLinePtr, high32(input.cmdlineAddress), true);
  const initrd = input.initrd ?? { address: 0, size: 0 };
  view.setUint32(SETUP_HEADER.ramdiskImage, initrd.address >>> 0, true);
  view.setUint32(SETUP_HEADER.ramdiskSize, initrd.size >>> 0, true);
  view.setUint32(BOOT_PARAMS_OFFSET.extRamdiskImage, high32(initrd.address), true);
  view.setUint32(BOOT_PARAMS_OFFSET.extRamdiskSize, high32(initrd.size), true);
  view.setUint8(BOOT_PARAMS_OFFSET.e820Entries, input.e820.length);
  writeE820(view, BOOT_PARAMS_OFFSET.e820Table, input.e820);
  return bytes;
}

/**
 * Where a Linux boot puts things in guest RAM.
 *
 *   RAM_BASE ............ first 2 MiB: free RAM (no firmware lives here: the machine is the SBI)
 *   RAM_BASE + text_offset   kernel Image, image_size bytes (0x8020_0000 for text_offset 2 MiB)
 *   ...                      free RAM for the kernel
 *   initrd_start             initrd, 2 MiB aligned, ending at or below the DTB
 *   dtb                      device tree, in the last 2 MiB-aligned 2 MiB of RAM (below `limit`)
 *
 * Top-down placement keeps the kernel's early allocations (just above its image) clear of the
 * initrd and DTB. The DTB slot is a fixed 2 MiB so the initrd can be placed before the DTB (whose
 * content names the initrd) is built; 2 MiB is also Linux's own limit (6.1 maps the DTB through
 * a PMD-sized fixmap window, MAX_FDT_SIZE). 2 MiB alignment matches the kernel's PMD mappings.
 */
import { MAX_RAM_SIZE, MIN_RAM_SIZE, RAM_BASE } from './memory-map';
import type { RiscvImageHeader } from './image-header';

export const BOOT_ALIGNMENT = 2 * 1024 * 1024;
/** Bytes reserved for the device tree at the top of RAM. */
export const DTB_SLOT_SIZE = 2 * 1024 * 1024;

export interface BootLayoutInput {
  readonly ramSize: number;
  readonly kernel: RiscvImageHeader;
  /** Bytes of the initrd, when there is one. */
  readonly initrdSize?: number;
  /** Highest physical address (exclusive) the initrd and DTB may reach; default: end of RAM. */
  readonly limit?: number;
}

export interface Range {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export interface BootLayout {
  readonly ram: Range;
  /** Where the Image is copied; entry point = kernel.start. */
  readonly kernel: Range;
  readonly initrd?: Range;
  /** The DTB starts at dtb.start and must fit in the slot. */
  readonly dtb: Range;
}

/** Kernel, initrd and DTB do not fit the machine. */
export class BootPlacementError extends Error {
  override readonly name = 'BootPlacementError';
}

const MiB = 1024 * 1024;
const alignDown = (n: number, a: number): number => Math.floor(n / a) * a;
const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

export function computeBootLayout(input: BootLayoutInput): BootLayout {
  const { ramSize, kernel } = input;
  if (!Number.isSafeInteger(ramSize) || ramSize < MIN_RAM_SIZE || ramSize > MAX_RAM_SIZE)
    throw new BootPlacementError(
      `RAM size ${ramSize} must be between ${mib(MIN_RAM_SIZE)} and ${mib(MAX_RAM_SIZE)}`,
    );
  if (ramSize % BOOT_ALIGNMENT !== 0)
    throw new BootPlacementError(`RAM size ${mib(ramSize)} is not a multiple of 2 MiB`);
  const ram = { start: RAM_BASE, end: RAM_BASE + ramSize };
  const kernelRange = { start: RAM_BASE + kernel.textOffset, end: 0 };
  kernelRange.end = kernelRange.start + kernel.imageSize;

  const limit = Math.min(input.limit ?? ram.end, ram.end);
  const dtbStart = alignDown(limit - DTB_SLOT_SIZE, BOOT_ALIGNMENT);
  const dtb = { start: dtbStart, end: dtbStart + DTB_SLOT_SIZE };
  const initrdSize = input.initrdSize ?? 0;
  if (!Number.isSafeInteger(initrdSize) || initrdSize < 0)
    throw new BootPlacementError(`initrd size ${initrdSize} is invalid`);
  const initrd =
    input.initrdSize === undefined
      ? undefined
      : {
          start: alignDown(dtb.start - initrdSize, BOOT_ALIGNMENT),
          end: alignDown(dtb.start - initrdSize, BOOT_ALIGNMENT) + initrdSize,
        };
  const lowestData = initrd?.start ?? dtb.start;
  if (kernelRange.end > lowestData || dtb.start < ram.start)
    throw new BootPlacementError(
      `kernel (${mib(kernel.imageSize)} at +${mib(kernel.textOffset)})` +
        (initrd ? `, initrd (${mib(initrdSize)})` : '') +
        ` and device tree (${mib(DTB_SLOT_SIZE)}) do not fit in ${mib(limit - ram.start)} of RAM`,
    );
  return initrd ? { ram, kernel: kernelRange, initrd, dtb } : { ram, kernel: kernelRange, dtb };
}

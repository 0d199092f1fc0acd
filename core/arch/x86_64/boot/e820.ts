/**
 * The e820 memory map (the BIOS's INT 15h/E820 answer) for a microVM of `memoryBytes` of RAM laid out
 * as in memory-map.ts: what Linux reads from boot_params and what PVH's hvm_memmap carries.
 */
import { FOUR_GIB, ONE_MIB, X86_LAYOUT } from '../memory-map';

export const E820_TYPE = { ram: 1, reserved: 2 } as const;
export const E820_ENTRY_BYTES = 20; // u64 addr, u64 size, u32 type
export const E820_MAX_ENTRIES = 128;

export interface E820Entry {
  readonly address: number;
  readonly size: number;
  readonly type: number;
}

/** RAM below the EBDA, RAM from 1 MiB up to the MMIO hole, and the rest of RAM above 4 GiB. */
export function e820For(memoryBytes: number): E820Entry[] {
  if (!Number.isSafeInteger(memoryBytes) || memoryBytes <= ONE_MIB)
    throw new RangeError(`guest RAM of ${memoryBytes} bytes: need more than 1 MiB`);
  const entries: E820Entry[] = [{ address: 0, size: X86_LAYOUT.ebda, type: E820_TYPE.ram }];
  const lowEnd = Math.min(memoryBytes, X86_LAYOUT.mmioHole);
  entries.push({ address: ONE_MIB, size: lowEnd - ONE_MIB, type: E820_TYPE.ram });
  if (memoryBytes > X86_LAYOUT.mmioHole) {
    entries.push({
      address: FOUR_GIB,
      size: memoryBytes - X86_LAYOUT.mmioHole,
      type: E820_TYPE.ram,
    });
  }
  return entries;
}

/** Where each byte of guest RAM lives: [guest address, length] pairs (RAM above 4 GiB is moved up). */
export function ramRegions(memoryBytes: number): [number, number][] {
  const low = Math.min(memoryBytes, X86_LAYOUT.mmioHole);
  const regions: [number, number][] = [[0, low]];
  if (memoryBytes > low) regions.push([FOUR_GIB, memoryBytes - low]);
  return regions;
}

/** Writes entries as the 20-byte records both boot_params and hvm_memmap use (the latter pads). */
export function writeE820(
  view: DataView,
  at: number,
  entries: readonly E820Entry[],
  stride = E820_ENTRY_BYTES,
): void {
  entries.forEach((entry, i) => {
    const offset = at + i * stride;
    view.setBigUint64(offset, BigInt(entry.address), true);
    view.setBigUint64(offset + 8, BigInt(entry.size), true);
    view.setUint32(offset + 16, entry.type, true);
  });
}
